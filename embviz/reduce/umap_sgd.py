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
parallel loops compiled slowly: see there). The attraction and repulsion terms come from a
table of the squared distance, as close to umap-learn's formula as the float32 formula was
(``terms``). Everything the kernel calls lives in this module: numba's disk cache notices a
change to the kernel's own file only.
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


# The two terms as tables over the squared distance (see ``terms``): the key of a float32 is its
# bits above the lowest TERM_SHIFT (its exponent and top mantissa bits), so each octave of squared
# distances has 2**(23 - TERM_SHIFT) segments of equal width, each a quadratic in the low bits.
# Measured over 1e-12 .. 1e8 against the formula in float64 (tests/reduce/test_umap_sgd.py), for
# min_dist 0 .. 0.99: 128 segments per octave, at most 8.0e-7 relative error, the float32
# formula's own level (4.6e-7 at min_dist 0.1); 64 segments: up to 1.8e-6; linear
# interpolation with 256 segments: 1.0e-5, and three epochs then ended up to 6.3e-4 away from
# umap-learn's own (the float32 formula: 9.2e-5; this table: 1.9e-6). Squared distances outside
# 2**TERM_LOW .. 2**TERM_HIGH (coincident points, far outliers) use the formula. The table holds
# 2 x 6,400 segments of 16 bytes (205 kB); a layout's distances use a few octaves of it.
TERM_SHIFT = 16
TERM_LOW, TERM_HIGH = -30, 20
_KEY0 = (127 + TERM_LOW) << (23 - TERM_SHIFT)
TERM_KEYS = (TERM_HIGH - TERM_LOW) << (23 - TERM_SHIFT)
_REPEL = 4 * TERM_KEYS  # the repulsion's offset in the table
_FRAC = _F(1.0 / (1 << TERM_SHIFT))
_LOW_BITS = (1 << TERM_SHIFT) - 1


def _bits(x: Any) -> Any:  # replaced by a numba intrinsic in kernel(): a float32's bits, as int32
    return np.float32(x).view(np.int32)


def _formula(dist2: np.ndarray, a: float, b: float, repel: bool) -> np.ndarray:
    """umap-learn's attraction or repulsion coefficient (float64): times the difference of two
    points, the gradient before clipping."""
    power = dist2**b
    if repel:
        out: np.ndarray = 2.0 * GAMMA * b / ((float(_EPS) + dist2) * (a * power + 1.0))
    else:
        out = -2.0 * a * b * (power / dist2) / (a * power + 1.0)
    return out


def terms(a: float, b: float) -> np.ndarray:
    """The two coefficients as quadratics, one per segment, through its start, middle and end
    (computed in float64 from a and b): [c0, c1, c2, 0] for c0 + t (c1 + t c2), t in [0, 1)
    across the segment; the attraction's segments, then the repulsion's, flat."""
    keys = np.arange(_KEY0, _KEY0 + TERM_KEYS + 1, dtype=np.int32)
    edges = (keys << TERM_SHIFT).view(np.float32).astype(np.float64)
    middles = (edges[:-1] + edges[1:]) / 2.0
    table = np.zeros((2, TERM_KEYS, 4), dtype=np.float32)
    for t, repel in enumerate((False, True)):
        ends = _formula(edges, float(a), float(b), repel)
        start, middle, end = ends[:-1], _formula(middles, float(a), float(b), repel), ends[1:]
        c2 = 2.0 * (end - 2.0 * middle + start)
        table[t, :, 0], table[t, :, 1], table[t, :, 2] = start, end - start - c2, c2
    return table.reshape(-1)


def _coefficient(table: Any, offset: int, dist2: Any, a: Any, b: Any) -> Any:
    """The attraction's (``offset`` 0) or repulsion's (``_REPEL``) coefficient at ``dist2`` > 0,
    from the table, or the formula outside its range (float32 throughout)."""
    bits = _bits(dist2)
    key = (bits >> TERM_SHIFT) - _KEY0
    if key >= 0 and key < TERM_KEYS:
        at = offset + 4 * key
        t = _F(bits & _LOW_BITS) * _FRAC
        return table[at] + t * (table[at + 1] + t * table[at + 2])
    power = dist2**b
    if offset == 0:
        return -_TWO * a * b * (power / dist2) / (a * power + _ONE)
    return _REPULSE * b / ((_EPS + dist2) * (a * power + _ONE))


