"""Measures of how two paired spaces differ (numbers only; no sets, no labels).

- :func:`knn_rows`: exact cosine neighbours among the rows of one matrix, each row left out,
  blockwise (``embviz.core.neighbors.top_k`` on blocks of the similarity matrix).
- :func:`neighbor_overlap`: for paired rows (row i of X goes with row i of Y), the share of the
  k nearest neighbours of i that the two spaces have in common, each found in its own space among
  the paired rows. It needs no alignment.
- :func:`cosine_distance`: 1 - cos between matched rows.
- :func:`linear_cka`: Kornblith et al. 2019, eq. for linear CKA on centred features:
  ``||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F)``.
- :func:`residual`: ``||X W - Y||_F`` (the quantity orthogonal Procrustes minimises).
"""

from __future__ import annotations

import numpy as np

from embviz.core.csls import BLOCK_VALUES, unit_rows
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import top_k
from embviz.core.tasks import Progress, Task, run_task


def knn_rows_task(vectors: np.ndarray, k: int, what: str = "neighbours") -> Task[np.ndarray]:
    """N x k rows of each row's k nearest other rows by cosine, nearest first (a task: it yields
    Progress between blocks, about every :data:`BLOCK_VALUES` similarities)."""
    u = unit_rows(vectors)
    n = len(u)
    if not 1 <= k < n:
        raise EmbvizError(f"Neighbour overlap: k must be between 1 and {n - 1} here, got {k}.")
    out = np.empty((n, k), dtype=np.int64)
    step = max(1, BLOCK_VALUES // n)
    for start in range(0, n, step):
        stop = min(start + step, n)
        sims = u[start:stop] @ u.T
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        out[start:stop] = top_k(sims, k)
        yield Progress(stop / n, f"{what}: {stop:,} of {n:,} rows")
    return out


def knn_rows(vectors: np.ndarray, k: int) -> np.ndarray:
    return run_task(knn_rows_task(vectors, k))


def overlap_of(nx: np.ndarray, ny: np.ndarray) -> np.ndarray:
    """Per row: the share of the row's neighbours in ``nx`` that are also in ``ny``."""
    n, k = nx.shape
    # mark X's neighbours in a boolean row per block, then count Y's neighbours that are marked
    out = np.empty(n, dtype=np.float64)
    step = max(1, BLOCK_VALUES // max(n, 1))
    for start in range(0, n, step):
        stop = min(start + step, n)
        marks = np.zeros((stop - start, n), dtype=bool)
        np.put_along_axis(marks, nx[start:stop], True, axis=1)
        hits = np.take_along_axis(marks, ny[start:stop], axis=1).sum(axis=1)
        out[start:stop] = hits / k
    return out


def neighbor_overlap(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Per paired row: |kNN_X(i) ∩ kNN_Y(i)| / k (cosine, self left out)."""
    if len(x) != len(y):
        raise ValueError("x and y must hold the same number of paired rows")
    return overlap_of(knn_rows(x, k), knn_rows(y, k))


def cosine_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 - cos(x_i, y_i) for matched rows (float64), clipped to [0, 2] (rounding)."""
    ux = unit_rows(x).astype(np.float64)
    uy = unit_rows(y).astype(np.float64)
    out: np.ndarray = np.clip(1.0 - np.einsum("ij,ij->i", ux, uy), 0.0, 2.0)
    return out


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA of two representations of the same n examples (rows), features centred."""
    xc = np.asarray(x, dtype=np.float64)
    yc = np.asarray(y, dtype=np.float64)
    xc = xc - xc.mean(axis=0)
    yc = yc - yc.mean(axis=0)
    cross = float(np.linalg.norm(yc.T @ xc, "fro") ** 2)
    norm = float(np.linalg.norm(xc.T @ xc, "fro") * np.linalg.norm(yc.T @ yc, "fro"))
    return cross / norm if norm > 0 else float("nan")


def residual(mapped: np.ndarray, target: np.ndarray) -> float:
    """Frobenius norm of the difference of two matrices of matched rows."""
    diff = np.asarray(mapped, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.linalg.norm(diff, "fro"))
