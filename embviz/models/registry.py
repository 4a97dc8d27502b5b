"""Model adapters: built-ins plus third-party ones from the ``embviz.adapters`` entry points.

Importing this module is cheap: adapter modules import torch/transformers/gensim only inside the
functions that run a model, and the built-ins are constructed on first use of the registry.
"""

from __future__ import annotations

from embviz.core.plugins import Registry
from embviz.models.base import Adapter


def _builtins() -> list[Adapter]:
    from embviz.models.gensim_train import GensimAdapter
    from embviz.models.static import StaticAdapter
    from embviz.models.transformers import TransformerAdapter

    return [TransformerAdapter(), StaticAdapter(), GensimAdapter()]


adapters: Registry[Adapter] = Registry("embviz.adapters", _builtins)