def _epoch_rows(  # noqa: PLR0913, PLR0912, PLR0915, C901 - a numba kernel, its arrays one by one
    me: Any, others: Any, edges: Any, table: Any, a: Any, b: Any, n: int, alpha: Any,
    staged: bool, coordinates: Any, lo: int, hi: int,
) -> None:  # fmt: skip
    """Epoch ``n`` for points lo..hi-1, each with its sampled edges in turn: i is pulled towards
    each tail j and pushed away from a few random points k. i is read from and written to
    ``me``; j and k are read from ``others``.

    Not ``staged`` (umap-learn's update; ``me`` and ``others`` are the same layout): j moves
    towards i too. ``staged`` (umap_sgd_staged): i starts from its place in ``others`` (the
    layout the epoch began with), j stays and i moves twice as far, as the head of (i, j) and
    the moved tail of (j, i). One function for both schedules: their terms cannot drift apart,
    and numba compiles one kernel, not two. ``edges``: the arrays of ``Optimiser.edges()``;
    ``table``: :func:`terms`; ``a``, ``b``, ``alpha``: float32; ``coordinates``: a tuple of
    one zero per coordinate, whose length numba compiles in, one version per number of
    dimensions (the 2-D layout's loops without the third coordinate's branches: 0.98 s median
    against 1.13 s, min 0.70 against 0.73, 24 chunks each in turn at load 6-7; a version costs
    2.3 s CPU to compile, once per machine: numba's disk cache keeps each).

    Why it is written so (the 10,000 demo rows, 2-D, staged, one thread, CPU seconds per 100
    epochs, min of 19 chunks of 10, load 3-5; the kernel before: 1.59-1.70):

    - each negative sample waits on the move of the one before (the row's point), a chain of
      latencies: the row's first three coordinates and its random state live in local variables
      while its samples are taken, not in the arrays (the coordinates alone: 1.74 -> 1.54);
    - the two terms come from a table (:func:`terms`) instead of a pow and a division: 1.64 ->
      0.88 (with no pow at all, a wrong layout: 0.84);
    - the negative sample's index is an unsigned 32-bit remainder corrected for the sign (the
      same k as umap-learn's signed 64-bit ``%``), and the generator's state stays in locals:
      about 0.1 more;
    - tried and dropped: a list of each row's samples drawn first, then two rows' samples taken
      in step (two chains at once): 0.87-0.91 against 0.62-0.75, the list's stores and the
      sample kinds' branches cost more than the overlap gave.
    """
    n_points = others.shape[0]
    dims = len(coordinates)  # a constant of this compiled version
    indptr, tails, per_sample, next_sample, next_negative, rng = edges
    pull = _TWO if staged else _ONE
    size = np.uint32(n_points)
    # umap-learn reads the generator's 32 bits as a signed number r and takes r % n (Python's
    # sign); for r < 0, (bits % n) - (2**32 % n), plus n when that is negative, is the same k
    wrap = np.int64((1 << 32) % n_points)
    two, three = dims > 1, dims > 2  # coordinates 1 and 2 exist; from 3 on: in ``me``
    for i in range(lo, hi):
        source = others if staged else me
        x0 = source[i, 0]
        x1 = source[i, 1] if two else _ZERO
        x2 = source[i, 2] if three else _ZERO
        for d in range(3, dims):
            me[i, d] = source[i, d]
        s0, s1, s2 = rng[i, 0], rng[i, 1], rng[i, 2]
        for e in range(indptr[i], indptr[i + 1]):
            if next_sample[e] > n:
                continue
            j = tails[e]
            d0 = x0 - others[j, 0]
            d1 = x1 - others[j, 1] if two else _ZERO
            d2 = x2 - others[j, 2] if three else _ZERO
            dist2 = d0 * d0 + d1 * d1 + d2 * d2
            for d in range(3, dims):
                diff = me[i, d] - others[j, d]
                dist2 += diff * diff
            if dist2 > _ZERO:
                coeff = _coefficient(table, 0, dist2, a, b)
                g0 = min(max(coeff * d0, -_CLIP), _CLIP)
                g1 = min(max(coeff * d1, -_CLIP), _CLIP)
                g2 = min(max(coeff * d2, -_CLIP), _CLIP)
                x0 += pull * g0 * alpha
                x1 += pull * g1 * alpha
                x2 += pull * g2 * alpha
                if not staged:
                    others[j, 0] -= g0 * alpha
                    if two:
                        others[j, 1] -= g1 * alpha
                    if three:
                        others[j, 2] -= g2 * alpha
                for d in range(3, dims):
                    grad = min(max(coeff * (me[i, d] - others[j, d]), -_CLIP), _CLIP)
                    me[i, d] += pull * grad * alpha
                    if not staged:
                        others[j, d] -= grad * alpha
            next_sample[e] += per_sample[e]
            per_negative = per_sample[e] / NEGATIVE_SAMPLE_RATE
            n_neg = int((n - next_negative[e]) / per_negative)
            for _ in range(n_neg):
                # umap-learn's Tausworthe generator (its tau_rand_int), on this row's state
                s0 = (((s0 & 4294967294) << 12) & 0xFFFFFFFF) ^ (
                    (((s0 << 13) & 0xFFFFFFFF) ^ s0) >> 19
                )
                s1 = (((s1 & 4294967288) << 4) & 0xFFFFFFFF) ^ (
                    (((s1 << 2) & 0xFFFFFFFF) ^ s1) >> 25
                )
                s2 = (((s2 & 4294967280) << 17) & 0xFFFFFFFF) ^ (
                    (((s2 << 3) & 0xFFFFFFFF) ^ s2) >> 11
                )
                draw = np.uint32((s0 ^ s1 ^ s2) & 0xFFFFFFFF)
                k = np.int64(draw % size) - (wrap if draw >= np.uint32(2147483648) else 0)
                if k < 0:
                    k += n_points
                if k == i:
                    continue
                d0 = x0 - others[k, 0]
                d1 = x1 - others[k, 1] if two else _ZERO
                d2 = x2 - others[k, 2] if three else _ZERO
                dist2 = d0 * d0 + d1 * d1 + d2 * d2
                for d in range(3, dims):
                    diff = me[i, d] - others[k, d]
                    dist2 += diff * diff
                if dist2 <= _ZERO:
                    continue
                coeff = _coefficient(table, _REPEL, dist2, a, b)
                x0 += min(max(coeff * d0, -_CLIP), _CLIP) * alpha
                x1 += min(max(coeff * d1, -_CLIP), _CLIP) * alpha
                x2 += min(max(coeff * d2, -_CLIP), _CLIP) * alpha
                for d in range(3, dims):
                    grad = min(max(coeff * (me[i, d] - others[k, d]), -_CLIP), _CLIP)
                    me[i, d] += grad * alpha
            next_negative[e] += n_neg * per_negative
        me[i, 0] = x0
        if two:
            me[i, 1] = x1
        if three:
            me[i, 2] = x2
        rng[i, 0], rng[i, 1], rng[i, 2] = s0, s1, s2


