"""Exact k nearest neighbours of every row among all rows, for the layouts' neighbour graphs.

One chunked matrix product (float32 BLAS) plus a partial sort per row: on a few thousand to a few
tens of thousands of rows this is cheaper than building an approximate index (NN-descent needs a
numba compilation in every fresh process, and its own time), and it is exact (recall 1).
Each row's own index comes first, at distance 0, as umap-learn's and openTSNE's searches return it.
"""

from __future__ import annotations

import numpy as np

from embviz.core.neighbors import top_k

CHUNK_CELLS = 1 << 24  # scores held at once (64 MB of float32)


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit: np.ndarray = x / np.maximum(norms, np.float32(1e-30))
    return unit


def exact_knn(x: np.ndarray, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): row i's k nearest rows (itself first), nearest first.

    ``metric`` is "cosine" (distance 1 - cosine similarity) or "euclidean"."""
    if metric not in ("cosine", "euclidean"):
        raise ValueError(f"metric must be 'cosine' or 'euclidean', not {metric!r}")
    x = unit_rows(x) if metric == "cosine" else np.asarray(x, dtype=np.float32)
    n = len(x)
    k = min(k, n)
    sq = np.einsum("ij,ij->i", x, x)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    chunk = max(1, CHUNK_CELLS // max(n, 1))
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        scores = x[start:stop] @ x.T  # larger = nearer (cosine); euclidean below
        if metric == "euclidean":
            scores *= 2.0
            scores -= sq[None, :]  # -|a - b|^2 + |a|^2: same order for a fixed row a
        rows = np.arange(stop - start)
        scores[rows, rows + start] = np.inf  # each row is its own nearest
        best = top_k(scores, k)
        indices[start:stop] = best
        near = np.take_along_axis(scores, best, axis=1)
        near[:, 0] = 0.0
        if metric == "cosine":
            distances[start:stop] = np.maximum(1.0 - near, 0.0)
            distances[start:stop, 0] = 0.0
        else:
            d2 = sq[start:stop, None] - near
            d2[:, 0] = 0.0
            distances[start:stop] = np.sqrt(np.maximum(d2, 0.0))
    return indices, distances


def knn_of_rows(x: np.ndarray, rows: np.ndarray, k: int, metric: str = "cosine") -> np.ndarray:
    """Exact k nearest rows (each query row itself first) of the given ``rows`` among all."""
    x = unit_rows(x) if metric == "cosine" else np.asarray(x, dtype=np.float32)
    scores = x[rows] @ x.T
    if metric == "euclidean":
        scores = 2.0 * scores - np.einsum("ij,ij->i", x, x)[None, :]
    scores[np.arange(len(rows)), rows] = np.inf
    return top_k(scores, min(k, len(x)))


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact neighbours that ``found`` (same rows, same k) holds."""
    hits = sum(len(np.intersect1d(a, b)) for a, b in zip(found, exact, strict=True))
    return hits / max(exact.size, 1)
