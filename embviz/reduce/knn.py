"""Exact k nearest neighbours for the layouts' neighbour graphs (t-SNE's and UMAP's).

One chunked matrix product (float32 BLAS) plus a partial sort per row: on a few thousand to a few
tens of thousands of rows this is cheaper than building an approximate index (NN-descent needs a
numba compilation in every fresh process, and its own time), and it is exact (recall 1).
In :func:`exact_knn` each row's own index comes first, at distance 0, as umap-learn's search
returns it. Distances are 1 - cosine similarity ("cosine") or euclidean distances.
"""

from __future__ import annotations

import numpy as np

from embviz.core.neighbors import top_k

CHUNK_CELLS = 1 << 24  # scores held at once (64 MB of float32)
METRICS = ("cosine", "euclidean")


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit: np.ndarray = x / np.maximum(norms, np.float32(1e-30))
    return unit


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
    # No normalised copy of ``data``: cosine scores are the products with the unit queries
    # divided by each data row's norm, a chunk at a time (a copy would add the matrix again,
    # even for a recall check of 200 rows).
    data = np.asarray(data, dtype=np.float32)
    n, m = len(data), len(queries)
    k = min(k, n)
    data_sq = np.einsum("ij,ij->i", data, data)
    inverse_norm = 1.0 / np.maximum(np.sqrt(data_sq), np.float32(1e-30)) if cosine else None
    indices = np.empty((m, k), dtype=np.int64)
    distances = np.empty((m, k), dtype=np.float32)
    chunk = max(1, chunk_cells // max(n, 1))
    for start in range(0, m, chunk):
        stop = min(start + chunk, m)
        block = np.asarray(queries[start:stop], dtype=np.float32)
        if cosine:
            block = unit_rows(block)
        scores = block @ data.T  # larger = nearer
        if inverse_norm is not None:
            scores *= inverse_norm[None, :]
        else:  # -|q - d|^2 + |q|^2 keeps the order for a fixed query q
            scores *= 2.0
            scores -= data_sq[None, :]
        if self_rows is not None:
            scores[np.arange(stop - start), self_rows[start:stop]] = np.inf
        best = top_k(scores, k)
        indices[start:stop] = best
        near = np.take_along_axis(scores, best, axis=1)
        if cosine:
            dist = 1.0 - near
        else:
            query_sq = np.einsum("ij,ij->i", block, block)
            dist = np.sqrt(np.maximum(query_sq[:, None] - near, 0.0))
        if self_rows is not None:
            dist[:, 0] = 0.0
        distances[start:stop] = np.maximum(dist, 0.0)
    return indices, distances


def exact_knn(x: np.ndarray, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): row i's k nearest rows, itself first, nearest first."""
    return knn_query(x, x, k, metric, self_rows=np.arange(len(x)))


def knn_of_rows(x: np.ndarray, rows: np.ndarray, k: int, metric: str = "cosine") -> np.ndarray:
    """Exact k nearest rows (each query row itself first) of the given ``rows`` among all.

    A few rows (a recall check): scores for a quarter of the usual rows at a time, as the partial
    sort's int64 positions double them (at 100,000 rows the default chunk held 1.4x a
    384-dimensional matrix)."""
    return knn_query(
        x, np.asarray(x)[rows], k, metric, self_rows=rows, chunk_cells=CHUNK_CELLS // 4
    )[0]


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact neighbours that ``found`` (same rows, same k) holds."""
    hits = sum(len(np.intersect1d(a, b)) for a, b in zip(found, exact, strict=True))
    return hits / max(exact.size, 1)