_kernel: Callable[..., None] | None = None


def kernel() -> Callable[..., None]:
    """The compiled epoch kernel (compiled, or loaded from numba's disk cache, on first use).
    ``nogil``: umap_threads runs it on several threads at once."""
    global _bits, _coefficient, _kernel
    if _kernel is None:
        import numba
        from llvmlite import ir  # type: ignore[import-untyped]
        from numba.extending import intrinsic

        def jit(fn: Callable[..., Any], **options: Any) -> Any:
            try:
                return numba.njit(cache=True, **options)(fn)
            except RuntimeError:  # no writable cache location (a frozen app): compile each run
                return numba.njit(**options)(fn)

        @intrinsic
        def bits(typingctx: Any, x: Any) -> Any:
            """A float32's bits as an int32: one register move (numba has no scalar view)."""

            def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
                return builder.bitcast(args[0], ir.IntType(32))

            return numba.int32(numba.float32), codegen

        if not hasattr(_coefficient, "py_func"):
            _bits = bits  # type: ignore[assignment]
            # inlined into the kernel by numba itself: a call (and the reference counting of
            # the table passed to it) per sample cost more than the lookup
            _coefficient = jit(_coefficient, fastmath=True, inline="always")
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
        self.table = terms(a, b)
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
        coordinates = (0,) * self.layout.shape[1]
        if self.before is None and not self.parallel:
            ranges = [(0, n)]  # umap-learn's update in order, one thread: reproducible
        else:  # rows shared out by their number of edges (the work of an epoch)
            ranges = split(self.indptr, threads() * RANGES_PER_THREAD)
        for epoch in range(self.epoch, stop):
            alpha = alpha_at(epoch, self.n_epochs)
            if self.before is None:
                run_ranges(fn, ranges, self.layout, self.layout, edges, self.table, self.a,
                           self.b, epoch, alpha, False, coordinates)  # fmt: skip
            else:
                run_ranges(fn, ranges, self.before, self.layout, edges, self.table, self.a,
                           self.b, epoch, alpha, True, coordinates)  # fmt: skip
                self.layout, self.before = self.before, self.layout
        self.epoch = stop
