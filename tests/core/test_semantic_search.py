"""Plain-word search in the core: the ranking equals scikit-learn's cosine similarity, the query's
place on the map is the similarity-weighted mean of its nearest documents, and a set without a
query model says so."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics.pairwise import cosine_similarity

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.semantic_search import query_position, semantic_search_task
from embviz.core.tasks import run_task


class FixedQueries:
    """Embeds every query as the same given vector (what the ranking is checked against)."""

    def __init__(self, vector: np.ndarray) -> None:
        self.vector = vector

    @property
    def description(self) -> str:
        return "fixed vector"

    def embed_queries(self, texts):
        return np.tile(self.vector, (len(texts), 1)).astype(np.float32)


def test_ranking_equals_scikit_learn_cosine():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(200, 16)).astype(np.float32)
    query = rng.normal(size=16).astype(np.float32)
    eset = EmbeddingSet([f"d{i}" for i in range(200)], vectors)
    eset.model = FixedQueries(query)
    result = run_task(semantic_search_task(eset, "anything", k=15))
    reference = cosine_similarity(query[None, :], vectors)[0]
    assert result.rows.tolist() == np.argsort(-reference)[:15].tolist()
    np.testing.assert_allclose(result.scores, reference[result.rows], atol=1e-5)


def test_a_set_without_a_query_model_says_what_is_needed():
    eset = EmbeddingSet(["a", "b"], np.eye(2, dtype=np.float32))
    with pytest.raises(EmbvizError, match="needs the model that made these vectors"):
        run_task(semantic_search_task(eset, "cats"))
    eset.model = FixedQueries(np.ones(2, np.float32))
    with pytest.raises(EmbvizError, match="Type a few words"):
        run_task(semantic_search_task(eset, "   "))
    eset.model = FixedQueries(np.ones(3, np.float32))  # another model's space
    with pytest.raises(EmbvizError, match="not the model that made them"):
        run_task(semantic_search_task(eset, "cats"))


def test_query_place_is_the_similarity_weighted_mean():
    coords = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 8.0], [100.0, 100.0]])
    rows = np.array([0, 1, 2, 3])
    scores = np.array([0.5, 0.3, 0.2, -0.4])  # a negative similarity weighs nothing
    x, y = query_position(coords, rows, scores)
    assert (x, y) == pytest.approx(((0.3 * 4) / 1.0, (0.2 * 8) / 1.0))
    assert query_position(coords, rows[:0], scores[:0]) is None
