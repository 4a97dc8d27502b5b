"""UMAP's layout optimisation on every core, reproducible for a seed.

umap-learn optimises on one thread when given a seed, because its parallel loop lets threads move
the same points at once (races). Here each epoch reads the other points from the layout as it was
when the epoch began and moves only the epoch's own point per edge list (its "head"), so the
threads never write what another reads. Each point draws its negative samples from its own random
stream, seeded from the seed and the point's index. The result therefore depends on the seed
alone, not on the number of threads or their timing.

Per sampled edge (i, j) point i takes twice the pull towards j: umap-learn pulls i once as the
head of (i, j) and once as the tail of (j, i) (its ``move_other``), and the graph holds both. The
attraction and repulsion terms, the clipping at 4, the sampling schedule and the learning rate
decay are umap-learn's (``_optimize_layout_euclidean_single_epoch``).

The kernel is compiled by numba on first use and kept in numba's disk cache (one function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

NEGATIVE_SAMPLE_RATE = 5
GAMMA = 1.0
INITIAL_ALPHA = 1.0
prange = range  # numba.prange once compiled (see kernel())


def _taus(state: Any, i: int) -> int:
    """umap-learn's Tausworthe generator (its ``tau_rand_int``) on row i of ``state``."""
    state[i, 0] = (((state[i, 0] & 4294967294) << 12) & 0xFFFFFFFF) ^ (
        (((state[i, 0] << 13) & 0xFFFFFFFF) ^ state[i, 0]) >> 19
    )
    state[i, 1] = (((state[i, 1] & 4294967288) << 4) & 0xFFFFFFFF) ^ (
        (((state[i, 1] << 2) & 0xFFFFFFFF) ^ state[i, 1]) >> 25
    )
    state[i, 2] = (((state[i, 2] & 4294967280) << 17) & 0xFFFFFFFF) ^ (
        (((state[i, 2] << 3) & 0xFFFFFFFF) ^ state[i, 2]) >> 11
    )
    result: int = state[i, 0] ^ state[i, 1] ^ state[i, 2]
    return result


def _epochs(  # noqa: PLR0913 - a numba kernel takes its arrays one by one
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
                        # twice: as head of (i, j), and as the moved tail of (j, i)
                        dst[i, d] += 2.0 * grad * alpha
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


def kernel() -> Callable[..., None]:
    """The compiled kernel (compiled, or loaded from numba's disk cache, on first use)."""
    global _kernel, _taus, prange
    if _kernel is None:
        import numba

        prange = numba.prange

        def jit(fn: Callable[..., Any], **options: Any) -> Any:
            try:
                return numba.njit(cache=True, **options)(fn)
            except RuntimeError:  # no writable cache location (a frozen app): compile each run
                return numba.njit(**options)(fn)

        _taus = jit(_taus)
        _kernel = jit(_epochs, parallel=True, fastmath=True)
    return _kernel


class Optimiser:
    """The layout of a fuzzy graph (CSR, symmetric) optimised epoch by epoch from ``start``.

    ``run(stop)`` advances to epoch ``stop``; ``layout`` is the current layout (float32)."""

    def __init__(
        self,
        graph: Any,
        start: np.ndarray,
        n_epochs: int,
        a: float,
        b: float,
        seed: int,
    ) -> None:
        from embviz.reduce.umap_graph import epochs_per_sample

        graph = graph.tocsr()
        graph.sort_indices()
        self.indptr = np.asarray(graph.indptr, dtype=np.int64)
        self.tails = np.asarray(graph.indices, dtype=np.int32)
        self.per_sample = epochs_per_sample(np.asarray(graph.data, dtype=np.float64), n_epochs)
        self.next_sample = self.per_sample.copy()
        self.next_negative = self.per_sample / NEGATIVE_SAMPLE_RATE
        n = len(start)
        # three 32-bit Tausworthe seeds per point (each above the generator's minimum of 16)
        self.rng = np.random.default_rng([seed, n]).integers(16, 2**31, size=(n, 3), dtype=np.int64)
        self.layout = np.array(start, dtype=np.float32, order="C")  # a copy: start is kept
        self.before = np.empty_like(self.layout)
        self.n_epochs, self.a, self.b = n_epochs, a, b
        self.epoch = 0

    def run(self, stop: int) -> None:
        stop = min(stop, self.n_epochs)
        if stop <= self.epoch:
            return
        kernel()(
            self.layout,
            self.before,
            self.indptr,
            self.tails,
            self.per_sample,
            self.next_sample,
            self.next_negative,
            self.rng,
            self.a,
            self.b,
            self.epoch,
            stop,
            self.n_epochs,
        )
        self.epoch = stop
