"""openTSNE's affinities for large fits, built with a fraction of its memory.

openTSNE's ``PerplexityBasedNN`` keeps its Annoy index, the neighbours (int64) and distances
(float64) for the whole run, and symmetrises P with ``(P + P.T) / 2``, which holds the transpose,
a sum sized for twice the entries and a halved copy at once. At 25,000 x 384 (float32) that
stage alone rose 2.7x the matrix, and the whole fit 11x (benchmarks/tsne_large.py --stages).
Here the same numbers come from:

- the same Annoy index (openTSNE's copy, 50 trees, the seed drawn as openTSNE draws it), queried
  into int32 indices and float32 distances (Annoy computes in float32, so nothing is lost) and
  dropped once queried: only rows that are all fitted come here, so nothing is placed later;
- openTSNE's own perplexity calibration (``compute_gaussian_perplexity``) a block of rows at a
  time, so the float64 copy of the distances is one block;
- a compiled symmetrisation that writes P + P^T straight into arrays of its exact size.

The result is the P openTSNE computes from the same neighbours (tests/reduce/test_tsne_affinity.py
compares it with ``joint_probabilities_nn``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

ANNOY_TREES = 50  # openTSNE's (and FIt-SNE's) number of trees
PERPLEXITY_BLOCK = 8192  # rows calibrated per call (a float64 copy of their distances)


def annoy_neighbors(
    x: np.ndarray, k: int, metric: str, seed: int, n_jobs: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """(indices int32, distances float32), each (rows, k): what openTSNE's ``Annoy.build`` returns
    for ``random_state=seed`` (its index, trees and seed; the first hit, the row itself, left
    out), in a third of its memory."""
    from openTSNE.dependencies.annoy import AnnoyIndex
    from sklearn.utils import check_random_state

    n, dims = x.shape
    index = AnnoyIndex(dims, {"cosine": "angular"}.get(metric, metric))
    index.set_seed(check_random_state(seed).randint(np.iinfo(np.int32).max))
    for i in range(n):
        index.add_item(i, x[i])
    index.build(ANNOY_TREES, n_jobs=n_jobs)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)

    def query(rows: range) -> None:
        for i in rows:
            found, dist = index.get_nns_by_item(i, k + 1, include_distances=True)
            indices[i] = found[1:]
            distances[i] = dist[1:]

    if n_jobs <= 1:
        query(range(n))
    else:  # Annoy releases the GIL while it searches (openTSNE queries it from threads too)
        from concurrent.futures import ThreadPoolExecutor

        step = max(1, -(-n // (4 * n_jobs)))
        with ThreadPoolExecutor(n_jobs) as pool:
            list(pool.map(query, [range(i, min(i + step, n)) for i in range(0, n, step)]))
    index.unload()
    return indices, distances


def conditional_probabilities(
    distances: np.ndarray, perplexity: float, n_jobs: int = 1
) -> np.ndarray:
    """p(j|i) for each row's neighbours (float64, rows x k): openTSNE's calibration, by blocks."""
    from openTSNE import _tsne

    out = np.empty(distances.shape, dtype=np.float64)
    target = np.array([perplexity], dtype=np.float64)
    for start in range(0, len(distances), PERPLEXITY_BLOCK):
        block = np.array(distances[start : start + PERPLEXITY_BLOCK], dtype=np.float64)
        out[start : start + len(block)] = _tsne.compute_gaussian_perplexity(
            block, target, num_threads=n_jobs
        )
    return out


def _symmetrise(cols: np.ndarray, vals: np.ndarray, n: int, k: int) -> tuple[Any, Any, Any]:
    """(indptr, indices, data) of P + P^T, where row i of P holds ``vals[i*k:(i+1)*k]`` at
    columns ``cols[i*k:(i+1)*k]``; columns sorted within each row (scipy's canonical form)."""
    total = n * k
    # Entries that point at each row (their flat positions), grouped by that row: P^T's rows.
    counts = np.zeros(n + 1, dtype=np.int64)
    for e in range(total):
        counts[cols[e] + 1] += 1
    in_ptr = np.cumsum(counts)
    fill = in_ptr[:-1].copy()
    incoming = np.empty(total, dtype=np.int32)  # flat positions: n * k < 2**31 (checked)
    for e in range(total):
        c = cols[e]
        incoming[fill[c]] = e
        fill[c] += 1
    # Row sizes: own neighbours, plus incoming ones that are not among them.
    owner = np.full(n, -1, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        for s in range(k):
            owner[cols[i * k + s]] = i
        extra = 0
        for q in range(in_ptr[i], in_ptr[i + 1]):
            if owner[incoming[q] // k] != i:
                extra += 1
        indptr[i + 1] = indptr[i] + k + extra
    out_cols = np.empty(indptr[n], dtype=np.int32)
    out_vals = np.empty(indptr[n], dtype=np.float64)
    owner[:] = -1
    slot = np.zeros(n, dtype=np.int64)
    for i in range(n):
        p = indptr[i]
        for s in range(k):
            j = cols[i * k + s]
            owner[j] = i
            slot[j] = p
            out_cols[p] = j
            out_vals[p] = vals[i * k + s]
            p += 1
        for q in range(in_ptr[i], in_ptr[i + 1]):
            e = incoming[q]
            j = e // k
            if owner[j] == i:
                out_vals[slot[j]] += vals[e]
            else:
                out_cols[p] = j
                out_vals[p] = vals[e]
                p += 1
        order = np.argsort(out_cols[indptr[i] : p], kind="mergesort")
        out_cols[indptr[i] : p] = out_cols[indptr[i] : p][order]
        out_vals[indptr[i] : p] = out_vals[indptr[i] : p][order]
    return indptr, out_cols, out_vals


_compiled: Callable[..., tuple[Any, Any, Any]] | None = None


def _kernel() -> Callable[..., tuple[Any, Any, Any]]:
    global _compiled
    if _compiled is None:
        import numba

        try:
            _compiled = numba.njit(cache=True, nogil=True)(_symmetrise)
        except RuntimeError:  # no writable cache location (e.g. a frozen app): compile each run
            _compiled = numba.njit(nogil=True)(_symmetrise)
    return _compiled


def joint_probabilities(indices: np.ndarray, conditional: np.ndarray) -> Any:
    """openTSNE's P: ``(C + C^T) / 2`` normalised to sum 1, where C holds ``conditional[i]`` at
    columns ``indices[i]`` (scipy CSR, float64 data, int32 indices as openTSNE's gradient takes)."""
    import scipy.sparse as sp

    n, k = indices.shape
    if n * k >= 2**31:
        raise ValueError(f"{n:,} rows x {k} neighbours: too many entries for int32 positions")
    cols = np.ascontiguousarray(indices, dtype=np.int32).ravel()
    vals = np.ascontiguousarray(conditional, dtype=np.float64).ravel()
    indptr, out_cols, out_vals = _kernel()(cols, vals, n, k)
    out_vals *= 0.5
    out_vals /= out_vals.sum()
    if indptr[-1] < 2**31:
        indptr = indptr.astype(np.int32)
    return sp.csr_matrix((out_vals, out_cols, indptr), shape=(n, n))


def lean_affinities(
    x: np.ndarray, perplexity: float, metric: str, seed: int, n_jobs: int = 1
) -> Any:
    """openTSNE's ``PerplexityBasedNN(x, perplexity, method="annoy")``, without its index,
    neighbours or distances once P is made: for fits that place no other rows."""
    from openTSNE.affinity import Affinities

    k = min(len(x) - 1, int(3 * perplexity))  # openTSNE's k_neighbors="auto"
    indices, distances = annoy_neighbors(x, k, metric, seed, n_jobs)
    conditional = conditional_probabilities(distances, perplexity, n_jobs)
    del distances
    affinities = Affinities()
    affinities.P = joint_probabilities(indices, conditional)
    return affinities
