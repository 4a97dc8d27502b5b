"""`embviz health` and `embviz bias`: fixed JSON shapes; numbers equal direct computations
(O(N^2) mean cosine, scikit-learn's neighbours, scipy's skewness, the WEAT formulas)."""

from __future__ import annotations

import json
import statistics

import numpy as np
import pytest
from gensim.test.utils import datapath
from scipy import stats

import embviz
from embviz.cli import main

VECTORS = datapath("lee_fasttext.vec")


def _json(capsys, *argv):
    assert main([*map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_health_json_equals_direct_computations(capsys):
    from sklearn.neighbors import NearestNeighbors

    out = _json(capsys, "health", VECTORS, "-k", "7")
    eset = embviz.load(VECTORS)
    v = eset.vectors.astype(np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    n = len(u)
    sims = u @ u.T
    assert out["anisotropy"] == pytest.approx((sims.sum() - np.trace(sims)) / (n * (n - 1)))
    _, rows = NearestNeighbors(n_neighbors=7, metric="cosine").fit(v).kneighbors()
    occ = np.bincount(rows.ravel(), minlength=n)
    hub = out["hubness"]
    assert hub["k"] == 7
    assert hub["skewness"] == pytest.approx(stats.skew(occ), abs=1e-9)
    best = np.argsort(-occ, kind="stable")[:3]
    assert hub["hubs"][:3] == [{"label": eset.labels[r], "k_occurrence": int(occ[r])} for r in best]
    assert hub["orphan_count"] == int((occ == 0).sum())
    assert {"twonn", "local_mle_median"} <= set(out["intrinsic_dimension"])
    assert {"mean_vector_share", "isoscore", "norms", "duplicates"} <= set(out)


def test_health_text_says_what_the_figures_mean(capsys):
    assert main(["health", VECTORS]) == 0
    text = capsys.readouterr().out
    assert "Mean pairwise cosine" in text and "Hubness (k=10)" in text and "TwoNN" in text


def test_health_on_a_sample_says_so(capsys):
    out = _json(capsys, "health", VECTORS, "--sample", "400")
    assert any("random sample of 400" in note for note in out["notes"])
    assert sum(out["hubness"]["distribution"].values()) == 400


def test_health_bad_input_exits_2(capsys, tmp_path):
    assert main(["health", str(tmp_path / "missing.vec")]) == 2
    assert main(["health", VECTORS, "-k", "5000"]) == 2
    assert "k=5000" in capsys.readouterr().err


def _words(tmp_path, name, words):
    path = tmp_path / name
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    return path


def test_bias_json_equals_the_weat_formulas(capsys, tmp_path):
    eset = embviz.load(VECTORS)
    x, y = ["he", "his", "him", "man"], ["she", "her", "women", "children"]
    a, b = ["work", "business", "company"], ["home", "family", "school", "qqqzz"]
    paths = [_words(tmp_path, f"{n}.txt", w) for n, w in zip("xyab", (x, y, a, b), strict=True)]
    out = _json(capsys, "bias", VECTORS, "--targets", *paths[:2], "--attributes", *paths[2:])
    assert set(out) >= {"effect_size", "p_value", "skipped"}
    assert out["skipped"] == ["qqqzz"]

    def unit(w):
        vec = eset.vectors[eset.index_of(w)].astype(np.float64)
        return vec / np.linalg.norm(vec)

    b_in = b[:3]
    s = {w: statistics.fmean(unit(w) @ unit(t) for t in a)
         - statistics.fmean(unit(w) @ unit(t) for t in b_in) for w in x + y}  # fmt: skip
    effect = (statistics.fmean(s[w] for w in x) - statistics.fmean(s[w] for w in y)) / (
        statistics.stdev(s.values())
    )
    assert out["effect_size"] == pytest.approx(effect, rel=1e-9)
    assert out["p_value_method"] == "exact" and out["partitions"] == 70


def test_bias_missing_word_list_exits_2(capsys, tmp_path):
    x = _words(tmp_path, "x.txt", ["he"])
    assert main(["bias", VECTORS, "--targets", str(x), str(tmp_path / "nope.txt"),
                 "--attributes", str(x), str(x)]) == 2  # fmt: skip
    assert "nope.txt" in capsys.readouterr().err


def test_health_hub_reduction_and_its_effect_on_analogies(capsys):
    from gensim.models import KeyedVectors

    path = datapath("euclidean_vectors.bin")
    questions = datapath("questions-words.txt")
    out = _json(capsys, "health", path, "--hub-reduction", "csls",
                "--analogies", questions, "--restrict-vocab", "2000")  # fmt: skip
    reduction = out["hubness"]["reduction"]
    assert set(reduction["skewness"]) == {"csls"}
    assert reduction["skewness"]["csls"] < out["hubness"]["skewness"]
    eset = embviz.load(path)
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    score, _ = kv.evaluate_word_analogies(questions, restrict_vocab=2000)
    assert reduction["analogy"]["cosine"]["accuracy"] == pytest.approx(score)
    assert reduction["analogy"]["restrict_vocab"] == 2000 and "csls" in reduction["analogy"]
