"""UMAP's layout optimisation: umap-learn's update, reproducible for a seed.

Per sampled edge (i, j), in the order of the graph's rows: i moves towards j and j towards i
(umap-learn's ``move_other``), then i alone is pushed away from a few random points. The
attraction and repulsion terms, the clipping at 4, the sampling schedule and the learning rate
decay are umap-learn's (``_optimize_layout_euclidean_single_epoch``); each point draws its
negative samples from its own random stream, seeded from the seed and the point's index.

With a seed this runs on one thread, as umap-learn does with a seed: the result depends on the
seed alone. Without one, the rows are shared out over every core and the threads may move the
same points at once (races, as in umap-learn's parallel loop): faster, not reproducible.

Measured (benchmarks/umap_large.py rows, 40,000 of them, same graph and start, 200 epochs):
trustworthiness 0.873 here against 0.871 for umap-learn's own optimiser. Two parallel schemes
that were reproducible whatever the number of threads lost against it:

- each epoch reading the other points from the layout of the epoch before and moving only the
  head of each edge, twice as far (this module's previous version): 0.825;
- the edges visited in blocks that threads can share without races (points dealt into groups,
  a round-robin of group pairs), umap-learn's update kept: 0.847-0.849, with the visiting order
  alone, on one thread. Visiting each row's edges together matters.

One kernel (``_epoch_rows``) serves every schedule: it is compiled by numba on first use and
kept in numba's disk cache, and runs on several threads through umap_threads (numba's own
parallel loops compiled slowly: see there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

NEGATIVE_SAMPLE_RATE = 5
GAMMA = 1.0
INITIAL_ALPHA = 1.0
# The kernel's arithmetic is float32, as the layout is: numba keeps a float32 expression float32
# only while every operand is (a float64 literal or argument turns it into float64, and ``**``
# into double-precision pow), so the constants are float32 globals (numba freezes a global as a
# constant of its type) and a, b and the learning rate are passed as float32. Measured on the
# 10,000 demo rows, 500 staged epochs on one thread (load 6): 9.2 s CPU against 13.1 s in float64
# (pow alone ~3.4 s of the 9.2); trustworthiness 0.858 against 0.857.
_F = np.float32
_ZERO, _ONE, _TWO, _CLIP = _F(0.0), _F(1.0), _F(2.0), _F(4.0)
_REPULSE = _F(2.0 * GAMMA)
_EPS = _F(0.001)


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
    result: int = (state[i, 0] ^ state[i, 1] ^ state[i, 2]) & 0xFFFFFFFF
    # read as a signed 32-bit number, as umap-learn's (declared "i4(i8[:])") returns it, so that
    # ``% n`` picks the same negative samples
    if result >= 2147483648:
        result -= 4294967296
    return result


def _epoch_rows(  # noqa: PLR0913, C901 - a numba kernel takes its arrays one by one
    me: Any, others: Any, edges: Any, a: Any, b: Any, n: int, alpha: Any, staged: bool,
    lo: int, hi: int,
) -> None:  # fmt: skip
    """Epoch ``n`` for points lo..hi-1, each with its sampled edges in turn: i is pulled towards
    each tail j and pushed away from a few random points k. i is read from and written to
    ``me``; j and k are read from ``others``.

    Not ``staged`` (umap-learn's update; ``me`` and ``others`` are the same layout): j moves
    towards i too. ``staged`` (umap_sgd_staged): i starts from its place in ``others`` (the
    layout the epoch began with), j stays and i moves twice as far, as the head of (i, j) and
    the moved tail of (j, i). One function for both schedules: their terms cannot drift apart,
    and numba compiles one kernel, not two. ``edges``: the arrays of ``Optimiser.edges()``;
    ``a``, ``b``, ``alpha``: float32."""
    n_points, dims = others.shape
    indptr, tails, per_sample, next_sample, next_negative, rng = edges
    pull = _TWO if staged else _ONE
    for i in range(lo, hi):
        if staged:
            for d in range(dims):
                me[i, d] = others[i, d]
        for e in range(indptr[i], indptr[i + 1]):
            if next_sample[e] > n:
                continue
            j = tails[e]
            dist2 = _ZERO
            for d in range(dims):
                diff = me[i, d] - others[j, d]
                dist2 += diff * diff
            if dist2 > _ZERO:
                power = dist2**b
                coeff = -_TWO * a * b * (power / dist2) / (a * power + _ONE)
                for d in range(dims):
                    grad = min(max(coeff * (me[i, d] - others[j, d]), -_CLIP), _CLIP)
                    me[i, d] += pull * grad * alpha
                    if not staged:
                        others[j, d] -= grad * alpha
            next_sample[e] += per_sample[e]
            per_negative = per_sample[e] / NEGATIVE_SAMPLE_RATE
            n_neg = int((n - next_negative[e]) / per_negative)
            for _ in range(n_neg):
                k = _taus(rng, i) % n_points
                if k == i:
                    continue
                dist2 = _ZERO
                for d in range(dims):
                    diff = me[i, d] - others[k, d]
                    dist2 += diff * diff
                if dist2 <= _ZERO:
                    continue
                coeff = _REPULSE * b / ((_EPS + dist2) * (a * dist2**b + _ONE))
                for d in range(dims):
                    grad = min(max(coeff * (me[i, d] - others[k, d]), -_CLIP), _CLIP)
                    me[i, d] += grad * alpha
            next_negative[e] += n_neg * per_negative


_kernel: Callable[..., None] | None = None


def kernel() -> Callable[..., None]:
    """The compiled epoch kernel (compiled, or loaded from numba's disk cache, on first use).
    ``nogil``: umap_threads runs it on several threads at once."""
    global _taus, _kernel
    if _kernel is None:
        import numba

        def jit(fn: Callable[..., Any], **options: Any) -> Any:
            try:
                return numba.njit(cache=True, **options)(fn)
            except RuntimeError:  # no writable cache location (a frozen app): compile each run
                return numba.njit(**options)(fn)

        if not hasattr(_taus, "py_func"):
            _taus = jit(_taus)
        _kernel = jit(_epoch_rows, fastmath=True, nogil=True)
    return _kernel


def alpha_at(n: int, n_epochs: int) -> np.float32:
    """umap-learn's learning rate in epoch ``n``: linear decay from INITIAL_ALPHA."""
    return _F(INITIAL_ALPHA * (1.0 - max(n - 1, 0) / n_epochs))


class Optimiser:
    """The layout of a fuzzy graph (CSR, symmetric) optimised epoch by epoch from ``start``.

    ``run(stop)`` advances to epoch ``stop``; ``layout`` is the current layout (float32).
    ``parallel``: every core, not reproducible (see the module's note); ``staged``: every core,
    reproducible, the schedule of small sets (umap_sgd_staged)."""

    def __init__(
        self,
        graph: Any,
        start: np.ndarray,
        n_epochs: int,
        a: float,
        b: float,
        seed: int,
        parallel: bool = False,
        staged: bool = False,
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
        self.n_epochs, self.a, self.b = n_epochs, np.float32(a), np.float32(b)
        self.parallel = parallel
        # the reproducible every-core schedule of small sets (umap_sgd_staged): each epoch reads
        # one layout and writes the other, and the two swap
        self.before = np.empty_like(self.layout) if staged else None
        self.epoch = 0

    def edges(self) -> tuple[np.ndarray, ...]:
        """The graph's edges and their sampling state, as the kernel takes them (it updates
        ``next_sample``, ``next_negative`` and ``rng`` in place)."""
        return (
            self.indptr, self.tails, self.per_sample, self.next_sample, self.next_negative,
            self.rng,
        )  # fmt: skip

    def run(self, stop: int) -> None:
        from embviz.reduce.umap_threads import RANGES_PER_THREAD, run_ranges, split, threads

        stop = min(stop, self.n_epochs)
        if stop <= self.epoch:
            return
        fn, edges, n = kernel(), self.edges(), len(self.layout)
        if self.before is None and not self.parallel:
            ranges = [(0, n)]  # umap-learn's update in order, one thread: reproducible
        else:  # rows shared out by their number of edges (the work of an epoch)
            ranges = split(self.indptr, threads() * RANGES_PER_THREAD)
        for epoch in range(self.epoch, stop):
            alpha = alpha_at(epoch, self.n_epochs)
            if self.before is None:
                run_ranges(fn, ranges, self.layout, self.layout, edges, self.a, self.b, epoch,
                           alpha, False)  # fmt: skip
            else:
                run_ranges(fn, ranges, self.before, self.layout, edges, self.a, self.b, epoch,
                           alpha, True)  # fmt: skip
                self.layout, self.before = self.before, self.layout
        self.epoch = stop
