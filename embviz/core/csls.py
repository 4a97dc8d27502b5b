"""Cross-domain similarity local scaling (CSLS), Conneau et al. 2018, "Word translation without
parallel data", eq. 6::

    CSLS(Wx, y) = 2 cos(Wx, y) - r_T(Wx) - r_S(y)

``r_T(Wx)``: the mean cosine of a mapped source vector to its ``k`` nearest target vectors;
``r_S(y)``: the mean cosine of a target vector to its ``k`` nearest mapped source vectors. Words
that are near everything (hubs) get a large ``r`` and are pushed down, so fewer queries share the
same answer.

Within ONE space (the health helper's hub-reduced neighbours) the same formula is used with both
``r`` taken in that space, leaving each row itself out: ``2 cos(x, y) - r(x) - r(y)``.

Everything is blockwise: a block of query rows times all target rows at a time, so an N x M
similarity matrix is never held (the block holds about :data:`BLOCK_VALUES` floats). Inputs are
unit-normalised float32 matrices (:func:`unit_rows`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.neighbors import top_k
from embviz.core.tasks import Progress, Task, run_task

DEFAULT_K = 10  # Conneau et al. use K = 10
BLOCK_VALUES = 1 << 23  # ~32 MB of float32 per block of similarities


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32; zero rows stay zero)."""
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (x / norms).astype(np.float32, copy=False)
    return out


def row_blocks(n_rows: int, n_cols: int) -> Iterator[tuple[int, int]]:
    step = max(1, BLOCK_VALUES // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield start, min(start + step, n_rows)


def _check_k(k: int, available: int, what: str) -> int:
    if k < 1:
        raise EmbvizError(f"CSLS: k must be at least 1, got {k}.")
    if available < 1:
        raise EmbvizError(f"CSLS: {what} has no rows to take neighbours from.")
    return min(k, available)


def mean_top_similarity(
    queries: np.ndarray, targets: np.ndarray, k: int = DEFAULT_K, *, same_space: bool = False
) -> np.ndarray:
    """For each unit row of ``queries``: the mean cosine to its ``k`` nearest unit rows of
    ``targets`` (``r`` of the paper). ``same_space=True``: queries ARE the targets (row i is
    target i) and each row leaves itself out."""
    return run_task(mean_top_similarity_task(queries, targets, k, same_space=same_space))


def mean_top_similarity_task(
    queries: np.ndarray, targets: np.ndarray, k: int = DEFAULT_K, *, same_space: bool = False
) -> Task[np.ndarray]:
    """:func:`mean_top_similarity` as a task: Progress (and Cancel) after each block."""
    n, m = len(queries), len(targets)
    k = _check_k(k, m - 1 if same_space else m, "the target space")
    out = np.empty(n, dtype=np.float64)
    for start, stop in row_blocks(n, m):
        sims = queries[start:stop] @ targets.T
        if same_space:
            sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        best = top_k(sims, k)
        out[start:stop] = np.take_along_axis(sims, best, axis=1).mean(axis=1, dtype=np.float64)
        yield Progress(stop / max(n, 1), f"CSLS: hubness of {stop:,} of {n:,} rows")
    return out


def hub_penalty(unit: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """``r(x)`` within one space: each row's mean cosine to its ``k`` nearest other rows."""
    return mean_top_similarity(unit, unit, k, same_space=True)


def hub_penalty_task(unit: np.ndarray, k: int = DEFAULT_K) -> Task[np.ndarray]:
    """:func:`hub_penalty` as a task (for large sets: N x N similarities, in blocks)."""
    return mean_top_similarity_task(unit, unit, k, same_space=True)


def csls_scores(
    queries: np.ndarray, targets: np.ndarray, r_queries: np.ndarray, r_targets: np.ndarray
) -> np.ndarray:
    """The (small) matrix ``2 cos - r_q - r_t`` for a few query rows against all targets."""
    sims = (queries @ targets.T).astype(np.float64)
    out: np.ndarray = 2 * sims - r_queries[:, None] - r_targets[None, :]
    return out


def _retrieve(
    queries: np.ndarray,
    targets: np.ndarray,
    r_queries: np.ndarray,
    r_targets: np.ndarray,
    k: int,
    exclude_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    n, m = len(queries), len(targets)
    k = min(k, m - (0 if exclude_rows is None else 1))
    rows = np.empty((n, max(k, 0)), dtype=np.int64)
    scores = np.empty((n, max(k, 0)), dtype=np.float64)
    for start, stop in row_blocks(n, m):
        block = csls_scores(queries[start:stop], targets, r_queries[start:stop], r_targets)
        if exclude_rows is not None:
            block[np.arange(stop - start), exclude_rows[start:stop]] = -np.inf
        best = top_k(block, k)
        rows[start:stop] = best
        scores[start:stop] = np.take_along_axis(block, best, axis=1)
    return rows, scores


def csls_retrieve(
    queries: np.ndarray,
    mapped_source: np.ndarray,
    targets: np.ndarray,
    k: int = 5,
    csls_k: int = DEFAULT_K,
    r_targets: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cross-space retrieval: the ``k`` best target rows for each mapped query, by CSLS.

    ``queries``: unit rows of the mapped query words (``W x``, renormalised); ``mapped_source``:
    unit rows of ALL mapped source words (``r_S`` of a target is taken over them); ``targets``:
    unit rows of the target space. ``r_targets`` may be passed when already computed (it depends
    on the map and the target space only). Returns (rows, scores), each len(queries) x k, best
    first."""
    _check_k(csls_k, len(targets), "the target space")
    r_q = mean_top_similarity(queries, targets, csls_k)
    if r_targets is None:
        r_targets = mean_top_similarity(targets, mapped_source, csls_k)
    return _retrieve(queries, targets, r_q, r_targets, k)


def csls_neighbors(
    unit: np.ndarray,
    rows: np.ndarray | list[int],
    k: int = 10,
    csls_k: int = DEFAULT_K,
    penalty: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Hub-reduced neighbours within one space: for each of ``rows``, the ``k`` rows with the
    highest ``2 cos(x, y) - r(x) - r(y)``, the row itself left out. ``penalty`` (``r`` of every
    row, :func:`hub_penalty`) may be passed when already computed. Returns (rows, scores)."""
    query_rows = np.asarray(rows, dtype=np.int64)
    if penalty is None:
        penalty = hub_penalty(unit, csls_k)
    return _retrieve(unit[query_rows], unit, penalty[query_rows], penalty, k, query_rows)
