"""Exact k nearest neighbours for the layouts' neighbour graphs (t-SNE's and UMAP's).

Float32 BLAS products of blocks of rows, each block's scores merged at once into every row's
running k best (a compiled insertion into a short sorted list: most scores are below the k-th
and cost one comparison). On a few thousand to a few tens of thousands of rows this is cheaper
than building an approximate index (NN-descent needs a numba compilation in every fresh process,
and its own time), and it is exact (recall 1). A set's neighbours among its own rows
(:func:`exact_knn`) compute each pair of blocks once and merge it both ways (the product is
symmetric), and a block of rows with themselves as its lower triangle only (BLAS syrk): half
the arithmetic.

Measured against the previous search (one product per chunk of rows, then numpy's argpartition
and a sort; it also held the chunk's int64 positions), the demo's words, cosine, k = 15, the same
run at load 11-13: 10,000 rows 1.75 s CPU against 2.58 s (wall 3.4 s against 6.8 s); 21,721
rows 6.14 s against 11.92 s (wall 11.8 s against 24.9 s).

The merge is a plain compiled function that releases the GIL, run on threads by umap_threads:
as a numba parallel loop it took 5.2 s CPU to compile in a first fit after installing, now
1.7 s (benchmarks/umap_stages.py, load 6-8; the search itself 1.5-1.6 s CPU either way at
10,000 rows, most of it the BLAS products).

In :func:`exact_knn` each row's own index comes first, at distance 0, as umap-learn's search
returns it. Distances are 1 - cosine similarity ("cosine") or euclidean distances. Ties go to
the lower index.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

CHUNK_CELLS = 1 << 24  # scores held at once (64 MB of float32)
METRICS = ("cosine", "euclidean")
TILE = 256  # targets a thread merges together when transposed (10k rows: 0.19 s CPU; 16: 0.54 s)


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit: np.ndarray = x / np.maximum(norms, np.float32(1e-30))
    return unit


def _insert(best_val: Any, best_idx: Any, row: int, value: float, index: int) -> None:
    """Put (value, index) into row's list, kept largest first; equal values keep their order."""
    p = best_val.shape[1] - 1
    while p > 0 and best_val[row, p - 1] < value:
        best_val[row, p] = best_val[row, p - 1]
        best_idx[row, p] = best_idx[row, p - 1]
        p -= 1
    best_val[row, p] = value
    best_idx[row, p] = index


def _merge(  # noqa: PLR0913 - a numba kernel takes its arrays one by one
    block: Any,
    row0: int,
    col0: int,
    col_scale: Any,
    col_shift: Any,
    best_val: Any,
    best_idx: Any,
    transposed: bool,
    self_pairs: bool,
    lower: bool,
    lo: int,
    hi: int,
) -> None:
    """Merge a block of products ``block[r, c]`` (rows row0 + r, columns col0 + c) into the
    running lists: the score of column c for a row is ``block * col_scale[c] - col_shift[c]``.
    ``transposed``: the block's columns are the rows being merged (scores scaled by the block
    rows' ``col_scale``/``col_shift``). ``self_pairs``: a row and column of the same index
    score +inf (itself first). ``lower``: a block of rows with themselves (row0 == col0) of
    which only c <= r holds products (:func:`_gram`): a row takes the columns up to itself, and
    (``transposed``) a column the rows after it. Only the block's rows lo..hi-1 are merged, or
    (``transposed``) its columns lo..hi-1: the ranges that umap_threads hands to each thread."""
    rows, cols = block.shape
    if not transposed:
        for r in range(lo, hi):
            target = row0 + r
            worst = best_val[target, -1]
            for c in range(min(cols, r + 1) if lower else cols):
                value = block[r, c] * col_scale[col0 + c] - col_shift[col0 + c]
                if self_pairs and row0 + r == col0 + c:
                    value = np.inf
                if value > worst:
                    _insert(best_val, best_idx, target, value, col0 + c)
                    worst = best_val[target, -1]
        return
    for first in range(lo, hi, TILE):  # TILE targets at a time: their lists stay in cache
        last = min(first + TILE, hi)
        for r in range(rows):
            scale, shift = col_scale[row0 + r], col_shift[row0 + r]
            for c in range(first, min(last, r) if lower else last):
                value = block[r, c] * scale - shift
                if self_pairs and row0 + r == col0 + c:
                    value = np.inf
                if value > best_val[col0 + c, -1]:
                    _insert(best_val, best_idx, col0 + c, value, row0 + r)


