"""Reducers, extendable through the ``embviz.reducers`` entry point group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from embviz.core.errors import EmbvizError
from embviz.core.plugins import Registry
from embviz.core.projection import Projection
from embviz.core.tasks import Task
from embviz.reduce.base import Reducer

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet


def _builtin_reducers() -> list[Reducer]:
    from embviz.models.graph.disk_layout import PoincareDiskReducer
    from embviz.reduce.custom_axes import CustomAxesReducer
    from embviz.reduce.pca import AsIsReducer, PCAReducer
    from embviz.reduce.tsne import TSNEReducer
    from embviz.reduce.umap import UMAPReducer

    return [PCAReducer(), TSNEReducer(), UMAPReducer(), CustomAxesReducer(), AsIsReducer(),
            PoincareDiskReducer()]  # fmt: skip


reducers: Registry[Reducer] = Registry("embviz.reducers", _builtin_reducers)


def default_reducer_for(dims: int) -> str:
    """Data that already fits the view is drawn as it is; anything wider starts with PCA."""
    return "as-is" if dims <= 3 else "pca"


def get_reducer(method: str) -> Reducer:
    try:
        return reducers.get(method)
    except KeyError as exc:
        raise EmbvizError(str(exc.args[0])) from None


def projection_task(
    eset: EmbeddingSet, method: str, params: Any = None, dims: int = 2
) -> Task[Projection]:
    """The task that projects ``eset`` with ``method``; ``params`` is the method's dataclass or a
    dict of values (strings are parsed and checked against the declared bounds).

    A reducer with ``uses_set = True`` also gets ``eset=`` (labels, metadata). Degenerate sets
    and parameters are checked first (:mod:`embviz.reduce.guard`): rows with NaN/inf (and zero
    vectors under cosine) are left out and reported in the projection's ``info["warnings"]``.
    """
    from embviz.reduce.guard import guarded_task
    from embviz.reduce.params import make_params

    reducer = get_reducer(method)
    if dims not in (2, 3):
        raise EmbvizError(f"dims must be 2 or 3, not {dims}.")
    if params is None or isinstance(params, dict):
        params = make_params(reducer.params_type, params, method)
    task = guarded_task(reducer, eset, params, dims)
    return _marked(task) if getattr(reducer, "uses_set", False) else task


def _marked(task: Task[Projection]) -> Task[Projection]:
    """A layout made with the set's metadata (e.g. UMAP supervised by a column) says so, so the
    set's cache drops it when the metadata changes (:func:`embviz.core.projection.keep_projection`)."""
    projection = yield from task
    projection.info["uses_metadata"] = True
    return projection
