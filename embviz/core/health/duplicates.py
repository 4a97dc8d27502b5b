"""Duplicates, near-duplicates and outliers.

- exact duplicates: rows whose vectors are identical byte for byte (so 0.0 and -0.0 differ, and a
  scaled copy is not one), grouped;
- near-duplicates: pairs of distinct rows with cosine >= a threshold, found among each row's k
  nearest neighbours (exact when fewer than k rows pass the threshold for any row);
- outliers: points far from their k-th nearest neighbour (low local density). The score is the
  cosine distance 1 - cos to the k-th neighbour; outliers are scores above Tukey's upper fence
  Q3 + 1.5 IQR of all scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.health.knn import KnnGraph

NEAR_THRESHOLD = 0.99
CHUNK = 1 << 14


def exact_duplicates(vectors: np.ndarray) -> list[list[int]]:
    """Groups (two rows or more) of byte-identical rows, in row order."""
    groups: dict[bytes, list[int]] = {}
    for start in range(0, len(vectors), CHUNK):
        chunk = np.ascontiguousarray(vectors[start : start + CHUNK])
        for i, row in enumerate(chunk):
            groups.setdefault(row.tobytes(), []).append(start + i)
    return [rows for rows in groups.values() if len(rows) > 1]


def near_duplicates(
    graph: KnnGraph, threshold: float = NEAR_THRESHOLD
) -> list[tuple[int, int, float]]:
    """Pairs (i < j, cosine) of rows with cosine >= ``threshold``, best first."""
    pairs: dict[tuple[int, int], float] = {}
    hit_rows, hit_cols = np.nonzero(graph.sims >= threshold)
    for u, c in zip(hit_rows, hit_cols, strict=True):
        a, b = int(graph.usable[u]), int(graph.rows[u, c])
        pairs[(min(a, b), max(a, b))] = float(graph.sims[u, c])
    return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda t: (-t[2], t[0], t[1]))


def outlier_scores(graph: KnnGraph) -> np.ndarray:
    """1 - cos to the k-th neighbour for every row of the set (NaN for rows left out)."""
    out = np.full(graph.n_rows, np.nan)
    out[graph.usable] = 1.0 - graph.sims[:, -1]
    return out


def tukey_fence(scores: np.ndarray) -> float:
    finite = scores[np.isfinite(scores)]
    q1, q3 = np.percentile(finite, [25, 75])
    return float(q3 + 1.5 * (q3 - q1))


@dataclass
class Duplicates:
    exact_groups: list[list[str]]
    near_pairs: list[tuple[str, str, float]]
    threshold: float
    outliers: list[tuple[str, float]]  # most isolated first
    outlier_count: int
    outlier_fence: float
    k: int
    limit: int = 50

    def to_json(self) -> dict[str, Any]:
        return {
            "exact_duplicate_groups": len(self.exact_groups),
            "exact_duplicates": self.exact_groups[: self.limit],
            "near_duplicate_threshold": self.threshold,
            "near_duplicate_pairs": len(self.near_pairs),
            "near_duplicates": [
                {"a": a, "b": b, "cosine": s} for a, b, s in self.near_pairs[: self.limit]
            ],
            "outlier_score": f"cosine distance to the {self.k}th nearest neighbour",
            "outlier_fence": self.outlier_fence,
            "outlier_count": self.outlier_count,
            "outliers": [{"label": a, "score": s} for a, s in self.outliers[: self.limit]],
        }


def duplicates(
    vectors: np.ndarray,
    graph: KnnGraph,
    labels: Sequence[str],
    threshold: float = NEAR_THRESHOLD,
) -> tuple[Duplicates, np.ndarray]:
    """Duplicates and outliers, and the outlier score of every row."""
    groups = [[labels[r] for r in group] for group in exact_duplicates(vectors)]
    near = [(labels[a], labels[b], s) for a, b, s in near_duplicates(graph, threshold)]
    scores = outlier_scores(graph)
    fence = tukey_fence(scores)
    flagged = np.flatnonzero(scores > fence)
    flagged = flagged[np.argsort(-scores[flagged], kind="stable")]
    result = Duplicates(
        groups,
        near,
        threshold,
        [(labels[r], float(scores[r])) for r in flagged[:200]],
        len(flagged),
        fence,
        graph.k,
    )
    return result, scores
