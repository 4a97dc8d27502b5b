"""Approximate neighbours for very large sets: a pynndescent index with its MEASURED recall.

Building takes minutes at millions of rows, so it is a task run in the background; until it is
ready, exact search answers. The candidates it finds are re-scored exactly, so the scores shown
are true scores; only which rows are found may differ from exact search, and ``recall`` (recall@10
against exact search on sampled rows) says how often.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import NeighborIndex, index_for, top_k
from embviz.core.tasks import Progress, Task

SUGGESTED_MIN_ROWS = 200_000  # below this exact search is fast enough
RECALL_K = 10


@dataclass
class ApproximateIndex:
    metric: str
    center: bool
    index: Any  # pynndescent.NNDescent
    recall: float  # recall@10 against exact search on sampled rows
    queries_measured: int
    build_seconds: float

    def serves(self, metric: str, center: bool) -> bool:
        return metric == self.metric and center == self.center

    def search_vector(
        self, exact: NeighborIndex, q: np.ndarray, k: int, exclude: Sequence[int] = ()
    ) -> tuple[np.ndarray, np.ndarray]:
        """Approximate candidates, scored exactly; best first."""
        m = exact.matrix(self.metric, self.center)
        if self.metric == "cosine":
            q = q / max(float(np.linalg.norm(q)), 1e-30)
        extra = len(set(exclude))
        found, _ = self.index.query(q[None, :].astype(np.float32), k=min(k + extra, len(m)))
        rows = np.array([r for r in found[0] if r >= 0 and r not in set(exclude)], dtype=np.int64)
        if self.metric == "cosine":
            scores = m[rows] @ q
            order = np.argsort(-scores, kind="stable")[:k]
        else:
            scores = np.sqrt(((m[rows].astype(np.float64) - q) ** 2).sum(axis=1))
            order = np.argsort(scores, kind="stable")[:k]
        return rows[order], scores[order].astype(np.float64)


def measure_recall(
    exact: NeighborIndex, approx: ApproximateIndex, queries: int = 200, seed: int = 0
) -> tuple[float, int]:
    """recall@10 of ``approx`` against exact search, querying with sampled rows of the set."""
    m = exact.matrix(approx.metric, approx.center)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(m), size=min(queries, len(m)), replace=False)
    q = np.asarray(m[rows], dtype=np.float32)
    if approx.metric == "cosine":
        scores = q @ m.T if len(m) <= 200_000 else _chunked_scores(q, m)
    else:
        scores = 2 * _chunked_scores(q, m) - exact.sq_norms(approx.center)[None, :]
    scores[np.arange(len(rows)), rows] = -np.inf
    truth = top_k(scores, RECALL_K)
    hits = 0
    for i, row in enumerate(rows):
        found, _ = approx.search_vector(exact, q[i], RECALL_K, exclude=[int(row)])
        hits += len(set(found.tolist()) & set(truth[i].tolist()))
    return hits / (len(rows) * RECALL_K), len(rows)


def _chunked_scores(q: np.ndarray, m: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    out = np.empty((len(q), len(m)), dtype=np.float32)
    for start in range(0, len(m), chunk):
        out[:, start : start + chunk] = q @ m[start : start + chunk].T
    return out


def build_task(
    eset: EmbeddingSet,
    metric: str = "cosine",
    center: bool = False,
    n_neighbors: int = 30,
    recall_queries: int = 200,
    seed: int = 0,
) -> Task[ApproximateIndex]:
    """Build a pynndescent index of ``eset`` for ``metric``, measure its recall, attach it."""
    if metric not in ("cosine", "euclidean"):
        raise EmbvizError(f"An approximate index serves cosine or euclidean, not {metric!r}.")
    yield Progress(None, f"Building an approximate index of {len(eset):,} rows")
    from pynndescent import NNDescent  # heavy: imported only here

    exact = index_for(eset)
    data = exact.matrix(metric, center)
    start = time.perf_counter()
    nnd = NNDescent(
        np.ascontiguousarray(data), metric="euclidean" if metric == "euclidean" else "cosine",
        n_neighbors=n_neighbors, random_state=seed, low_memory=True, n_jobs=-1,
    )  # fmt: skip
    yield Progress(0.8, "Preparing the index for queries")
    nnd.prepare()
    seconds = time.perf_counter() - start
    approx = ApproximateIndex(metric, center, nnd, float("nan"), 0, seconds)
    yield Progress(0.9, "Measuring recall against exact search")
    approx.recall, approx.queries_measured = measure_recall(exact, approx, recall_queries, seed)
    exact.approximate = approx
    return approx
