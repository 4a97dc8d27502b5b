"""UMAP's layout on every core, reproducible for a seed: the schedule for small sets.

Each epoch reads the other points from the layout as it was when the epoch began and moves only
each edge's head, twice as far (umap-learn pulls i once as the head of (i, j) and once as the
moved tail of (j, i)); so the threads never write what another reads, and each point draws its
negative samples from its own random stream: the layout depends on the seed alone, not on the
number of threads. The terms, clipping, sampling schedule and learning rate are umap-learn's.

Why two schedules (umap_sgd holds umap-learn's own, in order on one thread when seeded): measured
on benchmarks/umap_large.py rows, 200-500 epochs, the same graph and start,

- 10,000 rows (load 4-5): this one 22.7 s, trustworthiness 0.8576; umap-learn's update on one
  thread 27.3 s, 0.8505 (umap-learn's own defaults: 0.854);
- 40,000 rows: this one 0.825, umap-learn's update 0.873 (umap-learn's optimiser 0.871).

So seeded fits up to ``STAGED_MAX_ROWS`` use this schedule, larger ones umap-learn's update. The
crossing between 10k and 40k rows was not measured; the switch sits at the last size where this
one was measured ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from embviz.reduce.umap_sgd import INITIAL_ALPHA

STAGED_MAX_ROWS = 10_000
prange = range  # numba.prange once compiled
_point_epoch: Any = None  # umap_sgd's compiled update of one point, set by staged_kernel()


def _staged_epochs(  # noqa: PLR0913 - a numba kernel takes its arrays one by one
    layout: Any, before: Any, edges: Any, a: float, b: float, first: int, stop: int, n_epochs: int
) -> None:
    n_points, dims = layout.shape
    for n in range(first, stop):
        alpha = INITIAL_ALPHA * (1.0 - max(n - 1, 0) / n_epochs)
        # this call's first epoch reads ``layout`` and writes ``before``, the next one the
        # other way round, and so on: each epoch reads the layout the one before it left
        src, dst = (layout, before) if (n - first) % 2 == 0 else (before, layout)
        for i in prange(n_points):
            for d in range(dims):
                dst[i, d] = src[i, d]
            _point_epoch(dst, src, i, edges, a, b, n, alpha, False)
    if (stop - first) % 2 == 1:  # the last epoch wrote ``before``
        layout[:] = before


_kernel: Callable[..., None] | None = None


def staged_kernel() -> Callable[..., None]:
    """The compiled kernel (compiled, or loaded from numba's disk cache, on first use)."""
    global _kernel, _point_epoch, prange
    if _kernel is None:
        import numba

        from embviz.reduce import umap_sgd

        umap_sgd.kernel(False)  # compiles umap_sgd's update of one point, which this one calls
        _point_epoch, prange = umap_sgd._point_epoch, numba.prange
        try:
            _kernel = numba.njit(cache=True, parallel=True, fastmath=True)(_staged_epochs)
        except RuntimeError:  # no writable cache location (a frozen app): compile each run
            _kernel = numba.njit(parallel=True, fastmath=True)(_staged_epochs)
    return _kernel
