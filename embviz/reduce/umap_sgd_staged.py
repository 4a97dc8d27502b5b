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

from embviz.reduce.umap_sgd import GAMMA, INITIAL_ALPHA, NEGATIVE_SAMPLE_RATE

STAGED_MAX_ROWS = 10_000
prange = range  # numba.prange once compiled
_taus: Any = None  # umap_sgd's compiled random generator, set by staged_kernel()


def _staged_epochs(  # noqa: PLR0913 - a numba kernel takes its arrays one by one
    layout: Any,
    before: Any,
    indptr: Any,
    tails: Any,
    per_sample: Any,
    next_sample: Any,
    next_negative: Any,
    rng: Any,
    a: float,
    b: float,
    first: int,
    stop: int,
    n_epochs: int,
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
            for e in range(indptr[i], indptr[i + 1]):
                if next_sample[e] > n:
                    continue
                j = tails[e]
                dist2 = 0.0
                for d in range(dims):
                    diff = dst[i, d] - src[j, d]
                    dist2 += diff * diff
                if dist2 > 0.0:
                    power = dist2**b
                    coeff = -2.0 * a * b * (power / dist2) / (a * power + 1.0)
                    for d in range(dims):
                        grad = min(max(coeff * (dst[i, d] - src[j, d]), -4.0), 4.0)
                        dst[i, d] += 2.0 * grad * alpha  # as head of (i, j) and tail of (j, i)
                next_sample[e] += per_sample[e]
                per_negative = per_sample[e] / NEGATIVE_SAMPLE_RATE
                n_neg = int((n - next_negative[e]) / per_negative)
                for _ in range(n_neg):
                    k = _taus(rng, i) % n_points
                    if k == i:
                        continue
                    dist2 = 0.0
                    for d in range(dims):
                        diff = dst[i, d] - src[k, d]
                        dist2 += diff * diff
                    if dist2 <= 0.0:
                        continue
                    coeff = 2.0 * GAMMA * b / ((0.001 + dist2) * (a * dist2**b + 1.0))
                    for d in range(dims):
                        grad = min(max(coeff * (dst[i, d] - src[k, d]), -4.0), 4.0)
                        dst[i, d] += grad * alpha
                next_negative[e] += n_neg * per_negative
    if (stop - first) % 2 == 1:  # the last epoch wrote ``before``
        layout[:] = before


_kernel: Callable[..., None] | None = None


def staged_kernel() -> Callable[..., None]:
    """The compiled kernel (compiled, or loaded from numba's disk cache, on first use)."""
    global _kernel, _taus, prange
    if _kernel is None:
        import numba

        from embviz.reduce import umap_sgd

        umap_sgd.kernel(False)  # compiles umap_sgd's random generator, which this one calls
        _taus, prange = umap_sgd._taus, numba.prange
        try:
            _kernel = numba.njit(cache=True, parallel=True, fastmath=True)(_staged_epochs)
        except RuntimeError:  # no writable cache location (a frozen app): compile each run
            _kernel = numba.njit(parallel=True, fastmath=True)(_staged_epochs)
    return _kernel
