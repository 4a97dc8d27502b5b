"""Model adapters: built-ins plus third-party ones from the ``embviz.adapters`` entry points.

Importing this module is cheap: adapter modules import torch/transformers only inside the
functions that run a model, and the built-ins are constructed on first use of the registry.
"""

from __future__ import annotations

from embviz.core.plugins import Registry
from embviz.models.base import Adapter


def _builtins() -> list[Adapter]:
    # The built-in adapters (static vectors, gensim training, transformers) arrive with the
    # "compute embeddings" work; until then only entry-point adapters are listed.
    return []


adapters: Registry[Adapter] = Registry("embviz.adapters", _builtins)
