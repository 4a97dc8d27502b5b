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


def save_rows(path: str, x: np.ndarray, order: np.ndarray, block: int = 8_192) -> None:
    """``np.save(path, x[order])`` a block of rows at a time: no copy of the matrix is made."""
    x = np.asarray(x)
    header = {
        "descr": np.lib.format.dtype_to_descr(x.dtype),
        "fortran_order": False,
        "shape": (len(order), *x.shape[1:]),
    }
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        for start in range(0, len(order), block):
            f.write(np.ascontiguousarray(x[order[start : start + block]]).tobytes())


def merge_rows(
    n: int, fitted: np.ndarray, a: np.ndarray, placed: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Coordinates of all ``n`` rows, in input order, from the fitted and placed parts."""
    out = np.empty((n, a.shape[1]), dtype=np.float32)
    out[fitted] = a
    out[placed] = b
    return out


# Values per block when a whole matrix is read for PCA (8 MB as float64): the matrix is never
# copied whole, so a preview of 1M x 384 float32 rows adds a few blocks, not 2x-3x the matrix.
PCA_BLOCK_CELLS = 1 << 20


def _step(dims: int) -> int:
    """Rows per block."""
    return max(1, PCA_BLOCK_CELLS // max(1, dims))


def blocked_pca(
    vectors: np.ndarray, dims: int, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(mean, components k x D) of ``vectors[rows]`` (every row when None): pca_components'
    numbers (same covariance route and signs, so scikit-learn's PCA up to rounding), with the
    covariance summed a block at a time in float64 instead of from a centred float64 copy of the
    rows (2x a float32 matrix, 3x with the gathered rows: the t-SNE preview's and starting
    layout's peak at 100k rows). Wider than pca.EXACT_MAX_DIMS: pca_components itself."""
    from threadpoolctl import threadpool_limits

    from embviz.reduce.pca import EXACT_MAX_DIMS, covariance_components, flip_signs, pca_components

    x = np.asarray(vectors)
    n = len(x) if rows is None else len(rows)
    d = x.shape[1]
    if d > EXACT_MAX_DIMS or n == 0:
        mean, components, _ = pca_components(x if rows is None else x[rows], dims)
        return mean, components

    step = _step(d)

    def block(start: int) -> np.ndarray:
        part = x[start : start + step] if rows is None else x[rows[start : start + step]]
        return np.asarray(part, dtype=np.float64)

    total = np.zeros(d)
    for start in range(0, n, step):
        total += block(start).sum(axis=0)
    mean = total / n
    cov = np.zeros((d, d))
    # One BLAS thread, as pca._components (threads waiting for busy cores made it 50x slower).
    with threadpool_limits(1):
        for start in range(0, n, step):
            centred = block(start) - mean
            cov += centred.T @ centred
        components, _ = covariance_components(cov, min(dims, d, n))
    return mean, flip_signs(components)


def project(vectors: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """``(vectors - mean) @ components.T`` in float64, a block at a time (no centred copy)."""
    x = np.asarray(vectors)
    out = np.empty((len(x), len(components)))
    step = _step(x.shape[1])
    for start in range(0, len(x), step):
        stop = start + step
        out[start:stop] = (np.asarray(x[start:stop], dtype=np.float64) - mean) @ components.T
    return out


def pca_preview(vectors: np.ndarray, dims: int, rows: np.ndarray | None = None) -> np.ndarray:
    """A PCA layout in a fraction of a second: the first thing shown while a method works. The
    components are those of ``vectors[rows]``; every row is projected."""
    mean, components = blocked_pca(vectors, dims, rows)
    return preview_coords(vectors, mean, components, dims)


def preview_coords(
    vectors: np.ndarray, mean: np.ndarray, components: np.ndarray, dims: int
) -> np.ndarray:
    """Every row projected on ``components`` (float32, a block at a time, so nothing the size of
    the matrix is made); zero columns past the components."""
    x = np.asarray(vectors)
    basis = components.T.astype(np.float32)
    shift = np.asarray(mean, dtype=np.float32)
    preview = np.zeros((len(x), dims), dtype=np.float32)
    step = _step(x.shape[1])
    for start in range(0, len(x), step):
        block = np.asarray(x[start : start + step], dtype=np.float32)
        preview[start : start + step, : basis.shape[1]] = (block - shift) @ basis
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
