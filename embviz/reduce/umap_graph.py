"""UMAP's fuzzy neighbour graph, its sampling schedule and its spectral start, without umap-learn.

The same definitions as umap-learn 0.5 (``fuzzy_simplicial_set``, ``make_epochs_per_sample``,
``find_ab_params``, ``spectral_layout``; McInnes, Healy & Melville 2018, section 3), written with
numpy and scipy so that nothing here is compiled by numba: umap-learn's versions of the first two
cost 8-13 s of numba compilation in a fresh process. The binary search for each row's bandwidth
runs on every row at once.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
import scipy.sparse.csgraph
import scipy.sparse.linalg

SMOOTH_K_TOLERANCE = 1e-5
MIN_K_DIST_SCALE = 1e-3
BANDWIDTH_STEPS = 64
# umap-learn asks eigsh for the normalised Laplacian's smallest eigenvalues (which="SM") with
# sqrt(n) Lanczos vectors: slow to converge, and 8 GB of vectors at a million rows. The same
# eigenvectors are the largest of the normalised adjacency D^-1/2 W D^-1/2 (eigenvalue 1 - that
# of the Laplacian), where Lanczos converges in a few restarts of a few vectors. Measured on the
# demo's words (cosine, 15 neighbours), CPU time: 10,000 rows 0.12 s against 2.02 s ("SM", 100
# vectors) and umap-learn's 3.67 s; 21,721 rows 0.43 s against 3.89 s and 4.20 s; eigenvectors
# correlated with the "SM" ones above 0.99999.
SPECTRAL_LANCZOS = 16


def smooth_knn_dist(distances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sigma, rho) per row, as umap-learn's ``smooth_knn_dist`` with local_connectivity 1:
    rho is the distance to the nearest other row; sigma makes sum_j exp(-(d_ij - rho) / sigma)
    over the k - 1 neighbours equal log2(k) (binary search, 64 steps, tolerance 1e-5)."""
    d = np.asarray(distances, dtype=np.float64)
    n, k = d.shape
    target = np.log2(k)
    positive = np.where(d > 0.0, d, np.inf)
    rho = positive.min(axis=1)
    rho[~np.isfinite(rho)] = 0.0
    shifted = d[:, 1:] - rho[:, None]
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    mid = np.ones(n)
    active = np.ones(n, dtype=bool)
    for _ in range(BANDWIDTH_STEPS):
        rows = np.flatnonzero(active)
        if not len(rows):
            break
        s = shifted[rows]
        m = mid[rows, None]
        psum = np.where(s > 0.0, np.exp(-(np.maximum(s, 0.0) / m)), 1.0).sum(axis=1)
        done = np.abs(psum - target) < SMOOTH_K_TOLERANCE
        above = psum > target
        r_hi = rows[above & ~done]
        hi[r_hi] = mid[r_hi]
        mid[r_hi] = (lo[r_hi] + hi[r_hi]) / 2.0
        r_lo = rows[~above & ~done]
        lo[r_lo] = mid[r_lo]
        unbounded = ~np.isfinite(hi[r_lo])
        mid[r_lo] = np.where(unbounded, mid[r_lo] * 2.0, (lo[r_lo] + hi[r_lo]) / 2.0)
        active[rows[done]] = False
    floor = np.where(rho > 0.0, d.mean(axis=1), d.mean()) * MIN_K_DIST_SCALE
    sigma = np.maximum(mid, floor)
    return sigma.astype(np.float32), rho.astype(np.float32)


