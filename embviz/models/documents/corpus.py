"""A document table embedded into a corpus set, in one task: what the window and the CLI run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import Task
from embviz.io.corpus_set import corpus_set
from embviz.models.documents.registry import get_document_embedder

if TYPE_CHECKING:
    from embviz.io.documents import DocumentTable


def embed_corpus(
    table: DocumentTable, embedder: str = "sentence", params: Any = None, *, cache: bool = True
) -> Task[EmbeddingSet]:
    """Embed ``table``'s text column with the named document embedder (Progress, Cancel; cached
    on disk per model and texts) and return its corpus set, whose ``model`` embeds queries."""
    result = yield from get_document_embedder(embedder).embed(table.texts, params, cache=cache)
    return corpus_set(
        table,
        result.vectors,
        embedder=result.embedder,
        settings=result.settings,
        model=result.model,
        warnings=result.warnings,
    )


def corpus_from_vector_column(table: DocumentTable) -> EmbeddingSet:
    """Bring your own vectors: the table's vector column as it is (no query model)."""
    return corpus_set(table)
