"""`embviz compare`: the issue's JSON shape; numbers equal gensim's TranslationMatrix, scipy's
Procrustes and a brute-force neighbour overlap."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models.translation_matrix import TranslationMatrix
from gensim.test.utils import datapath
from threadpoolctl import threadpool_limits

import embviz
from embviz.cli import main
from embviz.core.dataset import EmbeddingSet
from embviz.core.paths import demo_path
from embviz.io.writers import write_word2vec

EN = datapath("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
IT = datapath("IT.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt")
PAIRS = datapath("OPUS_en_it_europarl_train_one2ten.txt")


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1):
        yield


def _json(capsys, *argv):
    assert main([*map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _pairs():
    return [tuple(line.split()) for line in open(PAIRS, encoding="utf-8") if line.strip()]


def test_json_shape_and_linear_translations_equal_gensim(capsys):
    out = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "--align", "linear", "-k", "4")
    assert set(out) == {"shared", "align", "overall", "words", "translations"}
    assert out["shared"] == 20 and out["align"]["method"] == "linear"
    assert set(out["overall"]) == {"mean_overlap", "residual", "cka"}
    assert all(set(w) == {"label", "displacement", "neighbor_overlap"} for w in out["words"])
    sources = [s for s, _ in _pairs()]
    assert list(out["translations"]) == sources  # every source word of the pairs file
    model = TranslationMatrix(
        KeyedVectors.load_word2vec_format(EN), KeyedVectors.load_word2vec_format(IT), _pairs()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model.translate(sources, topn=4)
    for word in sources:
        assert [x["label"] for x in out["translations"][word]] == expected[word]
        assert len(out["translations"][word]) == 4


def test_translate_words_and_csls_equal_the_formula_on_gensims_map(capsys):
    plain = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "--translate", "dog,one", "-k", "3")
    assert list(plain["translations"]) == ["dog", "one"]
    out = _json(
        capsys, "compare", EN, IT, "--pairs", PAIRS, "--align", "linear",
        "--translate", "dog,pig,cat", "--csls", "--csls-k", "3", "-k", "4",
    )  # fmt: skip
    en = KeyedVectors.load_word2vec_format(EN)
    it = KeyedVectors.load_word2vec_format(IT)
    w = TranslationMatrix(en, it, _pairs()).translation_matrix
    mapped = (en.vectors / np.linalg.norm(en.vectors, axis=1, keepdims=True)) @ w
    mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
    target = it.vectors / np.linalg.norm(it.vectors, axis=1, keepdims=True)
    cos = mapped @ target.T
    r_t = np.sort(cos, axis=1)[:, -3:].mean(axis=1)  # Conneau et al. eq. 6, K = 3
    r_s = np.sort(cos, axis=0)[-3:, :].mean(axis=0)
    csls = 2 * cos - r_t[:, None] - r_s[None, :]
    for word in ("dog", "pig", "cat"):
        row = csls[en.get_index(word)]
        best = np.argsort(-row)[:4]
        got = out["translations"][word]
        assert [x["label"] for x in got] == [it.index_to_key[i] for i in best]
        np.testing.assert_allclose([x["score"] for x in got], row[best], atol=1e-5)


def test_accuracy_with_and_without_csls(capsys):
    out = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "--test-pairs", PAIRS, "-k", "3")
    assert set(out["accuracy"]) == {"plain", "csls"}
    assert out["accuracy"]["plain"]["words"] == 20 and out["accuracy"]["csls"]["csls"] is True
    assert out["align"]["centered"] is False
    centred = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "--center", "-k", "3")
    assert centred["align"]["centered"] is True and "centred" in centred["align"]["note"]


def test_overlaps_equal_a_brute_force_computation(capsys):
    out = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "-k", "5")
    en, it = embviz.load(EN), embviz.load(IT)

    def knn(eset, words, word):
        u = {
            w: eset.vectors[eset.index_of(w)] / np.linalg.norm(eset.vectors[eset.index_of(w)])
            for w in words
        }
        ranked = sorted((w for w in words if w != word), key=lambda w: -float(u[word] @ u[w]))
        return ranked[:5]

    pairs = dict(_pairs())
    back = {t: s for s, t in pairs.items()}
    for item in out["words"]:
        word = item["label"]
        mine = set(knn(en, list(pairs), word))
        theirs = {back[t] for t in knn(it, list(pairs.values()), pairs[word])}
        assert item["neighbor_overlap"] == pytest.approx(len(mine & theirs) / 5), word
    mean = np.mean([w["neighbor_overlap"] for w in out["words"]])
    assert out["overall"]["mean_overlap"] == pytest.approx(mean)


def test_procrustes_undoes_a_rotation_of_the_demo_set(capsys, tmp_path):
    demo = embviz.load(demo_path())
    rows = np.arange(0, len(demo), 40)[:500]
    a = EmbeddingSet([demo.labels[r] for r in rows], np.asarray(demo.vectors[rows], np.float32))
    q, r = np.linalg.qr(np.random.default_rng(0).normal(size=(a.dims, a.dims)))
    b = EmbeddingSet(list(a.labels), (a.vectors @ (q * np.sign(np.diag(r)))).astype(np.float32))
    write_word2vec(a, tmp_path / "a.bin", binary=True)
    write_word2vec(b, tmp_path / "b.bin", binary=True)
    out = _json(capsys, "compare", tmp_path / "a.bin", tmp_path / "b.bin", "-k", "10")
    assert out["shared"] == 500 and out["align"]["method"] == "procrustes"
    assert out["overall"]["residual"] < 1e-3
    assert out["overall"]["mean_overlap"] == 1.0
    assert out["overall"]["cka"] == pytest.approx(1.0, abs=1e-6)
    assert max(w["displacement"] for w in out["words"]) < 1e-5
    none = _json(capsys, "compare", tmp_path / "a.bin", tmp_path / "b.bin", "--align", "none")
    assert none["overall"]["residual"] > 10


def test_bad_input_exits_2_with_the_file_and_line(capsys, tmp_path):
    bad = tmp_path / "pairs.txt"
    bad.write_text("one uno\ntwo\n", encoding="utf-8")
    assert main(["compare", EN, IT, "--pairs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 2" in err and "expected two words" in err
    assert main(["compare", EN, IT, "--pairs", PAIRS, "--translate", "dog,zebra"]) == 2
    assert "does not hold 'zebra'" in capsys.readouterr().err
    assert main(["compare", EN, IT, "--align", "none", "-k", "0"]) == 2
    assert main(["compare", EN, str(tmp_path / "absent.txt")]) == 2


def test_the_api_gives_what_the_cli_prints(capsys):
    out = _json(capsys, "compare", EN, IT, "--pairs", PAIRS, "--align", "linear", "-k", "3")
    api = embviz.compare(embviz.load(EN), embviz.load(IT), PAIRS, "linear", 3)
    assert json.loads(json.dumps(api)) == out
    few = embviz.compare(embviz.load(EN), embviz.load(IT), _pairs(), translate=["dog"], k=2)
    assert list(few["translations"]) == ["dog"] and len(few["translations"]["dog"]) == 2
    with pytest.raises(embviz.EmbvizError, match="Expected an EmbeddingSet"):
        embviz.compare(EN, IT)


def test_text_output_says_what_was_measured(capsys):
    assert main(["compare", EN, IT, "--pairs", PAIRS, "-k", "3", "--translate", "dog"]) == 0
    out = capsys.readouterr().out
    assert "20 words compared" in out and "orthogonal Procrustes" in out
    assert "residual ||XW-Y||_F" in out and "moved most" in out and "stable" in out
    assert out.strip().splitlines()[-1].startswith("dog -> ")
