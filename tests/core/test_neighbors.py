"""Neighbours equal gensim's most_similar (cosine) and a float64 numpy computation (others)."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.core.ann import ApproximateIndex, measure_recall
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import index_for, neighbors
from embviz.core.paths import demo_path


def _with_kv(eset):
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return eset, kv


@pytest.fixture(scope="module", params=["euclidean_vectors.bin", "lee_fasttext.vec", "demo"])
def pair(request):
    path = demo_path() if request.param == "demo" else datapath(request.param)
    return _with_kv(embviz.load(path))


@pytest.fixture(scope="module")
def demo():
    return _with_kv(embviz.load(demo_path()))


def _check(result, expected):
    assert result.labels == [label for label, _ in expected]
    np.testing.assert_allclose(result.scores, [s for _, s in expected], atol=1e-5)


def test_label_queries_equal_gensim(pair):
    eset, kv = pair
    for row in (0, 7, len(eset) // 2, len(eset) - 1):
        word = eset.labels[row]
        result = neighbors(eset, word, k=15)
        _check(result, kv.most_similar(word, topn=15))
        assert word not in result.labels and result.metric == "cosine"


def test_expressions_equal_gensim(pair):
    eset, kv = pair
    a, b, c = eset.labels[3], eset.labels[11], eset.labels[40]
    _check(neighbors(eset, f"{a} - {b} + {c}"), kv.most_similar([a, c], [b], topn=10))
    expected = kv.most_similar([(a, 0.5), (c, 0.5)], topn=10)
    _check(neighbors(eset, f"0.5*{a} + 0.5*{c}"), expected)


def test_demo_analogy_expression_and_large_k(demo):
    eset, kv = demo
    _check(
        neighbors(eset, "king - man + woman", k=5),
        kv.most_similar(["king", "woman"], ["man"], topn=5),
    )
    _check(neighbors(eset, "paris", k=1000), kv.most_similar("paris", topn=1000))


def _numpy_reference(m, q, exclude, metric, k):
    m, q = m.astype(np.float64), q.astype(np.float64)
    score = -np.linalg.norm(m - q, axis=1) if metric == "euclidean" else m @ q
    score[exclude] = -np.inf
    rows = np.argsort(-score, kind="stable")[:k]
    return rows, np.abs(score[rows])


@pytest.mark.parametrize("metric", ["euclidean", "dot"])
def test_euclidean_and_dot_equal_numpy(pair, metric):
    eset, _ = pair
    word = eset.labels[5]
    result = neighbors(eset, word, k=20, metric=metric)
    rows, scores = _numpy_reference(eset.vectors, eset.vectors[5], [5], metric, 20)
    np.testing.assert_allclose(result.scores, scores, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(result.rows, rows)


def test_centring_is_off_by_default_and_reported(pair):
    eset, _ = pair
    word = eset.labels[9]
    plain = neighbors(eset, word)
    centred = neighbors(eset, word, center=True)
    assert not plain.centered and "CENTRED" not in plain.describe()
    assert centred.centered and "CENTRED" in centred.describe()
    assert centred.to_json()["centered"] is True and "centered" not in plain.to_json()
    x = eset.vectors.astype(np.float64) - eset.vectors.astype(np.float64).mean(axis=0)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    rows, scores = _numpy_reference(x, x[9], [9], "dot", 10)
    np.testing.assert_array_equal(centred.rows, rows)
    np.testing.assert_allclose(centred.scores, scores, atol=1e-5)


def test_selection_centroid_equals_gensim_mean_query(demo):
    eset, kv = demo
    rows = [eset.index_of(w) for w in ("paris", "rome", "berlin")]
    result = index_for(eset).search_rows(rows, k=10)
    _check(result, kv.most_similar(["paris", "rome", "berlin"], topn=10))
    assert result.query == "centroid of 3 points"


def test_parameters_are_checked(demo):
    eset, _ = demo
    with pytest.raises(EmbvizError, match="between 1 and 1000"):
        neighbors(eset, "king", k=1001)
    with pytest.raises(EmbvizError, match="metric"):
        neighbors(eset, "king", metric="manhattan")
    with pytest.raises(EmbvizError, match="zero vector"):
        neighbors(eset, "king - king")


class _OneWrong:
    """A stand-in approximate index: exact answers with the 10th neighbour replaced."""

    def __init__(self, m):
        self.m = m

    def query(self, q, k):
        score = self.m @ q[0]
        rows = np.argsort(-score)[:k]
        rows[min(9, k - 1)] = np.argsort(score)[0]  # the farthest row instead
        return rows[None, :], None


def test_recall_is_measured_against_exact_search(demo):
    eset, _ = demo
    exact = index_for(eset)
    approx = ApproximateIndex("cosine", False, _OneWrong(exact.matrix("cosine")), 0, 0, 0)
    recall, n = measure_recall(exact, approx, queries=50)
    # each query asks k + 1 (itself excluded), so row 10 of 11 is wrong: 9 of 10 found
    assert n == 50 and recall == pytest.approx(0.9)


@pytest.mark.slow
def test_pynndescent_index_finds_true_neighbours():
    from embviz.core.ann import build_task
    from embviz.core.tasks import run_task

    rng = np.random.default_rng(0)
    eset = embviz.EmbeddingSet([f"w{i}" for i in range(3000)], rng.normal(size=(3000, 16)))
    approx = run_task(build_task(eset, recall_queries=100))
    assert approx.recall > 0.9
    result = neighbors(eset, "w1", k=10)
    assert result.approximate
    reference = neighbors(embviz.EmbeddingSet(eset.labels, eset.vectors), "w1", k=10)
    assert len(set(result.labels) & set(reference.labels)) >= 8
