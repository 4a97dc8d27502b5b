"""What every reducer gets checked before it runs: degenerate sets and parameters.

- Parameters that are floats must be finite (``perplexity=nan`` passes every bound check, since
  NaN compares false with everything).
- Rows with NaN or infinite values are left out of the computation; in the projection they get
  NaN coordinates (not drawn), and the projection says how many and which
  (``info["warnings"]``, ``info["rows_left_out"]``).
- With the cosine metric, zero vectors (no direction) are left out the same way.
- A method that needs more rows than are left says so (``min_rows`` on the reducer).

The reducer itself sees only the rows it can use; its partial layouts and its result are spread
back to every row of the set, in input order.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Generator
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.projection import Projection
from embviz.core.rows import describe_rows, finite_rows, zero_rows
from embviz.core.tasks import Progress, Task


def check_finite_params(params: Any, method: str) -> None:
    """EmbvizError for a float parameter that is NaN or infinite."""
    if not dataclasses.is_dataclass(params):
        return
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        if isinstance(value, float) and not math.isfinite(value):
            raise EmbvizError(
                f"{method} parameter {f.name}: {value!r} is not a number; give a finite value "
                "(see `embviz project --help` for its range)."
            )


def usable_rows(eset: EmbeddingSet, params: Any) -> tuple[np.ndarray, list[str]]:
    """(mask of rows the reducer gets, notes saying what was left out and why)."""
    keep = finite_rows(eset).copy()
    notes = []
    n = len(eset)
    if not keep.all():
        bad = ~keep
        notes.append(
            f"{int(bad.sum()):,} of {n:,} rows hold NaN or infinite values and are left out of "
            f"the map ({describe_rows(eset, bad)}); fix or drop them in the file to place them."
        )
    if getattr(params, "metric", None) == "cosine":
        zero = keep & zero_rows(eset)
        if zero.any():
            keep &= ~zero
            notes.append(
                f"{int(zero.sum()):,} of {n:,} rows are zero vectors, which have no direction for "
                f"the cosine metric, and are left out of the map ({describe_rows(eset, zero)}); "
                "use metric=euclidean to place them."
            )
    return keep, notes


def _subset(eset: EmbeddingSet, keep: np.ndarray) -> EmbeddingSet:
    rows = np.flatnonzero(keep)
    return EmbeddingSet(
        [eset.labels[int(r)] for r in rows],
        np.asarray(eset.vectors[rows]),
        {name: np.asarray(values)[rows] for name, values in eset.metadata.items()},
        name=eset.name,
    )


def _spread(projection: Projection, keep: np.ndarray, notes: list[str]) -> Projection:
    coords = np.full((len(keep), projection.coords.shape[1]), np.nan, dtype=np.float32)
    coords[keep] = projection.coords
    info = dict(projection.info)
    info["warnings"] = list(info.get("warnings", [])) + notes
    info["rows_left_out"] = int((~keep).sum())
    return Projection(coords, projection.method, projection.params, info, projection.partial)


def guarded_task(reducer: Any, eset: EmbeddingSet, params: Any, dims: int) -> Task[Projection]:
    """The reducer's task on the rows it can use, spread back to every row of ``eset``."""
    check_finite_params(params, reducer.name)
    keep, notes = usable_rows(eset, params)
    used = int(keep.sum())
    needed = int(getattr(reducer, "min_rows", 1))
    if used == 0:
        raise EmbvizError(f"{eset.name}: no row can be projected. {' '.join(notes)}")
    if used < needed:
        left_out = f" ({len(eset) - used:,} left out: {' '.join(notes)})" if notes else ""
        raise EmbvizError(
            f"{reducer.title} needs at least {needed} rows with usable values; {eset.name} has "
            f"{used}{left_out}. Choose another method (PCA works on any number of rows) or a "
            "larger set."
        )
    uses_set = getattr(reducer, "uses_set", False)
    if keep.all():
        if uses_set:
            return reducer.run(eset.vectors, params, dims, eset=eset)  # type: ignore[no-any-return]
        return reducer.run(eset.vectors, params, dims)  # type: ignore[no-any-return]
    sub = _subset(eset, keep)
    task = (
        reducer.run(sub.vectors, params, dims, eset=sub)
        if uses_set
        else reducer.run(sub.vectors, params, dims)
    )
    return _spread_task(task, keep, notes)


def _spread_task(
    task: Generator[Progress, None, Projection], keep: np.ndarray, notes: list[str]
) -> Task[Projection]:
    try:
        while True:
            try:
                progress = next(task)
            except StopIteration as stop:
                return _spread(stop.value, keep, notes)
            if isinstance(progress.partial, Projection):
                progress = Progress(
                    progress.fraction, progress.message, _spread(progress.partial, keep, notes)
                )
            yield progress
    finally:
        task.close()  # cancelled: the reducer's own clean-up runs now (e.g. UMAP's process)
