"""3CosAdd and 3CosMul equal gensim's most_similar / most_similar_cosmul on the same vectors."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.core.analogy import solve
from embviz.core.errors import EmbvizError
from embviz.core.paths import demo_path

TRIPLES = {
    "demo": [("man", "king", "woman"), ("france", "paris", "italy"), ("good", "better", "bad")],
    "lee_fasttext.vec": [("the", "of", "and"), ("government", "minister", "police")],
}


@pytest.fixture(scope="module", params=list(TRIPLES))
def case(request):
    path = demo_path() if request.param == "demo" else datapath(request.param)
    eset = embviz.load(path)
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return eset, kv, TRIPLES[request.param]


@pytest.mark.parametrize(
    ("method", "reference"), [("3cosadd", "most_similar"), ("3cosmul", "most_similar_cosmul")]
)
def test_answers_and_scores_equal_gensim(case, method, reference):
    eset, kv, triples = case
    for a, b, c in triples:
        result = solve(eset, a, b, c, k=10, method=method)
        expected = getattr(kv, reference)(positive=[b, c], negative=[a], topn=10)
        assert result.labels == [w for w, _ in expected]
        np.testing.assert_allclose(result.scores, [s for _, s in expected], atol=1e-5)
        assert result.to_json()["method"] == method


def _numpy_cosadd(eset, a, b, c):
    x = eset.vectors.astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[eset.index_of(b)] + x[eset.index_of(c)] - x[eset.index_of(a)]
    return x @ (q / np.linalg.norm(q))


def test_keeping_inputs_can_answer_an_input():
    eset = embviz.load(demo_path())
    score = _numpy_cosadd(eset, "man", "doctor", "woman")
    order = np.argsort(-score)
    kept = solve(eset, "man", "doctor", "woman", k=5, exclude_inputs=False)
    assert kept.labels == [eset.labels[i] for i in order[:5]]
    np.testing.assert_allclose(kept.scores, score[order[:5]], atol=1e-5)
    assert kept.labels[0] == "doctor"  # why the toggle is on by default
    excluded = solve(eset, "man", "doctor", "woman", k=5)
    assert not {"man", "doctor", "woman"} & set(excluded.labels)


def test_rank_of_the_expected_answer():
    eset = embviz.load(demo_path())
    score = _numpy_cosadd(eset, "man", "king", "woman")
    inputs = [eset.index_of(w) for w in ("man", "king", "woman")]
    score[inputs] = -np.inf
    for word in ("queen", "princess", "table"):
        result = solve(eset, "man", "king", "woman", expected=word)
        s = score[eset.index_of(word)]  # float64 here, float32 there: allow near-ties either way
        assert 1 + np.sum(score > s + 1e-6) <= result.expected_rank <= 1 + np.sum(score > s - 1e-6)
        assert result.expected_score == pytest.approx(s, abs=1e-5)
    assert solve(eset, "man", "king", "woman", expected="queen").expected_rank == 1
    excluded = solve(eset, "man", "king", "woman", expected="king")
    assert excluded.expected_rank is None and "excluded" in excluded.notes[0]


def test_unknown_words_are_named():
    eset = embviz.load(demo_path())
    with pytest.raises(EmbvizError, match="c: 'wommman' is not a label"):
        solve(eset, "man", "king", "wommman")
    with pytest.raises(EmbvizError, match="Unknown method"):
        solve(eset, "man", "king", "woman", method="3cosmax")
