"""What makes an EmbeddingSet a corpus of documents (the atlas), shared by io, models, topics and
the GUI.

A corpus set is an ordinary :class:`~embviz.core.dataset.EmbeddingSet` whose

- ``labels`` are short unique titles (a chosen column, or the text's first words; a repeated title
  gets its input row appended, e.g. ``"Re: help (row 12)"``);
- ``metadata`` holds every input column under its own name, typed: text and categories as ``str``
  object arrays, numbers as float64, dates as ``datetime64``; plus :data:`ROW_COLUMN`, the
  row's index in the input table (int64), so exports and ``embviz search`` can name input rows;
- ``corpus`` is a :class:`CorpusInfo` saying which column holds the full text and what made the
  vectors;
- ``model`` is a :class:`QueryEmbedder` when queries in plain words can be embedded the same way as
  the documents (None when the vectors came from a column and no model is known).

Topic columns (written by :mod:`embviz.core.topics` through ``Model.set_metadata``) follow the
same rule as every per-point score: they are metadata columns any view can colour or filter by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

ROW_COLUMN = "row"  # input row index (int64) of each document
CLUSTER_COLUMN = "cluster"  # coarse cluster id, int64, -1 = unclustered
CLUSTER_LABEL_COLUMN = "cluster_label"  # coarse cluster name ("Unclustered" for -1)
FINE_CLUSTER_COLUMN = "cluster_fine"  # fine level id, int64, -1 = unclustered
FINE_CLUSTER_LABEL_COLUMN = "cluster_fine_label"


@dataclass(frozen=True)
class CorpusInfo:
    """How a set of document vectors was made; recorded in the atlas Parquet's metadata too."""

    text_column: str  # metadata column with each document's full text
    title_column: str | None = None  # column the titles came from; None = the text's first words
    embedder: str = ""  # what made the vectors, e.g. "sentence:all-MiniLM-L6-v2", "tfidf-lsa"
    settings: dict[str, object] = field(default_factory=dict)  # its parameters, JSON-able


@runtime_checkable
class QueryEmbedder(Protocol):
    """Embeds plain-word queries exactly as the corpus' documents were embedded."""

    @property
    def description(self) -> str:
        """What a person is told embeds their query, e.g. "all-MiniLM-L6-v2 (sentence)"."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, in the corpus vectors' space (same dims, same normalisation)."""
        ...
