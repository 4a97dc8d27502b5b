"""One word's occurrences at every layer, measured: the result the CLI prints and the lab draws.

The vectors come in from an adapter (``embviz.models.polysemy_run``); everything here is numpy.
Clusters are computed at every layer even when sense labels exist, so that the agreement between
the two (adjusted Rand index) says whether the senses separate at that layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embviz.core.polysemy import measures as m
from embviz.core.polysemy.inputs import SentenceLine

MEASURES = ("self_similarity", "intra_sentence_similarity", "mev")
MEASURE_TITLES = {
    "self_similarity": "self-similarity",
    "intra_sentence_similarity": "intra-sentence similarity",
    "mev": "max. explainable variance",
    "baseline": "anisotropy baseline",
}


@dataclass
class Occurrence:
    """``sentence[start:end]`` is the word; ``pieces`` are the sub-word tokens pooled for it."""

    sentence: str
    start: int
    end: int
    sense: str | None = None
    line: int = 0
    pieces: list[str] = field(default_factory=list)

    def marked(
        self, before: str = "[", after: str = "]", escape: Callable[[str], str] = str
    ) -> str:
        s = self.sentence
        word = escape(s[self.start : self.end])
        return escape(s[: self.start]) + before + word + after + escape(s[self.end :])


@dataclass
class LayerMeasures:
    layer: int
    self_similarity: float
    intra_sentence_similarity: float
    mev: float
    baseline: float
    within_sense: float | None
    across_sense: float | None
    clusters: np.ndarray
    k: int
    silhouette: float
    agreement: float | None  # adjusted Rand index of clusters vs senses (None without senses)

    def adjusted(self, name: str) -> float:
        return float(getattr(self, name)) - self.baseline

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"layer": self.layer}
        for name in (*MEASURES, "baseline"):
            out[name] = _number(getattr(self, name))
        for name in MEASURES:
            out[f"{name}_minus_baseline"] = _number(self.adjusted(name))
        out["within_sense"] = _number(self.within_sense)
        out["across_sense"] = _number(self.across_sense)
        out["clusters"] = self.k
        out["silhouette"] = _number(self.silhouette)
        out["sense_cluster_agreement"] = _number(self.agreement)
        return out


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 6)


@dataclass
class PolysemyResult:
    word: str
    model: str
    pooling: str
    occurrences: list[Occurrence]
    layers: list[int]
    vectors: np.ndarray  # (n_occurrences, n_layers, dims)
    measures: list[LayerMeasures]
    without_word: list[SentenceLine] = field(default_factory=list)
    other_words: int = 0
    warnings: list[str] = field(default_factory=list)
    static: dict[int, Any] = field(default_factory=dict)  # layer -> StaticView

    @property
    def senses(self) -> list[str]:
        return [o.sense or "" for o in self.occurrences]

    @property
    def has_senses(self) -> bool:
        return any(self.senses)

    def column(self, layer: int) -> int:
        if layer not in self.layers:
            raise ValueError(f"layer {layer} was not computed; layers: {self.layers}")
        return self.layers.index(layer)

    def at(self, layer: int) -> np.ndarray:
        return self.vectors[:, self.column(layer)]

    def layer_measures(self, layer: int) -> LayerMeasures:
        return self.measures[self.column(layer)]

    def groups(self, layer: int) -> list[str]:
        """What colours the map: the sense labels, or automatic clusters where there are none."""
        if self.has_senses:
            return [s or "(no label)" for s in self.senses]
        return [f"cluster {c + 1}" for c in self.layer_measures(layer).clusters]

    def similarity(self, layer: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(cosine matrix ordered by group, the order, the group of each ordered row)."""
        groups = self.groups(layer)
        order = m.group_order(groups)
        matrix = m.cosine_matrix(self.at(layer))[np.ix_(order, order)]
        return matrix, order, [groups[i] for i in order]

    def to_json(self, layers: Sequence[int] | None = None) -> dict[str, Any]:
        chosen = list(self.layers if layers is None else layers)
        clusters = self.layer_measures(chosen[-1]).clusters
        return {
            "word": self.word,
            "model": self.model,
            "pooling": self.pooling,
            "occurrences": [
                {
                    "sentence": o.sentence,
                    "start": o.start,
                    "end": o.end,
                    "sense": o.sense,
                    "cluster": int(c),
                }
                for o, c in zip(self.occurrences, clusters, strict=True)
            ],
            "cluster_layer": chosen[-1],
            "layers": [self.layer_measures(layer).as_dict() for layer in chosen],
            "sentences_without_word": [
                {"line": s.line, "sentence": s.text} for s in self.without_word
            ],
            "warnings": list(self.warnings),
        }


def analyse(
    word: str,
    occurrences: list[Occurrence],
    occurrence_vectors: np.ndarray,
    word_vectors: np.ndarray,
    word_sentence: np.ndarray,
    word_texts: Sequence[str],
    layers: Sequence[int],
    *,
    model: str = "default",
    pooling: str = "mean",
    seed: int = 0,
) -> PolysemyResult:
    """Measures at every layer. ``word_vectors`` are every word of the same sentences (for the
    intra-sentence similarity and the baseline), ``word_sentence`` their sentence index."""
    from sklearn.metrics import adjusted_rand_score

    senses = [o.sense or "" for o in occurrences]
    has_senses = any(senses)
    pairs = m.baseline_pairs(word_texts, seed=seed)
    results = []
    for j, layer in enumerate(layers):
        occ, words = occurrence_vectors[:, j], word_vectors[:, j]
        clusters, k, silhouette = m.auto_clusters(occ)
        within, across = m.sense_similarity(occ, senses) if has_senses else (None, None)
        agreement = float(adjusted_rand_score(senses, clusters)) if has_senses else None
        results.append(
            LayerMeasures(
                layer=int(layer),
                self_similarity=m.self_similarity(occ),
                intra_sentence_similarity=m.intra_sentence_similarity(words, word_sentence),
                mev=m.mev(occ),
                baseline=m.baseline(words, pairs),
                within_sense=within,
                across_sense=across,
                clusters=clusters,
                k=k,
                silhouette=silhouette,
                agreement=agreement,
            )
        )
    return PolysemyResult(
        word, model, pooling, occurrences, list(layers), occurrence_vectors, results
    )
