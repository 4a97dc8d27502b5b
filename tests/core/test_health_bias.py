"""Concept axes (Bolukbasi et al. 2016) and WEAT (Caliskan et al. 2017) on the demo set, against a
hand computation of the papers' formulas, scikit-learn's PCA, the custom-axes projection and,
where it is installed, WEFE's WEAT."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest

import embviz
from embviz.core.errors import EmbvizError
from embviz.core.health.bias import (
    axis_from_pairs,
    axis_from_sets,
    read_word_list,
    split_words,
    weat,
)
from embviz.core.paths import demo_path
from embviz.core.tasks import run_task
from embviz.reduce.custom_axes import CustomAxesParams, CustomAxesReducer

# WEAT 7 of Caliskan et al. (maths/arts vs male/female terms), as far as the demo set holds them
X = ["math", "algebra", "geometry", "calculus", "equations", "computation", "numbers", "addition"]
Y = ["poetry", "art", "dance", "literature", "novel", "symphony", "drama", "sculpture"]
A = ["male", "man", "boy", "brother", "he", "him", "his", "son"]
B = ["female", "woman", "girl", "sister", "she", "her", "hers", "daughter", "xyzzyq"]


@pytest.fixture(scope="module")
def demo():
    return embviz.load(demo_path())


def _vec(eset, word):
    v = eset.vectors[eset.index_of(word)].astype(np.float64)
    return v / np.linalg.norm(v)


def _cos(a, b):
    return float(a @ b)


def _s(eset, w, a_words, b_words):
    """s(w, A, B) = mean_a cos(w, a) - mean_b cos(w, b), word by word as the paper writes it."""
    w = _vec(eset, w)
    return statistics.fmean(_cos(w, _vec(eset, a)) for a in a_words) - statistics.fmean(
        _cos(w, _vec(eset, b)) for b in b_words
    )


def test_weat_effect_size_and_exact_p_value_by_hand(demo):
    a_in = [w for w in A if w in demo]
    b_in = [w for w in B if w in demo]
    s = {w: _s(demo, w, a_in, b_in) for w in X + Y}
    sd = statistics.stdev(s[w] for w in X + Y)  # the SAMPLE standard deviation, n - 1
    effect = (statistics.fmean(s[x] for x in X) - statistics.fmean(s[y] for y in Y)) / sd
    observed = sum(s[x] for x in X) - sum(s[y] for y in Y)
    pool = X + Y
    greater = total = 0
    for xi in itertools.combinations(pool, len(X)):
        yi = [w for w in pool if w not in xi]
        stat = sum(s[w] for w in xi) - sum(s[w] for w in yi)
        greater += stat > observed + 1e-12
        total += 1
    result = weat(demo, X, Y, A, B)
    assert result.effect_size == pytest.approx(effect, rel=1e-9)
    assert result.statistic == pytest.approx(observed, rel=1e-9)
    assert result.exact and result.partitions == total == math.comb(16, 8)
    assert result.p_value == pytest.approx(greater / total, abs=1e-12)
    assert result.skipped == ["xyzzyq"]
    assert result.sizes == {"X": 8, "Y": 8, "A": len(a_in), "B": len(b_in)}


def test_weat_random_partitions_are_seeded_and_near_the_exact_value(demo):
    exact = weat(demo, X, Y, A, B)
    sampled = weat(demo, X, Y, A, B, permutations=20_000, seed=3, exact_limit=100)
    assert not sampled.exact and sampled.partitions == 20_000 and sampled.seed == 3
    assert sampled.p_value == pytest.approx(exact.p_value, abs=0.01)
    assert weat(demo, X, Y, A, B, permutations=20_000, seed=3, exact_limit=100) == sampled


def test_weat_matches_wefe_up_to_its_population_standard_deviation(demo, monkeypatch):
    # WEFE 0.4.1 (the newest) still names np.float_, which NumPy 2 removed (an alias of float64)
    monkeypatch.setattr(np, "float_", np.float64, raising=False)
    wefe_weat = pytest.importorskip("wefe.metrics").WEAT
    from gensim.models import KeyedVectors
    from wefe.query import Query
    from wefe.word_embedding_model import WordEmbeddingModel

    kv = KeyedVectors(demo.dims)
    kv.add_vectors(demo.labels, demo.vectors)
    query = Query([X, Y], [A, B], ["maths", "arts"], ["male", "female"])
    out = wefe_weat().run_query(
        query,
        WordEmbeddingModel(kv, "demo"),
        return_effect_size=True,
        lost_vocabulary_threshold=0.5,
    )
    n = len(X) + len(Y)
    # WEFE divides by np.std (population, n); the paper and embviz by the sample std (n - 1)
    expected = out["effect_size"] * math.sqrt((n - 1) / n)
    assert weat(demo, X, Y, A, B).effect_size == pytest.approx(expected, rel=1e-5)


def test_weat_says_which_list_is_too_short(demo):
    with pytest.raises(EmbvizError, match="the Y list has 1 word"):
        weat(demo, X, ["poetry", "notaword1", "notaword2"], A, B)


def test_pca_axis_is_bolukbasis_first_principal_component(demo):
    from sklearn.decomposition import PCA

    pairs = [("he", "she"), ("man", "woman"), ("boy", "girl"), ("father", "mother"), ("his", "her")]
    axis = axis_from_pairs(demo, pairs, method="pca")
    rows = []
    for a, b in pairs:  # debiaswe's doPCA: each word minus its pair's centre
        centre = (_vec(demo, a) + _vec(demo, b)) / 2
        rows += [_vec(demo, a) - centre, _vec(demo, b) - centre]
    pca = PCA(n_components=5).fit(np.array(rows))
    component = pca.components_[0]
    assert abs(axis.direction @ component) == pytest.approx(1.0, abs=1e-9)
    assert axis.explained == pytest.approx(pca.explained_variance_ratio_[0], rel=1e-6)
    assert axis.direction @ (_vec(demo, "he") - _vec(demo, "she")) > 0  # "a" words positive


def test_mean_axis_and_projection_equal_the_custom_axes_projection(demo):
    axis = axis_from_pairs(demo, [("king", "queen")], method="mean")
    params = CustomAxesParams(x_axis="king - queen", y_axis="man - woman")
    layout = run_task(CustomAxesReducer().run(demo.vectors, params, eset=demo))
    np.testing.assert_allclose(axis.project(demo), layout.coords[:, 0], atol=1e-5)
    both = axis_from_sets(demo, ["king", "man"], ["queen", "woman"])
    direct = (_vec(demo, "king") + _vec(demo, "man")) / 2 - (
        _vec(demo, "queen") + _vec(demo, "woman")
    ) / 2
    np.testing.assert_allclose(both.direction, direct / np.linalg.norm(direct), atol=1e-12)


def test_word_lists_from_files_and_typed_text(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("# maths words\nmath\n\nalgebra\nnew york\n", encoding="utf-8")
    assert read_word_list(path) == ["math", "algebra", "new york"]
    assert split_words("he, him , his") == ["he", "him", "his"]
    assert split_words("he him his") == ["he", "him", "his"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n", encoding="utf-8")
    with pytest.raises(EmbvizError, match="empty.txt: no words"):
        read_word_list(empty)
