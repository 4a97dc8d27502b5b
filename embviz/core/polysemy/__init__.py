"""Polysemy lab core: sentences in, measures per layer out (no Qt, no torch).

``inputs`` parses and selects sentences, ``measures`` holds the Ethayarajh (2019) measures and the
clustering, ``analysis`` puts them together per layer, ``static`` compares with a static set.
"""

from __future__ import annotations

from embviz.core.polysemy.analysis import (
    MEASURE_TITLES,
    MEASURES,
    LayerMeasures,
    Occurrence,
    PolysemyResult,
    analyse,
)
from embviz.core.polysemy.inputs import (
    Selection,
    SentenceLine,
    find_in_corpus,
    parse_sentences,
    read_sentences,
    select,
    word_pattern,
)
from embviz.core.polysemy.measures import (
    auto_clusters,
    baseline,
    baseline_pairs,
    intra_sentence_similarity,
    mev,
    self_similarity,
    sense_similarity,
)
from embviz.core.polysemy.placement import (
    PolysemyMap,
    StaticMarker,
    map_task,
    pca_fit,
    pca_place,
    static_marker,
)
from embviz.core.polysemy.static import StaticView, static_view

__all__ = [
    "MEASURES",
    "MEASURE_TITLES",
    "LayerMeasures",
    "Occurrence",
    "PolysemyMap",
    "PolysemyResult",
    "SentenceLine",
    "Selection",
    "StaticMarker",
    "StaticView",
    "analyse",
    "auto_clusters",
    "baseline",
    "baseline_pairs",
    "find_in_corpus",
    "intra_sentence_similarity",
    "map_task",
    "mev",
    "parse_sentences",
    "pca_fit",
    "pca_place",
    "read_sentences",
    "select",
    "self_similarity",
    "sense_similarity",
    "static_marker",
    "static_view",
    "word_pattern",
]
