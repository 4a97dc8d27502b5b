"""The health report of a set: every figure of embviz.core.health in one task, with per-point
scores as metadata columns (k_occurrence, local_dimension, outlier_score, norm).

At scale: up to :data:`~embviz.core.health.knn.EXACT_MAX` usable rows the neighbours are exact;
above, an approximate graph (pynndescent) whose recall is measured and reported, or, with
``sample``, the neighbour figures are computed on a random sample of rows (said in ``notes``).
Anisotropy, IsoScore and norms always use every usable row (they are O(N D) and O(N D^2)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.health import anisotropy as aniso
from embviz.core.health.dimension import LocalDimension, TwoNN, local_mle, summarise_local, twonn
from embviz.core.health.duplicates import NEAR_THRESHOLD, Duplicates, duplicates
from embviz.core.health.hub_reduction import hub_reduction_task
from embviz.core.health.hubness import Hubness, hubness
from embviz.core.health.knn import KnnGraph, knn_task, unit_matrix, usable_rows
from embviz.core.tasks import Progress, Task

COLUMNS = ("k_occurrence", "local_dimension", "outlier_score", "norm")


@dataclass
class HealthOptions:
    k: int = 10
    knn: str = "auto"  # "exact", "approximate" or "auto"
    sample: int | None = None  # neighbour figures on a random sample of this many rows
    near_threshold: float = NEAR_THRESHOLD
    hub_reduction: tuple[str, ...] = ()  # ("csls", "mp")
    analogies: str | Path | None = None  # questions-words.txt, for hub reduction's effect
    restrict_vocab: int = 30_000
    seed: int = 0


@dataclass
class HealthReport:
    name: str
    rows: int
    dims: int
    options: HealthOptions
    anisotropy: dict[str, float]
    norms: aniso.NormSummary
    hubness: Hubness
    twonn: TwoNN
    local: LocalDimension
    duplicates: Duplicates
    columns: dict[str, np.ndarray]  # per-point scores, one value per row of the set
    graph: KnnGraph
    hub_reduction: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "set": self.name,
            "rows": self.rows,
            "dims": self.dims,
            "anisotropy": self.anisotropy["mean_pairwise_cosine"],
            "mean_pairwise_cosine": self.anisotropy["mean_pairwise_cosine"],
            "mean_vector_share": self.anisotropy["mean_vector_share"],
            "isoscore": self.anisotropy["isoscore"],
            "norms": self.norms.to_json(),
            "hubness": self.hubness.to_json(),
            "intrinsic_dimension": {**self.twonn.to_json(), **self.local.to_json()},
            "duplicates": self.duplicates.to_json(),
            "neighbours": self.graph.describe(),
            "columns": list(self.columns),
            "definitions": {
                "mean_pairwise_cosine": "mean cosine over the N(N-1) ordered pairs of distinct "
                "rows (the diagonal excluded), exact, from the sum of the unit vectors",
                "mean_vector_share": "|mean of the vectors| / mean of |vector|, raw vectors",
                "isoscore": "Rudman et al. 2022, Algorithm 1",
                "twonn": "Facco et al. 2017 as skdim.id.TwoNN() (discard_fraction 0.1), "
                "euclidean distance between unit vectors",
                "local_dimension": "Levina-Bickel MLE on each point's k neighbours",
                "outlier_score": "cosine distance to the k-th nearest neighbour",
            },
            "notes": self.notes,
        }
        if self.hub_reduction is not None:
            out["hubness"]["reduction"] = self.hub_reduction
        return out

    def explanations(self) -> list[tuple[str, str, str]]:
        """(figure, value, what it means for the reader of the map), for the panel and CLI."""
        cos = self.anisotropy["mean_pairwise_cosine"]
        iso = self.anisotropy["isoscore"]
        cone = (
            "vectors fill a narrow cone: every cosine is high, compare them with each other only"
            if cos > 0.3 else "vectors point in many directions" if cos < 0.1
            else "vectors lean to one side: cosines are shifted up"
        )  # fmt: skip
        hub = self.hubness
        d = self.twonn.dimension
        dup = self.duplicates
        return [
            ("Mean pairwise cosine", f"{cos:.3f}", cone),
            ("Norms", *_norm_words(self)),
            ("Mean vector share", f"{self.anisotropy['mean_vector_share']:.3f}",
             "share of the vectors' length that is one common direction"),
            ("IsoScore", f"{iso:.3f}",
             f"the points use about {iso * 100:.0f}% of the {self.dims} dimensions evenly"),
            (f"Hubness (k={hub.k})", f"skew {hub.skewness:.2f}", hub.describe().split(": ", 1)[1]),
            ("Top hubs", ", ".join(f"{label} ({n})" for label, n in hub.hubs[:5]),
             f"{hub.hub_count:,} points are in at least {2 * hub.k} neighbour lists"),
            ("Orphans", f"{hub.orphan_count:,} ({hub.orphan_rate:.1%})",
             "points that are no other point's neighbour: they never appear in neighbour lists"),
            ("Intrinsic dimension", f"TwoNN {d:.1f}",
             f"the points vary in about {d:.0f} directions locally, out of {self.dims}"),
            ("Local dimension", f"median {self.local.median:.1f}",
             f"per point (MLE on {self.local.k} neighbours): colour the map by it"),
            ("Duplicates", f"{len(dup.exact_groups):,} exact, {len(dup.near_pairs):,} near",
             f"groups of identical vectors; pairs with cosine >= {dup.threshold}"),
            ("Outliers", f"{dup.outlier_count:,}",
             f"points far from their {dup.k}th neighbour (above Q3 + 1.5 IQR)"),
        ]  # fmt: skip


def _norm_words(report: HealthReport) -> tuple[str, str]:
    q = report.norms.quantiles
    if q["95%"] - q["5%"] <= 0.01 * max(q["50%"], 1e-12):  # e.g. unit vectors stored as float16
        return (
            f"all about {q['50%']:.3g}",
            "the vectors have (nearly) one length: only directions differ",
        )
    rho = report.norms.rank_spearman
    value = f"median {q['50%']:.3g} ({q['25%']:.3g}-{q['75%']:.3g})"
    if abs(rho) < 0.1:
        return value, f"Spearman {rho:+.2f} with the row number: length does not follow the rank"
    trend = "longer" if rho > 0 else "shorter"
    return value, (
        f"Spearman {rho:+.2f} with the row number: if rows are by frequency (word2vec, GloVe "
        f"files), rarer words have {trend} vectors"
    )


def _subset(eset: EmbeddingSet, rows: np.ndarray) -> EmbeddingSet:
    return EmbeddingSet(
        [eset.labels[r] for r in rows], np.asarray(eset.vectors[rows]), name=eset.name
    )


def health_task(eset: EmbeddingSet, options: HealthOptions | None = None) -> Task[HealthReport]:
    """Every health figure of ``eset`` (a task: yields progress; the GUI can cancel it)."""
    opt = options or HealthOptions()
    notes: list[str] = []
    usable = usable_rows(eset)
    if len(usable) < len(eset):
        notes.append(f"{len(eset) - len(usable):,} rows with NaN/inf values or zero length are "
                     "left out of every figure")  # fmt: skip
    yield Progress(0.0, "Anisotropy and norms")
    unit = unit_matrix(eset, usable)
    raw = eset.vectors if len(usable) == len(eset) else np.asarray(eset.vectors[usable])
    lengths = aniso.norms(raw)
    figures = {
        "mean_pairwise_cosine": aniso.mean_pairwise_cosine(unit),
        "mean_vector_share": aniso.mean_vector_share(raw),
        "isoscore": aniso.isoscore(raw),
    }
    norm_column = np.full(len(eset), np.nan)
    norm_column[usable] = lengths
    norm_info = aniso.norm_summary(lengths, usable)

    target, offset = eset, None
    if opt.sample is not None and opt.sample < len(usable):
        rng = np.random.default_rng(opt.seed)
        offset = np.sort(rng.choice(usable, size=opt.sample, replace=False))
        target = _subset(eset, offset)
        notes.append(f"hubness, dimension, duplicates and outliers are computed on a random sample "
                     f"of {opt.sample:,} of {len(usable):,} rows (seed {opt.seed})")  # fmt: skip
    graph = yield from knn_task(target, opt.k, opt.knn, opt.seed)
    if graph.recall is not None:
        notes.append(f"neighbours from an approximate graph: measured recall@{graph.k} "
                     f"{graph.recall:.3f} on {graph.recall_queries:,} sampled rows")  # fmt: skip
    yield Progress(0.9, "Hubness, dimension, duplicates")
    hub, occ = hubness(graph, target.labels)
    chord = graph.chord
    two = twonn(chord[:, 0], chord[:, 1])
    local = np.full(len(target), np.nan)
    if graph.k >= 3:
        local[graph.usable] = local_mle(chord)
    dup, outlier = duplicates(target.vectors, graph, target.labels, opt.near_threshold)
    reduction = None
    if opt.hub_reduction:
        if graph.method != "exact":
            notes.append("hub reduction needs exact neighbours: skipped (use --sample)")
        else:
            reduction = yield from hub_reduction_task(
                target, graph, opt.hub_reduction, opt.analogies, opt.restrict_vocab
            )
    columns = {"k_occurrence": occ, "local_dimension": local, "outlier_score": outlier}
    if offset is not None:
        columns = {name: _spread(values, offset, len(eset)) for name, values in columns.items()}
    columns["norm"] = norm_column
    return HealthReport(
        eset.name, len(eset), eset.dims, opt, figures, norm_info, hub, two,
        summarise_local(local[graph.usable], graph.k),
        dup, columns, graph, reduction, notes,
    )  # fmt: skip


def _spread(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    out[rows] = values
    return out
