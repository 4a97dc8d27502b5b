"""Neighbours and analogies on sets with NaN/inf rows, and on sets too small to answer.

References: gensim's KeyedVectors on the finite rows (most_similar, most_similar_cosmul) and
numpy's distances, never numbers from embviz.
"""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embviz.core.analogy import solve
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import index_for, neighbors

RNG = np.random.default_rng(11)
X = RNG.normal(size=(60, 8)).astype(np.float32)
X[5, 3] = np.nan
X[17] = np.inf
X[40, 0] = -np.inf
LABELS = [f"w{i}" for i in range(60)]
GOOD = np.isfinite(X).all(axis=1)


def _finite_kv() -> KeyedVectors:
    kv = KeyedVectors(vector_size=8)
    kv.add_vectors([w for w, ok in zip(LABELS, GOOD, strict=True) if ok], X[GOOD])
    return kv


def test_cosine_neighbours_skip_nan_rows_as_gensim_on_the_finite_rows(recwarn) -> None:
    eset = EmbeddingSet(LABELS, X)
    result = neighbors(eset, "w0", k=20)
    expected = _finite_kv().most_similar("w0", topn=20)
    assert result.labels == [w for w, _ in expected]
    assert np.allclose(result.scores, [s for _, s in expected], atol=1e-6)
    assert np.isfinite(result.scores).all() and "w0" not in result.labels
    (warning,) = result.warnings
    assert warning.startswith("3 of 60 rows hold NaN or infinite values") and '"w5"' in warning
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_asking_for_more_neighbours_than_there_are_finite_rows() -> None:
    result = neighbors(EmbeddingSet(LABELS, X), "w0", k=1000)  # was: NaN rows and -inf listed
    assert len(result.labels) == int(GOOD.sum()) - 1
    assert set(result.labels) == {w for w, ok in zip(LABELS, GOOD, strict=True) if ok} - {"w0"}


def test_euclidean_and_centred_neighbours_use_only_finite_rows() -> None:
    eset = EmbeddingSet(LABELS, X)
    result = neighbors(eset, "w1", k=5, metric="euclidean")
    d = np.linalg.norm(X[GOOD].astype(np.float64) - X[1], axis=1)
    names = np.array(LABELS)[GOOD]
    order = [i for i in np.argsort(d, kind="stable") if names[i] != "w1"][:5]
    assert result.labels == names[order].tolist()
    assert np.allclose(result.scores, d[order], atol=1e-5)
    centred = neighbors(eset, "w1", k=5, metric="euclidean", center=True)
    assert np.all(np.isfinite(centred.scores))
    assert np.allclose(index_for(eset).mean(), X[GOOD].astype(np.float64).mean(axis=0), atol=1e-6)


def test_a_query_on_a_nan_row_is_refused_with_its_row() -> None:
    with pytest.raises(EmbvizError, match=r'row 18 \("w17"\).*NaN or infinite'):
        neighbors(EmbeddingSet(LABELS, X), "w17")
    with pytest.raises(EmbvizError, match=r'row 6 \("w5"\)'):
        index_for(EmbeddingSet(LABELS, X)).search_rows([5, 6])


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogies_skip_nan_rows_as_gensim_on_the_finite_rows(method) -> None:
    eset = EmbeddingSet(LABELS, X)
    result = solve(eset, "w1", "w2", "w3", k=10, method=method)
    kv = _finite_kv()
    ref = (kv.most_similar if method == "3cosadd" else kv.most_similar_cosmul)(
        positive=["w2", "w3"], negative=["w1"], topn=10
    )
    assert result.labels == [w for w, _ in ref]
    assert np.allclose(result.scores, [s for _, s in ref], atol=1e-5)
    assert result.warnings and "3 of 60 rows" in result.warnings[0]
    with pytest.raises(EmbvizError, match=r"b: 'w17' \(row 18\) holds NaN"):
        solve(eset, "w1", "w17", "w3")


def test_analogy_on_a_one_row_set_says_no_answer_is_left() -> None:
    one = EmbeddingSet(["solo"], np.ones((1, 4), np.float32), name="one.vec")
    with pytest.raises(EmbvizError, match="one.vec: no answer is left.*--keep-inputs"):
        solve(one, "solo", "solo", "solo")  # was: ValueError from argpartition ("a bug")
    kept = solve(one, "solo", "solo", "solo", exclude_inputs=False)
    assert kept.labels == ["solo"]
