"""Fit on a random sample when a set is large, and place the rest with the fitted model.

Thresholds come from benchmarks/projections.py on this project's reference machine (2 cores):
see :data:`TSNE_FIT_SAMPLE` and :data:`UMAP_FIT_SAMPLE` in the reducers.
"""

from __future__ import annotations

import numpy as np


def split_rows(n: int, fit_sample: int, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(fitted rows, placed rows), both sorted, or None when every row is fitted."""
    if fit_sample <= 0 or n <= fit_sample:
        return None
    rng = np.random.default_rng(seed)
    fitted = np.sort(rng.choice(n, size=fit_sample, replace=False))
    mask = np.ones(n, dtype=bool)
    mask[fitted] = False
    return fitted, np.flatnonzero(mask)


def merge_rows(
    n: int, fitted: np.ndarray, a: np.ndarray, placed: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Coordinates of all ``n`` rows, in input order, from the fitted and placed parts."""
    out = np.empty((n, a.shape[1]), dtype=np.float32)
    out[fitted] = a
    out[placed] = b
    return out


def pca_preview(vectors: np.ndarray, dims: int, rows: np.ndarray | None = None) -> np.ndarray:
    """A PCA layout in a fraction of a second: the first thing shown while a method works."""
    from embviz.reduce.pca import pca_components

    x = np.asarray(vectors if rows is None else vectors[rows], dtype=np.float32)
    mean, components, _ = pca_components(x, dims)
    coords = (np.asarray(vectors, dtype=np.float32) - mean) @ components.T.astype(np.float32)
    if coords.shape[1] < dims:
        coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))
    preview: np.ndarray = coords.astype(np.float32)
    return preview


def nearest_rows(query: np.ndarray, reference: np.ndarray, metric: str = "euclidean") -> np.ndarray:
    """For each query row, the row of ``reference`` nearest to it (brute force, in chunks)."""
    q = np.asarray(query, dtype=np.float32)
    r = np.asarray(reference, dtype=np.float32)
    if metric == "cosine":
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        r = r / np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-12)
    r_sq = np.einsum("ij,ij->i", r, r)
    out = np.empty(len(q), dtype=np.int64)
    for start in range(0, len(q), 2048):
        block = q[start : start + 2048]
        out[start : start + 2048] = np.argmin(r_sq[None, :] - 2 * block @ r.T, axis=1)
    return out
