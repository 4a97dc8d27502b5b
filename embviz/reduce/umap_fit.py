"""embviz's own UMAP fit: neighbours, fuzzy graph, start layout, umap-learn's layout update.

Used for unsupervised fits of every row (umap-learn still serves supervised fits and fits on a
sample, whose other rows need its ``transform``). Nothing of umap-learn is imported on this path;
a graph in several components starts from the data's principal axes instead of the spectral
start (40,000 benchmark rows, one component: the final trustworthiness from either start was the
same within 0.003 with umap-learn's own optimiser). The neighbours are exact where that is cheaper
(:func:`exact_is_cheaper`); otherwise NN-descent (pynndescent, umap-learn's own settings), its
recall measured on random rows.

Memory (a multiple of the matrix, which counts): for cosine the rows are used as they are when
they are unit rows already, else one normalised copy is made; nothing else holds n x d floats,
and nothing holds n x n (see benchmarks/umap_large.py for the peak of each stage).
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
# Above this many rows the start is the principal axes, not the spectral one: ARPACK's restarts
# have no time bound that a million rows would be known to meet (umap_graph now needs only 16
# Lanczos vectors; this limit was set before that and not measured again), and at 40,000 rows the two starts ended within 0.003 in trustworthiness (0.871 from the
# principal axes, 0.874 spectral, umap-learn's optimiser on the same graph).
SPECTRAL_MAX_ROWS = 200_000
# NN-descent's candidate lists per row (umap-learn passes 60; pynndescent's own default is
# min(60, k) = 15): four n x max_candidates arrays of 4 bytes, 0.66x a 100,000 x 384 float32
# matrix at 60. benchmarks/umap_large.py --max-candidates 60,30 at 100,000 rows (one run): the
# neighbours stage's peak 3.19x the matrix at 60, 2.83x at 30; recall@15 0.993 both (200 rows;
# NN-descent alone, on 1,000 rows: 0.9952 both); trustworthiness 0.8546 and 0.8565.
NN_MAX_CANDIDATES = 30
# Neighbour-list entries that share fewer rows than this with their row are left out of the graph
# (umap_graph.drop_unshared; 0 keeps umap-learn's graph). benchmarks/umap_trust.py, 10,000 rows,
# ten seeds: see the README's Measured table and drop_unshared's note.
DROP_MIN_SHARED = 2
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
    """(indices, distances, note): exact where that is cheaper, NN-descent otherwise."""
    from embviz.reduce.knn import exact_knn

    n = len(x)
    if exact_is_cheaper(n):
        status(f"UMAP: exact nearest neighbours of {n:,} rows")
        indices, distances = exact_knn(x, k, metric)
        return indices, distances, "exact neighbours"
    status(f"UMAP: approximate nearest neighbours of {n:,} rows (NN-descent)")
    return approximate_neighbours(x, k, metric, seed, status)


def _quiet(_: str) -> None:
    pass


def approximate_neighbours(
    x: np.ndarray, k: int, metric: str, seed: int, status: Status = _quiet
) -> tuple[np.ndarray, np.ndarray, str]:
    """NN-descent with umap-learn's settings; the note gives its recall on random rows.

    For cosine, NN-descent searches unit rows (``x`` itself when its rows are unit already, see
    :func:`unit_matrix`) by euclidean distance, whose order is the cosine order, and the
    distances are turned into 1 - cos = d^2 / 2: given "cosine", pynndescent would normalise a
    copy of its own (one more matrix at the peak)."""
    from pynndescent import NNDescent

    from embviz.reduce.knn import knn_of_rows, recall

    n = len(x)
    if metric == "cosine":
        x = unit_matrix(x)
    index = NNDescent(
        x,
        n_neighbors=k,
        metric="euclidean",
        random_state=seed,
        n_trees=min(64, 5 + int(round(n**0.5 / 20.0))),
        n_iters=max(5, int(round(np.log2(n)))),
        max_candidates=NN_MAX_CANDIDATES,
        low_memory=True,
        compressed=True,
    )
    found, found_distances = index.neighbor_graph
    del index  # its forest and heaps are no longer needed
    approximate_compiled()
    indices = np.asarray(found)
    distances = np.asarray(found_distances, dtype=np.float32)
    if metric == "cosine":
        distances = (np.square(distances) / np.float32(2.0)).astype(np.float32, copy=False)
    release_memory()
    rows = np.random.default_rng(seed).choice(n, min(RECALL_ROWS, n), replace=False)
    status(f"UMAP: measuring the neighbours' recall on {len(rows)} random rows")
    share = recall(indices[rows], knn_of_rows(x, rows, k, metric))
    note = (
        f"approximate neighbours (NN-descent): recall@{k} {share:.3f}, "
        f"measured on {len(rows)} random rows"
    )
    return indices, distances, note


def unit_matrix(x: np.ndarray, chunk: int = 8_192) -> np.ndarray:
    """``x`` itself when its rows are unit already (as sentence embeddings usually are), else a
    copy with unit rows, made a chunk at a time: never more than one copy of the matrix."""
    from embviz.reduce.knn import unit_rows

    n = len(x)
    unit = all(
        np.allclose(np.einsum("ij,ij->i", x[s : s + chunk], x[s : s + chunk]), 1.0, atol=1e-5)
        for s in range(0, n, chunk)
    )
    if unit:
        return x
    out = np.empty(x.shape, dtype=np.float32)
    for start in range(0, n, chunk):
        out[start : start + chunk] = unit_rows(x[start : start + chunk])
    return out


def release_memory() -> None:
    """Hand the heap memory that a stage freed back to the system. glibc keeps freed blocks below
    its mmap threshold (which grows to 32 MB as large arrays are freed) for reuse, so without this
    the next stage's peak carried the last one's temporaries (Linux only; elsewhere nothing)."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def principal_start(x: np.ndarray, dims: int, metric: str, chunk: int = 8_192) -> np.ndarray:
    """The rows on the data's first ``dims`` principal axes (unit rows for cosine), a chunk at a
    time: no copy of the matrix is held (chunks of 65,536 rows, in float64, held 2x a
    100,000-row matrix at the peak)."""
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
    """The spectral start up to ``SPECTRAL_MAX_ROWS`` rows; above, or for a graph in several
    components, the data's first principal axes (umap-learn's component layout fell back to a
    random start on the 100k benchmark rows, 11 components: trustworthiness of the start 0.505,
    of the final layout 0.587)."""
    from embviz.reduce.umap_graph import scaled_start, spectral_start

    start = spectral_start(graph, dims, seed) if len(x) <= SPECTRAL_MAX_ROWS else None
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
    from embviz.reduce.umap_graph import (
        default_epochs,
        drop_unshared,
        find_ab_params,
        fuzzy_graph,
        prune,
    )
    from embviz.reduce.umap_sgd import Optimiser
    from embviz.reduce.umap_sgd_staged import STAGED_MAX_ROWS

    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x)
    dims = int(kwargs.get("n_components", 2))
    k = min(int(kwargs.get("n_neighbors", 15)), n - 1)
    metric = str(kwargs.get("metric", "euclidean"))
    seed = kwargs.get("random_state")
    parallel = seed is None  # no seed: every core, not reproducible (as umap-learn does)
    seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
    n_epochs = int(kwargs.get("n_epochs") or default_epochs(n))
    if metric == "cosine":
        x = unit_matrix(x)
    indices, distances, note = neighbours(x, k, metric, seed, status)
    release_memory()
    status("UMAP: building the fuzzy neighbour graph")
    if DROP_MIN_SHARED:
        indices = drop_unshared(indices, DROP_MIN_SHARED)
    graph = prune(fuzzy_graph(indices, distances), n_epochs)
    del indices, distances
    release_memory()
    status("UMAP: the start layout")
    start = start_layout(x, graph, dims, seed, metric)
    a, b = find_ab_params(1.0, float(kwargs.get("min_dist", 0.1)))
    staged = not parallel and n <= STAGED_MAX_ROWS  # small seeded sets: every core, reproducible
    optimiser = Optimiser(graph, start, n_epochs, a, b, seed, parallel, staged)
    del graph, start  # the optimiser holds what it needs
    release_memory()
    status(f"UMAP: optimising the layout ({n_epochs} epochs)")
    last = time.perf_counter()
    while optimiser.epoch < n_epochs:
        optimiser.run(optimiser.epoch + CHUNK_EPOCHS)
        if partial is not None and time.perf_counter() - last >= PARTIAL_SECONDS:
            partial(optimiser.layout, optimiser.epoch / n_epochs)
            last = time.perf_counter()
    return optimiser.layout.copy(), note
