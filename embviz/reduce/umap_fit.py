"""embviz's own UMAP fit: neighbours, fuzzy graph, spectral start, parallel reproducible layout.

Used for unsupervised fits of every row (umap-learn still serves supervised fits and fits on a
sample, whose other rows need its ``transform``). Nothing of umap-learn is imported on this path;
a graph in several components starts from the data's principal axes instead of the spectral
start. The neighbours are exact where that is cheaper (:func:`exact_is_cheaper`); otherwise
NN-descent (pynndescent, umap-learn's own settings), its recall measured on random rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

# Exact neighbours (one float32 matrix product, embviz.reduce.knn) cost O(n^2); NN-descent less,
# but pynndescent keeps only part of its code in numba's disk cache, so its first call in every
# process compiles for about two minutes. benchmarks/umap_knn_crossover.py (load 7, same run):
# exact 5.4 / 23.6 / 44.7 / 149.9 s at 10k / 20k / 30k / 50k rows; NN-descent already compiled
# 4.8 / 10.0 / 14.9 / 33.9 s (recall@15 0.966-0.984); its first call in a process 118-148 s.
# So the switch is at 50k rows until NN-descent has run in this process, and at 10k once it has.
EXACT_KNN_MAX = 50_000
EXACT_KNN_MAX_COMPILED = 10_000
_approximate_compiled = False  # NN-descent has run in this process (so it is compiled)
RECALL_ROWS = 200
PARTIAL_SECONDS = 0.5  # a partial layout at most this often
CHUNK_EPOCHS = 10

Status = Callable[[str], None]
Partial = Callable[[np.ndarray, float], None]


def exact_is_cheaper(n: int) -> bool:
    """Whether exact neighbours of ``n`` rows cost less than NN-descent in this process."""
    return n <= (EXACT_KNN_MAX_COMPILED if _approximate_compiled else EXACT_KNN_MAX)


def approximate_compiled() -> None:
    """Note that NN-descent has run (and so is compiled) in this process."""
    global _approximate_compiled
    _approximate_compiled = True


def neighbours(
    x: np.ndarray, k: int, metric: str, seed: int, status: Status
) -> tuple[np.ndarray, np.ndarray, str]:
    """(indices, distances, note): exact up to EXACT_KNN_MAX rows, NN-descent above."""
    from embviz.reduce.knn import exact_knn

    n = len(x)
    if exact_is_cheaper(n):
        status(f"UMAP: exact nearest neighbours of {n:,} rows")
        indices, distances = exact_knn(x, k, metric)
        return indices, distances, "exact neighbours"
    status(f"UMAP: approximate nearest neighbours of {n:,} rows (NN-descent)")
    return approximate_neighbours(x, k, metric, seed)


def approximate_neighbours(
    x: np.ndarray, k: int, metric: str, seed: int
) -> tuple[np.ndarray, np.ndarray, str]:
    """NN-descent with umap-learn's settings; the note gives its recall on random rows."""
    from pynndescent import NNDescent

    from embviz.reduce.knn import knn_of_rows, recall

    n = len(x)

    index = NNDescent(
        x,
        n_neighbors=k,
        metric=metric,
        random_state=seed,
        n_trees=min(64, 5 + int(round(n**0.5 / 20.0))),
        n_iters=max(5, int(round(np.log2(n)))),
        max_candidates=60,
        low_memory=True,
        compressed=True,
    )
    indices, distances = index.neighbor_graph
    approximate_compiled()
    rows = np.random.default_rng(seed).choice(n, min(RECALL_ROWS, n), replace=False)
    share = recall(np.asarray(indices)[rows], knn_of_rows(x, rows, k, metric))
    note = (
        f"approximate neighbours (NN-descent): recall@{k} {share:.3f}, "
        f"measured on {len(rows)} random rows"
    )
    return np.asarray(indices), np.asarray(distances, dtype=np.float32), note


def principal_start(x: np.ndarray, dims: int, metric: str, chunk: int = 65_536) -> np.ndarray:
    """The rows on the data's first ``dims`` principal axes (unit rows for cosine), a chunk at a
    time: no copy of the matrix is held."""
    from embviz.reduce.knn import unit_rows

    def rows(start: int) -> np.ndarray:
        part = x[start : start + chunk]
        return unit_rows(part) if metric == "cosine" else np.asarray(part, dtype=np.float32)

    n, d = x.shape
    total, mean = np.zeros((d, d)), np.zeros(d)
    for start in range(0, n, chunk):
        part = rows(start).astype(np.float64)
        total += part.T @ part
        mean += part.sum(axis=0)
    mean /= n
    _, vectors = np.linalg.eigh(total / n - np.outer(mean, mean))
    axes = vectors[:, ::-1][:, :dims]
    axes *= np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(dims)])  # a fixed sign
    out = np.empty((n, dims))
    for start in range(0, n, chunk):
        out[start : start + chunk] = (rows(start) - mean) @ axes
    return out


def start_layout(x: np.ndarray, graph: Any, dims: int, seed: int, metric: str) -> np.ndarray:
    """The spectral start; for a graph in several components, the data's first principal axes
    (umap-learn's component layout fell back to a random start on the 100k benchmark rows, 11
    components: trustworthiness of the start 0.505, of the final layout 0.587)."""
    from embviz.reduce.umap_graph import scaled_start, spectral_start

    start = spectral_start(graph, dims, seed)
    if start is None:
        start = principal_start(x, dims, metric)
        if not np.abs(start).max() > 0:  # every row alike: no axis to spread them along
            start = np.random.RandomState(seed).uniform(-10.0, 10.0, size=(len(x), dims))
    return scaled_start(np.asarray(start), seed)


def fit(
    x: np.ndarray,
    kwargs: dict[str, Any],
    status: Status,
    partial: Partial | None = None,
) -> tuple[np.ndarray, str]:
    """UMAP layout of every row of ``x`` with umap-learn's keyword arguments (n_components,
    n_neighbors, min_dist, metric, random_state; n_epochs optional). Returns (coords, note)."""
    from embviz.reduce.umap_graph import default_epochs, find_ab_params, fuzzy_graph, prune
    from embviz.reduce.umap_sgd import Optimiser

    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x)
    dims = int(kwargs.get("n_components", 2))
    k = min(int(kwargs.get("n_neighbors", 15)), n - 1)
    metric = str(kwargs.get("metric", "euclidean"))
    seed = kwargs.get("random_state")
    seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
    n_epochs = int(kwargs.get("n_epochs") or default_epochs(n))
    indices, distances, note = neighbours(x, k, metric, seed, status)
    status("UMAP: building the fuzzy neighbour graph and its spectral start")
    graph = prune(fuzzy_graph(indices, distances), n_epochs)
    start = start_layout(x, graph, dims, seed, metric)
    a, b = find_ab_params(1.0, float(kwargs.get("min_dist", 0.1)))
    optimiser = Optimiser(graph, start, n_epochs, a, b, seed)
    status(f"UMAP: optimising the layout ({n_epochs} epochs)")
    last = time.perf_counter()
    while optimiser.epoch < n_epochs:
        optimiser.run(optimiser.epoch + CHUNK_EPOCHS)
        if partial is not None and time.perf_counter() - last >= PARTIAL_SECONDS:
            partial(optimiser.layout, optimiser.epoch / n_epochs)
            last = time.perf_counter()
    return optimiser.layout.copy(), note
