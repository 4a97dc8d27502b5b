"""A document table and its vectors, made into a corpus :class:`EmbeddingSet` (the contract of
:mod:`embviz.core.corpus`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.corpus import ROW_COLUMN, CorpusInfo, QueryEmbedder
from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.io.textparse import flag_nonfinite

if TYPE_CHECKING:
    from embviz.io.documents import DocumentTable


def metadata_of(table: DocumentTable) -> tuple[dict[str, np.ndarray], list[str]]:
    """Every input column under its own name plus ROW_COLUMN; an input column that is itself
    named like ROW_COLUMN keeps its values under another name (and a warning says which)."""
    metadata: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    for name, values in table.columns.items():
        key = name
        if key == ROW_COLUMN:
            while key in table.columns or key == ROW_COLUMN:
                key += "_input"
            warnings.append(
                f"the input's column {name!r} is kept as {key!r}: {ROW_COLUMN!r} holds each "
                "document's row index in the input."
            )
        metadata[key] = values
    metadata[ROW_COLUMN] = np.arange(len(table), dtype=np.int64)
    return metadata, warnings


def corpus_set(
    table: DocumentTable,
    vectors: np.ndarray | None = None,
    *,
    embedder: str = "",
    settings: dict[str, Any] | None = None,
    model: QueryEmbedder | None = None,
    warnings: list[str] | None = None,
) -> EmbeddingSet:
    """The corpus set of ``table``: ``vectors`` (one row per document), or the table's own
    vector column when ``vectors`` is None (then no query model is known)."""
    if vectors is None:
        if table.vectors is None:
            raise LoadError(
                table.path,
                "the table has no vector column and no vectors were computed.",
                hint="Embed the text column first, or choose a column that holds vectors.",
            )
        vectors = table.vectors
        embedder = embedder or f"column:{table.vector_column}"
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(table):
        raise ValueError(f"{len(table)} documents but vectors of shape {vectors.shape}")
    metadata, renamed = metadata_of(table)
    notes = [*table.warnings, *renamed, *(warnings or [])]
    flag_nonfinite(list(table.titles), vectors, notes)
    source = Source(str(table.path), f"documents-{table.format}", None, notes)
    eset = EmbeddingSet(list(table.titles), vectors, metadata, source=source, model=model)
    eset.corpus = CorpusInfo(
        text_column=table.text_column,
        title_column=table.title_column,
        embedder=embedder,
        settings=dict(settings or {}),
    )
    return eset
