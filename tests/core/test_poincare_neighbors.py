"""Neighbours by the Poincaré distance are gensim's own (PoincareKeyedVectors)."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.test.utils import datapath

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import index_for, neighbors
from embviz.core.poincare import is_poincare, mark, metric_for


@pytest.fixture(scope="module")
def trained():
    from gensim.models.poincare import PoincareModel, PoincareRelations

    model = PoincareModel(
        PoincareRelations(datapath("poincare_hypernyms_large.tsv")), size=4, negative=5, seed=1
    )
    model.train(epochs=20)
    return model


def test_poincare_neighbours_equal_gensim_most_similar(trained):
    import copy

    eset = EmbeddingSet(list(trained.kv.index_to_key), trained.kv.vectors.astype(np.float32))
    # gensim's keyed vectors on the very values the set holds (float32, widened to float64)
    kv = copy.deepcopy(trained.kv)
    kv.vectors = eset.vectors.astype(np.float64)
    # (not row 0: gensim's most_similar keeps the query itself there, `not node_index` being
    # true for index 0)
    for word in ("mammal.n.01", "dog.n.01", "marsupial.n.01"):
        ours = neighbors(eset, word, k=10, metric="poincare")
        theirs = kv.most_similar(word, topn=10)
        assert ours.labels == [w for w, _ in theirs]
        np.testing.assert_allclose(ours.scores, [d for _, d in theirs], rtol=1e-12)
        assert np.all(np.diff(ours.scores) >= 0)  # distances, nearest first
    assert "Poincaré distance" in ours.describe()
    # the centroid of a selection: the ball's Euclidean mean of the rows, distances from it
    rows = [eset.index_of("dog.n.01"), eset.index_of("beagle.n.01")]
    result = index_for(eset).search_rows(rows, k=5, metric="poincare")
    centre = eset.vectors[rows].astype(np.float64).mean(axis=0)
    expected = kv.distances(centre)
    expected[rows] = np.inf
    assert list(result.rows) == list(np.argsort(expected, kind="stable")[:5])


def test_poincare_metric_refuses_points_outside_the_ball():
    eset = EmbeddingSet(["a", "b", "c"], np.array([[0.1, 0.0], [2.0, 0.0], [0.0, 0.3]]))
    with pytest.raises(EmbvizError, match="1 of 3 vectors lie on or outside the unit ball"):
        neighbors(eset, "a", k=2, metric="poincare")
    inside = EmbeddingSet(["a", "b", "c"], np.array([[0.8, 0.0], [0.0, 0.8], [0.1, 0.1]]))
    assert neighbors(inside, "a", k=2, metric="poincare").labels == ["c", "b"]
    with pytest.raises(EmbvizError, match="The query lies on or outside the unit ball"):
        neighbors(inside, "a + b", k=2, metric="poincare")  # |a + b| = 1.13
    with pytest.raises(EmbvizError, match="no centring"):
        neighbors(inside, "a", k=2, metric="poincare", center=True)


def test_metric_follows_the_set():
    eset = EmbeddingSet(["a", "b"], np.array([[0.1, 0.0], [0.0, 0.2]]))
    assert not is_poincare(eset) and metric_for(eset, "poincare") == "cosine"
    assert metric_for(eset, "euclidean") == "euclidean"
    mark(eset)
    assert is_poincare(eset) and metric_for(eset, "cosine") == "poincare"
