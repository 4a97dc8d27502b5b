"""embviz: see and probe embeddings.

``import embviz`` is cheap: it imports no Qt, torch or umap. The public API, for scripts and
notebooks, gives the same numbers as the CLI and the GUI::

    import embviz

    eset = embviz.load("vectors.bin")                    # any supported format, sniffed
    embviz.neighbors(eset, "king - man + woman", k=5)    # [(label, score), ...], best first
    embviz.analogy(eset, "man", "king", "woman")         # 3CosAdd or 3CosMul, as gensim
    xy = embviz.project(eset, "umap", n_neighbors=30)    # N x 2 float32
    embviz.evaluate(eset, analogies="questions-words.txt")  # the dict `embviz evaluate --json` prints
    embviz.compare(en, it, pairs="en-it.txt")            # the dict `embviz compare --json` prints
"""

from __future__ import annotations

from embviz.api import analogy, compare, evaluate, neighbors, project
from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError, LoadError
from embviz.io.registry import load

__version__ = "0.1.0"

__all__ = [
    "EmbeddingSet",
    "EmbvizError",
    "LoadError",
    "Source",
    "__version__",
    "analogy",
    "compare",
    "evaluate",
    "load",
    "neighbors",
    "project",
]
