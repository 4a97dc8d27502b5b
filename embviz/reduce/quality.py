"""How well a projection keeps neighbourhoods: trustworthiness, kNN recall@k and a per-point
"neighbourhood kept" score.

Trustworthiness is scikit-learn's (``sklearn.manifold.trustworthiness``, Venna & Kaski): for each
point, the k nearest neighbours in the projection that are not among its k nearest in the original
space are penalised by how far down the original ranking they are. Here it is computed in chunks
(sklearn builds the full N x N rank matrix), and for large sets on a random sample of query points
measured against all N points, which is an unbiased estimate of the full value (said in the result).
kNN recall@k is the share of each point's k original neighbours that stay among its k neighbours in
the projection; per point, that is the "neighbourhood kept" score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from embviz.core.tasks import Progress, Task

QUALITY_FULL_MAX = 12_000  # above this many rows, quality is estimated on a sample of queries
QUALITY_SAMPLE = 5_000
# Above this many rows even the sampled queries' ranks against every row cost too much (each
# query compares k distances with all N): the estimate is then the exact quality of the
# projection restricted to a random subset of QUALITY_SAMPLE rows, and says so.
QUALITY_SUBSET_MIN = 100_000
CHUNK_CELLS = 20_000_000  # bound on chunk x k x N comparisons held at once (~20 MB of bools)


@dataclass
class Quality:
    trustworthiness: float
    knn_recall: float
    k: int
    queries: int  # points whose neighbourhoods were checked (all rows unless sampled)
    rows: int
    metric: str
    kept: np.ndarray = field(repr=False)  # per row: share of its k neighbours kept (NaN: unchecked)
    subset: bool = False  # True: computed within a random subset of rows (very large sets)
    left_out: int = 0  # rows not in the projection (NaN coordinates: non-finite vectors)

    @property
    def sampled(self) -> bool:
        return self.queries < self.rows

    def summary(self) -> str:
        text = f"trustworthiness {self.trustworthiness:.3f} · kNN recall@{self.k} {self.knn_recall:.3f}"
        if self.subset:
            text += f" (within a random subset of {self.queries:,} of {self.rows:,} points)"
        elif self.sampled:
            text += f" (estimated on {self.queries:,} random points of {self.rows:,})"
        if self.left_out:
            text += f" ({self.left_out:,} rows left out of the map are not counted)"
        return text


def _prepare(x: np.ndarray, metric: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if metric == "cosine":  # cosine ranks equal euclidean ranks of unit vectors
        x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    elif metric != "euclidean":
        raise ValueError(f"metric must be 'euclidean' or 'cosine', not {metric!r}")
    return x


def quality_task(
    vectors: np.ndarray,
    coords: np.ndarray,
    k: int = 10,
    metric: str = "euclidean",
    max_full: int = QUALITY_FULL_MAX,
    sample: int = QUALITY_SAMPLE,
    seed: int = 0,
) -> Task[Quality]:
    """Quality of ``coords`` as a projection of ``vectors`` (a task: yields progress).

    Rows left out of the projection (NaN coordinates, or non-finite vectors) are not counted;
    their ``kept`` score is NaN and ``left_out`` says how many there were."""
    coords = np.asarray(coords)
    placed = np.isfinite(coords).all(axis=1)
    if placed.all():
        return (yield from _quality_task(vectors, coords, k, metric, max_full, sample, seed))
    rows = np.flatnonzero(placed)
    found = yield from _quality_task(
        np.asarray(vectors)[rows], coords[rows], k, metric, max_full, sample, seed
    )
    kept = np.full(len(coords), np.nan)
    kept[rows] = found.kept
    found.kept, found.left_out = kept, len(coords) - len(rows)
    return found


def _quality_task(
    vectors: np.ndarray,
    coords: np.ndarray,
    k: int,
    metric: str,
    max_full: int,
    sample: int,
    seed: int,
) -> Task[Quality]:
    from scipy.spatial import cKDTree

    single = np.asarray(vectors).dtype == np.float32
    total = len(vectors)
    subset = None
    if total >= QUALITY_SUBSET_MIN:
        subset = np.sort(np.random.default_rng(seed).choice(total, size=sample, replace=False))
        vectors, coords = np.asarray(vectors)[subset], np.asarray(coords)[subset]
    x = _prepare(vectors, metric)
    y = np.asarray(coords, dtype=np.float64)
    n = len(x)
    if n < 2 * k + 2:
        raise ValueError(f"quality needs more than {2 * k + 1} rows for k={k}; got {n}")
    if subset is not None:
        queries = np.arange(n)
    elif n > max_full:
        queries = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    else:
        queries = np.arange(n)
    # neighbours in the projection (self excluded; the query itself is its own nearest)
    _, y_nbrs = cKDTree(y).query(y[queries], k=k + 1)
    y_nbrs = _drop_self(y_nbrs, queries)
    x_sq = np.einsum("ij,ij->i", x, x)
    penalty = 0.0
    kept = np.full(n, np.nan)
    chunk = max(1, min(256, CHUNK_CELLS // (k * n)))
    for start in range(0, len(queries), chunk):
        rows = queries[start : start + chunk]
        d = x_sq[rows, None] + x_sq[None, :] - 2.0 * (x[rows] @ x.T)
        if single:  # rank ties as sklearn sees them: its distances of float32 data are float32
            d = np.sqrt(np.maximum(d, 0)).astype(np.float32)
        d[np.arange(len(rows)), rows] = np.inf
        nb = y_nbrs[start : start + chunk]
        d_nb = np.take_along_axis(d, nb, axis=1)
        # rank (1-based) in the original space of each projected neighbour
        ranks = (d[:, None, :] < d_nb[:, :, None]).sum(axis=2) + 1
        penalty += float(np.maximum(ranks - k, 0).sum())
        kept[rows] = (ranks <= k).mean(axis=1)
        yield Progress(
            min(1.0, (start + chunk) / len(queries)), "quality: comparing neighbourhoods"
        )
    scale = n / len(queries)  # the sampled sum estimates the full one
    t = 1.0 - penalty * scale * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)))
    recall = float(np.nanmean(kept[queries]))
    if subset is not None:
        kept_all = np.full(total, np.nan)
        kept_all[subset] = kept
        return Quality(t, recall, k, n, total, metric, kept_all, subset=True)
    return Quality(t, recall, k, len(queries), n, metric, kept)


def _drop_self(nbrs: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """k+1 neighbours -> k, without the query itself (or the last one if it was not listed)."""
    out = np.empty((len(nbrs), nbrs.shape[1] - 1), dtype=np.int64)
    for i, (row, q) in enumerate(zip(nbrs, queries, strict=True)):
        where = np.flatnonzero(row == q)
        out[i] = np.delete(row, where[0] if len(where) else len(row) - 1)
    return out


def trustworthiness(
    vectors: np.ndarray, coords: np.ndarray, k: int = 10, metric: str = "euclidean"
) -> float:
    """Trustworthiness over every row, as ``sklearn.manifold.trustworthiness`` defines it."""
    from embviz.core.tasks import run_task

    task = quality_task(vectors, coords, k, metric, max_full=len(vectors) + 1)
    return run_task(task).trustworthiness
