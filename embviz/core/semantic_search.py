"""Search a corpus of documents in plain words: the query is embedded by the model that made the
documents' vectors (the set's :class:`~embviz.core.corpus.QueryEmbedder`) and the documents are
ranked by exact cosine similarity in the ORIGINAL space (:mod:`embviz.core.neighbors`).

The query is placed on the map at the similarity-weighted mean position of its nearest documents
in the shown layout. No reducer is asked to transform it: t-SNE and UMAP layouts (the usual maps
of a corpus) have no exact transform for a new point, and one rule for every layout keeps the
star where its neighbours are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embviz.core.composed import SubwordQueries, subword_model
from embviz.core.corpus import QueryEmbedder
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import MAX_K, index_for
from embviz.core.tasks import Progress, Task

PLACE_NEIGHBOURS = 10  # the query sits among this many of its nearest documents


@dataclass
class SemanticResult:
    query: str
    rows: np.ndarray  # best first
    scores: np.ndarray  # cosine similarity
    embedder: str  # what embedded the query


def find_query_embedder(eset: EmbeddingSet) -> QueryEmbedder | None:
    """The model that embeds queries like the set's rows: a corpus's own model, or a fastText
    set's sub-words (so unseen words are searched by their composed vectors); else None."""
    if isinstance(eset.model, QueryEmbedder):
        return eset.model
    if subword_model(eset) is not None:
        return SubwordQueries(eset)
    return None


def query_embedder(eset: EmbeddingSet) -> QueryEmbedder:
    """The set's query embedder, or a plain message why plain-word search cannot run."""
    model = find_query_embedder(eset)
    if model is None:
        raise EmbvizError(
            f"{eset.name}: searching in plain words needs the model that made these vectors, "
            "and this set has none (its vectors came from a file or a column). Open the "
            "documents with File > Open documents… to embed them with a model."
        )
    return model


def semantic_search_task(eset: EmbeddingSet, query: str, k: int = 20) -> Task[SemanticResult]:
    """Embed ``query`` with the set's model and rank every document by cosine similarity."""
    query = query.strip()
    if not query:
        raise EmbvizError("Type a few words to search for.")
    if not 1 <= k <= MAX_K:
        raise EmbvizError(f"The number of results must be between 1 and {MAX_K}, got {k}.")
    model = query_embedder(eset)
    yield Progress(None, f"Embedding the query with {model.description}")
    vectors = np.asarray(model.embed_queries([query]), dtype=np.float32)
    if vectors.shape != (1, eset.dims):
        raise EmbvizError(
            f"{model.description} gave a query vector of shape {vectors.shape}, but the "
            f"documents have {eset.dims} dimensions: it is not the model that made them."
        )
    yield Progress(0.9, "Ranking the documents")
    rows, scores = index_for(eset).search_vector(vectors[0], min(k, len(eset)), "cosine")
    return SemanticResult(query, rows.astype(np.int64), scores, model.description)


def query_position(
    coords: np.ndarray, rows: np.ndarray, scores: np.ndarray, n: int = PLACE_NEIGHBOURS
) -> tuple[float, float] | None:
    """Where the query goes on the map: the mean position of its ``n`` nearest documents,
    weighted by their similarity (negative similarities weigh nothing); None if none is placed."""
    rows, scores = np.asarray(rows[:n], dtype=np.int64), np.asarray(scores[:n], dtype=np.float64)
    if rows.size == 0:
        return None
    xy = np.asarray(coords, dtype=np.float64)[rows, :2]
    keep = np.isfinite(xy).all(axis=1)
    xy, weights = xy[keep], np.clip(scores[keep], 0.0, None)
    if xy.shape[0] == 0:
        return None
    if weights.sum() <= 0:
        weights = np.ones(len(xy))
    x, y = (weights[:, None] * xy).sum(axis=0) / weights.sum()
    return float(x), float(y)
