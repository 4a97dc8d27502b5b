"""Dimensionality reduction (no Qt): reducers are tasks that return a Projection.

Heavy libraries (openTSNE, umap-learn, scikit-learn, numba) are imported inside the functions
that use them, so importing this package stays cheap.
"""

from embviz.reduce.base import Projection
from embviz.reduce.registry import default_reducer_for, get_reducer, projection_task, reducers

__all__ = ["Projection", "default_reducer_for", "get_reducer", "projection_task", "reducers"]