def fuzzy_graph(indices: np.ndarray, distances: np.ndarray) -> scipy.sparse.csr_matrix:
    """The symmetric fuzzy union A + A^T - A * A^T of the rows' fuzzy neighbourhoods."""
    n, k = indices.shape
    sigma, rho = smooth_knn_dist(distances)
    d = np.asarray(distances, dtype=np.float32)
    gap = d - rho[:, None]
    strength = np.exp(-(np.maximum(gap, 0.0) / sigma[:, None]))
    strength[(gap <= 0.0) | (sigma[:, None] == 0.0)] = 1.0
    rows = np.repeat(np.arange(n), k)
    cols = np.asarray(indices).reshape(-1)
    vals = strength.reshape(-1).astype(np.float32)
    keep = (cols != rows) & (cols >= 0)
    a = scipy.sparse.coo_matrix((vals[keep], (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    a.eliminate_zeros()
    t = a.T.tocsr()
    graph = (a + t - a.multiply(t)).tocsr()
    graph.eliminate_zeros()
    return graph


def shared_neighbours(indices: np.ndarray, chunk: int = 2_048) -> np.ndarray:
    """For each entry (i, j) of the neighbour lists (each row's list holds the row itself, as
    umap-learn's do), how many rows the lists of i and j have in common, j itself included: 1
    when j does not list i and they share no other neighbour. Rows a chunk at a time (a chunk of
    2,048 rows with k = 15 compares 7M pairs)."""
    lists = np.asarray(indices)
    n, k = lists.shape
    out = np.empty((n, k), dtype=np.int32)
    for start in range(0, n, chunk):
        mine = lists[start : start + chunk]  # (c, k)
        theirs = lists[np.maximum(mine, 0)]  # (c, k, k): the lists of each neighbour
        same = mine[:, None, :, None] == theirs[:, :, None, :]  # (c, k, k, k)
        out[start : start + chunk] = same.any(axis=3).sum(axis=2)
    out[lists < 0] = 0
    return out


def drop_unshared(indices: np.ndarray, min_shared: int = 2) -> np.ndarray:
    """The neighbour lists without the entries that share fewer than ``min_shared`` rows
    (``shared_neighbours``) with their row: -1 there, which ``fuzzy_graph`` leaves out. The
    distances are kept, so each row's bandwidth (``smooth_knn_dist``) is umap-learn's.

    Why: umap-learn's defaults find neighbours by NN-descent, which reaches a row's neighbours
    through their neighbours, and so misses mostly those that share none with it (on 10,000 demo
    words, 3.3 % of the exact 15 neighbours were missed; of those, 52 % shared no neighbour
    besides themselves, against 7 % of the found ones). Those edges pull unrelated groups
    together in the layout: given the exact lists, umap-learn's own layout kept 0.003-0.006 less
    trustworthiness (k = 10) than with NN-descent's on five sets of 10,000 rows (ten seeds each;
    benchmarks/umap_trust.py), and leaving the unshared entries out of the exact lists
    gained more than that back (see ``DROP_MIN_SHARED`` in umap_fit)."""
    out = np.array(indices, copy=True)
    shared = shared_neighbours(out)
    weak = shared < min_shared
    weak[:, 0] = False  # the row itself
    out[weak] = -1
    return out


def default_epochs(n: int) -> int:
    """umap-learn's choice: 500 epochs up to 10,000 rows, 200 above.

    Kept although the epochs are most of a 10,000-row fit's time: fewer lost trustworthiness
    (k = 10; 10,000 rows, cosine, the staged schedule, every exact neighbour kept, mean of seeds
    0-2). The demo's sampled words: 0.8570 at 500, 0.8557 at 400, 0.8531 at 300, 0.8395 at 200;
    10,000 other demo rows: 0.8490 at 500, 0.8450 at 400. Where the gap to umap-learn's
    defaults on that second set came from (benchmarks/umap_trust.py, five sets, ten seeds each,
    seed-to-seed spread 0.001-0.003): not the epochs, but NN-descent's neighbours (+0.003 to
    +0.006 over exact ones, in umap-learn and here alike: see ``drop_unshared``) and the staged
    schedule, whose share varies with the set (-0.004 to +0.012)."""
    return 500 if n <= 10_000 else 200


def prune(graph: scipy.sparse.csr_matrix, n_epochs: int) -> scipy.sparse.csr_matrix:
    """Drop the edges too weak to be sampled once in ``n_epochs`` (as umap-learn does)."""
    graph = graph.tocsr(copy=True)
    graph.sum_duplicates()
    graph.data[graph.data < graph.data.max() / float(n_epochs)] = 0.0
    graph.eliminate_zeros()
    return graph


def epochs_per_sample(weights: np.ndarray, n_epochs: int) -> np.ndarray:
    """Every how many epochs each edge is sampled: the strongest every epoch."""
    result = -np.ones(weights.shape[0], dtype=np.float64)
    n_samples = n_epochs * (weights / weights.max())
    result[n_samples > 0] = float(n_epochs) / np.float64(n_samples[n_samples > 0])
    return result


def find_ab_params(spread: float, min_dist: float) -> tuple[float, float]:
    """a, b of the low-dimensional similarity 1 / (1 + a d^(2b)) fitted to the offset
    exponential that ``min_dist`` and ``spread`` describe."""
    from scipy.optimize import curve_fit

    def curve(x: np.ndarray, a: float, b: float) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + a * x ** (2 * b))
        return result

    xv = np.linspace(0, spread * 3, 300)
    yv = np.zeros(xv.shape)
    yv[xv < min_dist] = 1.0
    yv[xv >= min_dist] = np.exp(-(xv[xv >= min_dist] - min_dist) / spread)
    params, _ = curve_fit(curve, xv, yv)
    return float(params[0]), float(params[1])


def spectral_start(graph: scipy.sparse.csr_matrix, dims: int, seed: int) -> np.ndarray | None:
    """The graph's normalised-Laplacian eigenvectors 2..dims+1 (umap-learn's spectral
    initialisation, found as the normalised adjacency's largest: see ``SPECTRAL_LANCZOS``), or
    None when the graph has more than one connected component or the solver fails (the caller
    then starts from the data's principal axes)."""
    n = graph.shape[0]
    count, _ = scipy.sparse.csgraph.connected_components(graph)
    if count > 1 or n <= dims + 1:
        return None
    scale = 1.0 / np.sqrt(np.asarray(graph.sum(axis=0), dtype=np.float64).squeeze())

    def product(v: np.ndarray) -> np.ndarray:  # D^-1/2 W D^-1/2, never formed as a matrix
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        result: np.ndarray = scale * (graph @ (scale * v))
        return result

    adjacency = scipy.sparse.linalg.LinearOperator((n, n), matvec=product, dtype=np.float64)
    k = dims + 1
    try:
        values, vectors = scipy.sparse.linalg.eigsh(
            adjacency,
            k,
            which="LA",
            ncv=min(max(2 * k + 1, SPECTRAL_LANCZOS), n),
            tol=1e-4,
            v0=np.ones(n),
            maxiter=n * 5,
        )
    except scipy.sparse.linalg.ArpackError:
        return None
    values = -values  # the largest of the adjacency are the smallest of the Laplacian
    order = np.argsort(values)[1:k]
    start: np.ndarray = vectors[:, order]
    return start


def scaled_start(start: np.ndarray, seed: int) -> np.ndarray:
    """umap-learn's treatment of the start: largest coordinate 10, noise of 1e-4, then each axis
    scaled to [0, 10]."""
    rng = np.random.RandomState(seed)
    coords = (start * (10.0 / np.abs(start).max())).astype(np.float32)
    coords += rng.normal(scale=0.0001, size=coords.shape).astype(np.float32)
    low, high = coords.min(axis=0), coords.max(axis=0)
    scaled: np.ndarray = (10.0 * (coords - low) / (high - low)).astype(np.float32, order="C")
    return scaled
