"""Reducers, extendable through the ``embviz.reducers`` entry point group."""

from __future__ import annotations

from embviz.core.plugins import Registry
from embviz.reduce.base import Reducer


def _builtin_reducers() -> list[Reducer]:
    from embviz.reduce.pca import AsIsReducer, PCAReducer

    return [PCAReducer(), AsIsReducer()]


reducers: Registry[Reducer] = Registry("embviz.reducers", _builtin_reducers)


def default_reducer_for(dims: int) -> str:
    """Data that already fits the view is drawn as it is; anything wider starts with PCA."""
    return "as-is" if dims <= 3 else "pca"
