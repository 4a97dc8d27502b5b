"""Placing rows on a map fitted on a sample, and giving them the sample's clusters.

Each row's position is a pure function of its own vector and the sample (its ``k`` nearest
sampled rows by cosine, found exactly with :func:`embviz.reduce.knn.knn_query`, which works in
blocks of rows): the weighted mean of their map positions, weights ``exp(-(d - d1) / s)`` where
``d`` are the cosine distances, ``d1`` the nearest one and ``s`` the mean gap ``d - d1`` (so the
weights do not depend on the scale of the distances; sampled rows themselves keep their fitted
place).
So the result does not depend on which partition a row is in, nor on the order rows are placed
in: the property the cluster run needs to equal one process. umap-learn's ``transform`` does not
have it (it runs a short stochastic optimisation over all the rows transformed together, so a
row's position depends on its batch) and it costs far more per row.

``k`` by measurement (benchmarks/atlas_cluster_quality.py, gensim's mini_newsgroup, 200 posts,
the map fitted on 100 of them, three sample seeds; trustworthiness k = 10 over all 200): k = 3
0.829 / 0.843 / 0.828, umap-learn's transform 0.827 / 0.833 / 0.832, k = 10 0.826 / 0.829 /
0.816, the plain mean of 10 0.815 / 0.826 / 0.815. k = 1 scores highest (0.837 / 0.854 / 0.835)
but puts every placed row exactly on a sampled one (at 100M rows over a 50k sample, ~2,000 rows
on each dot), so 3 it is.

Clusters: a row takes the clusters (every level) of its nearest sampled row, in the space the
clusters were found in (the map, or the vectors by cosine), as :mod:`embviz.core.topics.clusters`
already does above 20,000 points.
"""

from __future__ import annotations

import numpy as np

from embviz.reduce.knn import knn_query

PLACE_K = 3  # measured: see the module's docstring
BLOCK_ROWS = 8192  # rows placed at once (their neighbours in float64: 8192 x k x dims x 8 B)


def usable_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows that can be placed: finite, not all zero (the layouts leave the others out)."""
    v = np.asarray(vectors)
    ok: np.ndarray = np.isfinite(v).all(axis=1) & (np.abs(v).sum(axis=1) > 0)
    return ok


def place(
    vectors: np.ndarray, sample_vectors: np.ndarray, sample_coords: np.ndarray, k: int = PLACE_K
) -> tuple[np.ndarray, np.ndarray]:
    """(coords float32 (n, 2), index of each row's nearest sampled row); unusable rows: NaN, -1."""
    n = len(vectors)
    coords = np.full((n, sample_coords.shape[1]), np.nan, dtype=np.float32)
    nearest = np.full(n, -1, dtype=np.int64)
    ok = usable_rows(vectors)
    if not ok.any():
        return coords, nearest
    rows = np.asarray(vectors)[ok]
    found_coords = np.empty((len(rows), sample_coords.shape[1]), dtype=np.float32)
    found_nearest = np.empty(len(rows), dtype=np.int64)
    for start in range(0, len(rows), BLOCK_ROWS):
        block = rows[start : start + BLOCK_ROWS]
        block_coords, index = _place_block(block, sample_vectors, sample_coords, k)
        found_coords[start : start + len(block)] = block_coords
        found_nearest[start : start + len(block)] = index[:, 0]
    coords[ok] = found_coords
    nearest[ok] = found_nearest
    return coords, nearest


def _place_block(
    rows: np.ndarray, sample_vectors: np.ndarray, sample_coords: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    index, _ = knn_query(sample_vectors, rows, k, "cosine")
    # the weights from float64 distances of the chosen neighbours: float32 products differ in
    # the last bits with the shape of the block, and the weights would pass that on
    q = rows.astype(np.float64)
    q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-300)
    near = np.asarray(sample_vectors[index], dtype=np.float64)  # (m, k, dims)
    near /= np.maximum(np.linalg.norm(near, axis=2, keepdims=True), 1e-300)
    d = 1.0 - np.einsum("md,mkd->mk", q, near)
    gaps = d - d[:, :1]
    scale = gaps.mean(axis=1, keepdims=True)
    weights = np.exp(-gaps / np.where(scale > 0, scale, 1.0))
    weights /= weights.sum(axis=1, keepdims=True)
    picked = np.asarray(sample_coords, dtype=np.float64)[index]  # (m, k, 2)
    placed = np.einsum("mk,mkd->md", weights, picked).astype(np.float32)
    return placed, index


def nearest_in_layout(coords: np.ndarray, sample_coords: np.ndarray) -> np.ndarray:
    """Index of each row's nearest sampled row on the map (Euclidean); -1 for unplaced rows."""
    out = np.full(len(coords), -1, dtype=np.int64)
    ok = np.isfinite(coords).all(axis=1)
    if ok.any():  # a k-d tree: 2-D queries in O(log n), where a scan of the sample costs ~1 ms
        from scipy.spatial import cKDTree

        tree = cKDTree(np.asarray(sample_coords, dtype=np.float64))
        _, index = tree.query(np.asarray(coords[ok], dtype=np.float64), k=1)
        out[ok] = np.asarray(index, dtype=np.int64)
    return out


def assign(nearest: np.ndarray, sample_labels: np.ndarray) -> np.ndarray:
    """The sampled row's label for each row (-1 where there is no nearest row)."""
    labels = np.asarray(sample_labels, dtype=np.int64)
    return np.where(nearest >= 0, labels[np.maximum(nearest, 0)], -1)
