"""embviz: see and probe embeddings.

``import embviz`` is cheap: it imports no Qt, torch or umap. ``embviz.load(path)`` reads any
supported embedding file into an :class:`EmbeddingSet`.
"""

from __future__ import annotations

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError, LoadError
from embviz.io.registry import load

__version__ = "0.1.0"

__all__ = ["EmbeddingSet", "EmbvizError", "LoadError", "Source", "__version__", "load"]
