"""Hubness at k (Radovanović et al. 2010): how unevenly points appear in each other's k-nearest-
neighbour lists.

The k-occurrence N_k(x) of a point is the number of OTHER points that list it among their k
nearest neighbours (self excluded). Its mean is always k; its skewness (``scipy.stats.skew``, the
biased sample skewness, as scikit-hubness reports ``k_skewness``) says how much a few hubs take:
near 0 is even, above ~1 means neighbour lists are dominated by a few hubs. Hubs here are points
with N_k >= 2k (scikit-hubness's ``hub_size=2``); orphans (anti-hubs in scikit-hubness's sense)
are points with N_k = 0: no other point lists them, so they never show up as anyone's neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embviz.core.health.knn import KnnGraph

HUB_SIZE = 2.0  # a hub occurs at least HUB_SIZE * k times (scikit-hubness's default)


def k_occurrence(graph: KnnGraph) -> np.ndarray:
    """N_k of every row of the set (float; NaN for rows that were left out)."""
    counts = np.bincount(graph.rows.ravel(), minlength=graph.n_rows).astype(np.float64)
    out = np.full(graph.n_rows, np.nan)
    out[graph.usable] = counts[graph.usable]
    return out


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative ``values`` (0: all equal; 1: one takes everything)."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    n = len(v)
    if n == 0 or v.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * v).sum() / (n * v.sum()))


@dataclass
class Hubness:
    k: int
    skewness: float
    gini: float
    hubs: list[tuple[str, int]]  # the top hubs, most frequent first
    hub_count: int  # points with N_k >= HUB_SIZE * k
    hub_share: float  # share of all neighbour-list entries that point at those hubs
    orphans: list[str]  # points with N_k = 0 (listed up to a limit)
    orphan_count: int
    anti_hubs: list[tuple[str, int]]  # the least listed points that are not orphans
    distribution: dict[int, int]  # N_k value -> how many points have it
    method: str  # how the neighbours were found
    recall: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # hub reduction, when computed

    @property
    def orphan_rate(self) -> float:
        total = sum(self.distribution.values())
        return self.orphan_count / total if total else 0.0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "k": self.k,
            "skewness": self.skewness,
            "gini": self.gini,
            "hubs": [{"label": label, "k_occurrence": n} for label, n in self.hubs],
            "hub_count": self.hub_count,
            "hub_threshold": HUB_SIZE * self.k,
            "hub_share": self.hub_share,
            "orphan_count": self.orphan_count,
            "orphan_rate": self.orphan_rate,
            "orphans": self.orphans,
            "anti_hubs": [{"label": label, "k_occurrence": n} for label, n in self.anti_hubs],
            "distribution": {str(v): c for v, c in sorted(self.distribution.items())},
            "neighbours": self.method,
        }
        if self.recall is not None:
            out["recall"] = self.recall
        out.update(self.extra)
        return out

    def describe(self) -> str:
        """One line for the reader of the map."""
        if self.skewness >= 1.0:
            verdict = "neighbour lists are dominated by a few hubs"
        elif self.skewness >= 0.5:
            verdict = "some hubs appear in many neighbour lists"
        else:
            verdict = "neighbour lists are spread evenly"
        return f"k-occurrence skewness {self.skewness:.2f} at k={self.k}: {verdict}"


def hubness(
    graph: KnnGraph, labels: Sequence[str], top: int = 20, list_limit: int = 200
) -> tuple[Hubness, np.ndarray]:
    """Hubness figures of ``graph`` and the k-occurrence of every row of the set."""
    from scipy import stats

    occ = k_occurrence(graph)
    counts = occ[graph.usable]
    k = graph.k
    order = graph.usable[np.argsort(-counts, kind="stable")]
    hubs = [(labels[r], int(occ[r])) for r in order[:top]]
    is_hub = counts >= HUB_SIZE * k
    orphan_rows = graph.usable[counts == 0]
    rising = graph.usable[np.argsort(counts, kind="stable")]
    anti = [(labels[r], int(occ[r])) for r in rising if occ[r] > 0][:top]
    values, freq = np.unique(counts.astype(np.int64), return_counts=True)
    result = Hubness(
        k=k,
        skewness=float(stats.skew(counts)),
        gini=gini(counts),
        hubs=hubs,
        hub_count=int(is_hub.sum()),
        hub_share=float(counts[is_hub].sum() / counts.sum()) if counts.sum() else 0.0,
        orphans=[labels[r] for r in orphan_rows[:list_limit]],
        orphan_count=len(orphan_rows),
        anti_hubs=anti,
        distribution={int(v): int(c) for v, c in zip(values, freq, strict=True)},
        method=graph.describe(),
        recall=graph.recall,
    )
    return result, occ


def hub_markers(eset: Any, rows: np.ndarray | list[int]) -> list[str]:
    """'  · hub (k-occ 57)' for each of ``rows`` that the set's ``k_occurrence`` column (written by
    a health report) marks as a hub, else ''. The column's mean is k (every point lists k others),
    so no other record of k is needed. Rows < 0 (not on the map) get ''."""
    values = eset.metadata.get("k_occurrence")
    if values is None or not len(rows):
        return ["" for _ in rows]
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        threshold = HUB_SIZE * float(np.nanmean(values)) if np.isfinite(values).any() else np.inf
    out = []
    for row in rows:
        value = values[int(row)] if int(row) >= 0 else np.nan
        out.append(f"  · hub (k-occ {int(value)})" if value >= threshold else "")
    return out
