"""Dimensionality reduction (no Qt): reducers are tasks that return a Projection."""

from embviz.reduce.base import Projection
from embviz.reduce.registry import default_reducer_for, reducers

__all__ = ["Projection", "default_reducer_for", "reducers"]
