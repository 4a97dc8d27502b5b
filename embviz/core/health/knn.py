"""Every point's k nearest neighbours by cosine, without the point itself: the graph that
hubness, local dimension, near-duplicates and outliers are read from.

Exact (default up to :data:`EXACT_MAX` rows): unit vectors times unit vectors, a block of rows at
a time, ``top_k`` per row (embviz.core.neighbors), self and unusable rows (NaN, inf, zero length)
left out. The similarities of the neighbours found are then recomputed in float64, so distances
derived from them (TwoNN ratios, MLE) carry no float32 rounding.

Approximate (above it, or asked for): a pynndescent graph, whose recall@k against exact search is
MEASURED on sampled rows and reported with every figure read from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import top_k
from embviz.core.rows import finite_rows, zero_rows
from embviz.core.tasks import Progress, Task

EXACT_MAX = 60_000  # rows; above this an exact all-pairs pass takes minutes on a laptop
BLOCK_CELLS = 1 << 23  # similarities computed at once (32 MiB of float32)
RECALL_QUERIES = 500


@dataclass
class KnnGraph:
    """Neighbours of each usable row, best first (row numbers of the set)."""

    rows: np.ndarray  # U x k int64: neighbours of usable row u (set rows)
    sims: np.ndarray  # U x k float64 cosine similarity, recomputed exactly
    usable: np.ndarray  # U set rows that were analysed (finite, non-zero)
    n_rows: int  # rows of the set
    k: int
    method: str  # "exact" or "approximate"
    recall: float | None = None  # approximate: measured recall@k against exact search
    recall_queries: int = 0

    @property
    def chord(self) -> np.ndarray:
        """Euclidean distance between the unit vectors: sqrt(2 - 2 cos), a true metric."""
        out: np.ndarray = np.sqrt(np.maximum(2.0 - 2.0 * self.sims, 0.0))
        return out

    def describe(self) -> str:
        text = f"{self.k} nearest neighbours by cosine (self excluded), {self.method}"
        if self.recall is not None:
            text += f", recall@{self.k} {self.recall:.3f} on {self.recall_queries:,} sampled rows"
        left = self.n_rows - len(self.usable)
        if left:
            text += f"; {left:,} rows with NaN/inf values or zero length left out"
        return text


def usable_rows(eset: EmbeddingSet) -> np.ndarray:
    """Rows that have a direction: finite values and non-zero length."""
    return np.flatnonzero(finite_rows(eset) & ~zero_rows(eset))


def unit_matrix(eset: EmbeddingSet, usable: np.ndarray) -> np.ndarray:
    unit = eset.unit_vectors()
    if len(usable) == len(eset):
        return unit
    out: np.ndarray = np.ascontiguousarray(unit[usable])
    return out


def knn_task(
    eset: EmbeddingSet,
    k: int = 10,
    method: str = "auto",
    seed: int = 0,
    cancelled: Callable[[], bool] | None = None,
) -> Task[KnnGraph]:
    """The k-nearest-neighbour graph of ``eset`` (a task: yields progress)."""
    usable = usable_rows(eset)
    n = len(usable)
    if n < k + 2:
        raise EmbvizError(
            f"{eset.name}: {n} usable rows; hubness at k={k} needs at least {k + 2}. "
            "Choose a smaller k."
        )
    if method == "auto":
        method = "exact" if n <= EXACT_MAX else "approximate"
    if method not in ("exact", "approximate"):
        raise EmbvizError(f"kNN method must be exact, approximate or auto, not {method!r}.")
    unit = unit_matrix(eset, usable)
    if method == "exact":
        local = yield from _exact(unit, k)
        recall, queries = None, 0
    else:
        local = yield from _approximate(unit, k, seed)
        yield Progress(0.95, "Measuring the approximate graph's recall against exact search")
        recall, queries = measure_recall(unit, local, k, seed)
    sims = exact_sims(unit, local)
    order = np.argsort(-sims, axis=1, kind="stable")  # approximate lists may be out of order
    local = np.take_along_axis(local, order, axis=1)
    sims = np.take_along_axis(sims, order, axis=1)
    return KnnGraph(usable[local], sims, usable, len(eset), k, method, recall, queries)


def _exact(unit: np.ndarray, k: int) -> Task[np.ndarray]:
    n = len(unit)
    block = max(1, min(n, BLOCK_CELLS // n))
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, block):
        stop = min(n, start + block)
        scores = unit[start:stop] @ unit.T
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        out[start:stop] = top_k(scores, k)
        yield Progress(0.9 * stop / n, f"Nearest neighbours: {stop:,} of {n:,} rows")
    return out


def _approximate(unit: np.ndarray, k: int, seed: int) -> Task[np.ndarray]:
    yield Progress(None, f"Building an approximate neighbour graph of {len(unit):,} rows")
    from pynndescent import NNDescent  # heavy: imported only here

    nnd = NNDescent(
        unit, metric="cosine", n_neighbors=max(k + 1, 30), random_state=seed, low_memory=True
    )
    found, _ = nnd.neighbor_graph
    n = len(unit)
    found = np.asarray(found, dtype=np.int64)
    valid = (found >= 0) & (found != np.arange(n)[:, None])  # drop self and -1 holes
    order = np.argsort(~valid, axis=1, kind="stable")[:, :k]  # valid entries first, in order
    out = np.take_along_axis(found, order, axis=1)
    kept = np.take_along_axis(valid, order, axis=1)
    for i in np.flatnonzero(~kept.all(axis=1)):  # holes on tiny or degenerate sets: fill them
        row = out[i][kept[i]]
        extra = np.setdiff1d(np.arange(n), np.append(row, i))[: k - len(row)]
        out[i] = np.concatenate([row, extra])
    return out


def exact_sims(unit: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine of each row with its listed neighbours, in float64."""
    out = np.empty(rows.shape, dtype=np.float64)
    step = max(1, (1 << 20) // max(1, rows.shape[1] * unit.shape[1]))
    for start in range(0, len(rows), step):
        stop = min(len(rows), start + step)
        a = unit[start:stop].astype(np.float64)
        b = unit[rows[start:stop]].astype(np.float64)
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=2, keepdims=True)
        out[start:stop] = np.einsum("id,ijd->ij", a, b)
    return out


def measure_recall(
    unit: np.ndarray, found: np.ndarray, k: int, seed: int = 0, queries: int = RECALL_QUERIES
) -> tuple[float, int]:
    """recall@k of the graph ``found`` against exact search, on sampled rows."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(unit), size=min(queries, len(unit)), replace=False))
    hits = 0
    step = max(1, min(64, BLOCK_CELLS // len(unit)))
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        scores = unit[chunk] @ unit.T
        scores[np.arange(len(chunk)), chunk] = -np.inf
        truth = top_k(scores, k)
        for i, row in enumerate(chunk):
            hits += len(set(truth[i].tolist()) & set(found[row].tolist()))
    return hits / (len(rows) * k), len(rows)
