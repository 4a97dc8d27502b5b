"""Anisotropy: how much of the space the vectors use (Ethayarajh 2019; Rudman et al. 2022).

- mean pairwise cosine over the N(N-1) ordered pairs of DISTINCT rows (the diagonal, each row with
  itself, is excluded), exactly and in O(N*D): with unit vectors u_i and s = sum u_i,
  sum_{i != j} u_i.u_j = |s|^2 - sum |u_i|^2. Near 0: directions spread out; near 1: a narrow cone.
- mean vector share: |mean of the vectors| / mean of |vector| (raw vectors): 0 when the vectors
  cancel out, 1 when they all point the same way. A large share means a common direction that
  every cosine carries.
- IsoScore (Rudman et al. 2022, Algorithm 1): the fraction of dimensions used uniformly, from the
  variances along the principal components; 0 = one dimension, 1 = perfectly isotropic.
- norms: their distribution, and their Spearman correlation with the row number (files written by
  word2vec, fastText and GloVe list words by frequency, so the row number is a frequency rank).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CHUNK = 1 << 15


def _chunks(matrix: np.ndarray) -> Any:
    for start in range(0, len(matrix), CHUNK):
        yield np.asarray(matrix[start : start + CHUNK], dtype=np.float64)


def mean_pairwise_cosine(unit: np.ndarray) -> float:
    """Mean cosine over pairs of distinct rows of unit-length ``unit`` rows, in O(N*D)."""
    n = len(unit)
    if n < 2:
        raise ValueError("the mean pairwise cosine needs at least two rows")
    total = np.zeros(unit.shape[1], dtype=np.float64)
    squares = 0.0
    for chunk in _chunks(unit):
        total += chunk.sum(axis=0)
        squares += float(np.einsum("ij,ij->", chunk, chunk))  # |u_i|^2: 1 up to rounding
    return (float(total @ total) - squares) / (n * (n - 1))


def mean_vector_share(vectors: np.ndarray) -> float:
    """|mean vector| / mean |vector| of the raw vectors (0: they cancel out; 1: all aligned)."""
    total = np.zeros(vectors.shape[1], dtype=np.float64)
    norm_sum = 0.0
    for chunk in _chunks(vectors):
        total += chunk.sum(axis=0)
        norm_sum += float(np.linalg.norm(chunk, axis=1).sum())
    if norm_sum == 0:
        return 0.0
    return float(np.linalg.norm(total / len(vectors)) / (norm_sum / len(vectors)))


def covariance(vectors: np.ndarray) -> np.ndarray:
    """Sample covariance (N - 1 in the denominator) of the rows, in float64, chunk by chunk."""
    n, d = vectors.shape
    mean = np.zeros(d, dtype=np.float64)
    for chunk in _chunks(vectors):
        mean += chunk.sum(axis=0)
    mean /= n
    scatter = np.zeros((d, d), dtype=np.float64)
    for chunk in _chunks(vectors):
        centred = chunk - mean
        scatter += centred.T @ centred
    out: np.ndarray = scatter / max(n - 1, 1)
    return out


def isoscore(vectors: np.ndarray) -> float:
    """IsoScore of the rows, Rudman et al. 2022, Algorithm 1, step by step."""
    n = vectors.shape[1]  # the dimension of the space ("n" in the paper)
    if n < 2:
        raise ValueError("IsoScore needs at least two dimensions")
    # 1-2: reorient along the principal components; their variances are the covariance's
    # eigenvalues (symmetric positive semi-definite: eigenvalues = singular values)
    variances = np.clip(np.linalg.eigvalsh(covariance(vectors)), 0.0, None)
    length = float(np.linalg.norm(variances))
    if length == 0:
        return 0.0  # every row the same point: no direction is used
    # 3: normalise the variance vector to the length of the all-ones vector, sqrt(n)
    normalised = variances * math.sqrt(n) / length
    # 4: isotropy defect, the distance to the all-ones vector scaled into [0, 1]
    defect = float(np.linalg.norm(normalised - 1.0)) / math.sqrt(2 * (n - math.sqrt(n)))
    # 5: the number of dimensions used uniformly, then 6: its fraction, rescaled to [0, 1]
    used = (n - defect**2 * (n - math.sqrt(n))) ** 2 / n
    return float((used - 1) / (n - 1))


@dataclass
class NormSummary:
    count: int
    mean: float
    std: float
    quantiles: dict[str, float]  # min, 5%, 25%, 50%, 75%, 95%, max
    histogram: tuple[list[int], list[float]]  # counts, bin edges
    rank_spearman: float  # Spearman correlation of norm with the row number (frequency rank)
    by_rank_decile: list[float] = field(default_factory=list)  # mean norm of each tenth of rows

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "std": self.std,
            "quantiles": self.quantiles,
            "histogram": {"counts": self.histogram[0], "edges": self.histogram[1]},
            "rank_spearman": self.rank_spearman,
            "mean_by_rank_decile": self.by_rank_decile,
        }


def norms(vectors: np.ndarray) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), CHUNK):
        out[start : start + CHUNK] = np.linalg.norm(
            np.asarray(vectors[start : start + CHUNK], dtype=np.float64), axis=1
        )
    return out


def norm_summary(
    lengths: np.ndarray, rows: np.ndarray | None = None, bins: int = 20
) -> NormSummary:
    """The distribution of ``lengths``; ``rows``: their row numbers (rank), default 0..N-1."""
    from scipy import stats

    rows = np.arange(len(lengths)) if rows is None else rows
    levels = {"min": 0, "5%": 5, "25%": 25, "50%": 50, "75%": 75, "95%": 95, "max": 100}
    values = np.percentile(lengths, list(levels.values()))
    counts, edges = np.histogram(lengths, bins=bins)
    if np.ptp(lengths) > 0 and len(lengths) > 2:
        rho = float(stats.spearmanr(rows, lengths).statistic)
    else:
        rho = float("nan")  # constant norms (unit vectors): no correlation to speak of
    deciles = [float(part.mean()) for part in np.array_split(lengths, 10) if len(part)]
    return NormSummary(
        len(lengths),
        float(lengths.mean()),
        float(lengths.std()),
        {name: float(v) for name, v in zip(levels, values, strict=True)},
        ([int(c) for c in counts], [float(e) for e in edges]),
        rho,
        deciles,
    )