_kernel: Callable[..., None] | None = None


def _merge_kernel() -> Callable[..., None]:
    """The compiled merge (compiled, or loaded from numba's disk cache, on first use). Not a
    numba parallel loop, which compiled slowly (5.2 s CPU with an empty cache; see
    umap_threads): ``nogil``, run on several threads by :func:`_merge_all`."""
    global _kernel, _insert
    if _kernel is None:
        import numba

        def jit(fn: Callable[..., Any], **options: Any) -> Any:
            try:
                return numba.njit(cache=True, **options)(fn)
            except RuntimeError:  # no writable cache location (a frozen app): compile each run
                return numba.njit(**options)(fn)

        if not hasattr(_insert, "py_func"):
            _insert = jit(_insert)
        _kernel = jit(_merge, nogil=True)
    return _kernel


def _merge_all(  # noqa: PLR0913 - _merge's arguments
    block: np.ndarray,
    row0: int,
    col0: int,
    col_scale: np.ndarray,
    col_shift: np.ndarray,
    best_val: np.ndarray,
    best_idx: np.ndarray,
    transposed: bool,
    self_pairs: bool,
    lower: bool = False,
) -> None:
    """_merge over the whole block, its rows (or, ``transposed``, its columns in whole tiles)
    shared out over the threads by their number of scores: no two threads write the same row's
    list."""
    from embviz.reduce.umap_threads import run_ranges, split, threads

    size = block.shape[1] if transposed else block.shape[0]
    parts = min(threads(), max(1, size // (TILE if transposed else 64)))
    if lower:  # row r holds r + 1 scores; column c is taken by the size - 1 - c rows after it
        work = np.arange(size - 1, -1, -1) if transposed else np.arange(1, size + 1)
    else:
        work = np.ones(size, dtype=np.int64)
    cuts = [lo for lo, _ in split(np.concatenate([[0], np.cumsum(work)]), parts)] + [size]
    if transposed:  # whole tiles per thread
        cuts = [min(size, -(-c // TILE) * TILE) for c in cuts]
    ranges = [(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True) if hi > lo]
    args = (row0, col0, col_scale, col_shift, best_val, best_idx, transposed, self_pairs, lower)
    run_ranges(_merge_kernel(), ranges, block, *args)


def _gram(rows: np.ndarray) -> np.ndarray:
    """``rows @ rows.T`` of which only the lower triangle (c <= r) is computed and may be read:
    BLAS syrk, half a product's arithmetic. The exact search of the 10,000 demo rows, cosine,
    k = 15, ten runs each in turn (load 6.5-7): 1.33 s CPU (median; min 1.16) against 1.54 s
    (1.37) with the blocks on the diagonal a full product; wall 2.31 s against 2.72 s; the
    same neighbours."""
    from scipy.linalg import blas

    upper = blas.ssyrk(1.0, rows.T, trans=1)  # Fortran order, its upper triangle filled
    lower: np.ndarray = upper.T  # the same memory in C order: the lower triangle
    return lower


def _squared_norms(rows: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Each row's squared length, a chunk at a time (no float32 copy of the whole)."""
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), chunk):
        part = np.asarray(rows[start : start + chunk], dtype=np.float32)
        out[start : start + chunk] = np.einsum("ij,ij->i", part, part)
    return out


def knn_query(
    data: np.ndarray,
    queries: np.ndarray,
    k: int,
    metric: str = "cosine",
    self_rows: np.ndarray | None = None,
    chunk_cells: int = CHUNK_CELLS,
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (len(queries), k), nearest first. ``self_rows[i]``, when
    given, is the row of ``data`` that query i is: it is put first, at distance 0."""
    if metric not in METRICS:
        raise ValueError(f"metric must be 'cosine' or 'euclidean', not {metric!r}")
    cosine = metric == "cosine"
    n, m = len(data), len(queries)
    # one set against itself (before the float32 view below makes ``data`` another object)
    symmetric = (
        queries is data and self_rows is not None and np.array_equal(self_rows, np.arange(n))
    )
    # No normalised copy of ``data``: cosine scores are the products divided by each data row's
    # norm, a block at a time (a copy would add the matrix again, even for a recall check).
    data = np.asarray(data, dtype=np.float32)
    k = min(k, n)
    data_sq = _squared_norms(data)
    if cosine:
        scale = 1.0 / np.maximum(np.sqrt(data_sq), np.float32(1e-30))
        shift = np.zeros(n, dtype=np.float32)
    else:  # 2 q.d - |d|^2 = |q|^2 - |q - d|^2 keeps the order for a fixed query q
        scale, shift = np.full(n, 2.0, dtype=np.float32), data_sq
    best_val = np.full((m, k), -np.inf, dtype=np.float32)
    best_idx = np.full((m, k), -1, dtype=np.int64)
    merge = _merge_all
    if symmetric:  # each pair of blocks once, merged into both sides' rows
        side = max(1, int(np.sqrt(chunk_cells)))
        for start in range(0, n, side):
            stop = min(start + side, n)
            for other in range(start, n, side):
                if other == start:  # rows merged first, then columns: ties to the lower index
                    block = _gram(data[start:stop])
                    merge(block, start, start, scale, shift, best_val, best_idx, False, True, True)
                    merge(block, start, start, scale, shift, best_val, best_idx, True, False, True)
                    continue
                block = data[start:stop] @ data[other : min(other + side, n)].T
                merge(block, start, other, scale, shift, best_val, best_idx, False, True)
                merge(block, start, other, scale, shift, best_val, best_idx, True, False)
    else:
        columns = min(n, max(1, int(np.sqrt(chunk_cells))))
        rows = max(1, chunk_cells // columns)
        wanted = None if self_rows is None else np.asarray(self_rows, dtype=np.int64)
        for start in range(0, m, rows):
            stop = min(start + rows, m)
            block_rows = np.asarray(queries[start:stop], dtype=np.float32)
            part_val, part_idx = best_val[start:stop], best_idx[start:stop]
            for other in range(0, n, columns):
                block = block_rows @ data[other : min(other + columns, n)].T
                if wanted is not None:  # a query's own row scores +inf: itself first
                    here = (wanted[start:stop] >= other) & (wanted[start:stop] < other + columns)
                    hit = np.flatnonzero(here)
                    block[hit, wanted[start:stop][hit] - other] = np.inf
                merge(block, 0, other, scale, shift, part_val, part_idx, False, False)
    query_sq = data_sq if symmetric else _squared_norms(queries)
    if cosine:
        query_norm = np.sqrt(query_sq)
        distances = 1.0 - best_val / np.maximum(query_norm, np.float32(1e-30))[:, None]
    else:
        distances = np.sqrt(np.maximum(query_sq[:, None] - best_val, 0.0))
    if self_rows is not None:
        distances[:, 0] = 0.0
    return best_idx, np.maximum(distances, 0.0).astype(np.float32)


def exact_knn(x: np.ndarray, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): row i's k nearest rows, itself first, nearest first."""
    return knn_query(x, x, k, metric, self_rows=np.arange(len(x)))


def knn_of_rows(x: np.ndarray, rows: np.ndarray, k: int, metric: str = "cosine") -> np.ndarray:
    """Exact k nearest rows (each query row itself first) of the given ``rows`` among all."""
    return knn_query(x, np.asarray(x)[rows], k, metric, self_rows=rows)[0]


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact neighbours that ``found`` (same rows, same k) holds."""
    hits = sum(len(np.intersect1d(a, b)) for a, b in zip(found, exact, strict=True))
    return hits / max(exact.size, 1)
