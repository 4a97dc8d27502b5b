"""Model adapters (static vectors, gensim training, transformers); nothing heavy at import."""

from __future__ import annotations

from embviz.models.base import Adapter
from embviz.models.registry import adapters

__all__ = ["Adapter", "adapters"]
