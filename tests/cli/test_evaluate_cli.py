"""`embviz evaluate`: fixed JSON shapes, figures equal gensim's."""

from __future__ import annotations

import json

import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.cli import main

VECTORS = datapath("euclidean_vectors.bin")


@pytest.fixture(scope="module")
def kv():
    eset = embviz.load(VECTORS)
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return kv


def test_analogies_json(capsys, kv):
    assert (
        main(["evaluate", VECTORS, "--analogies", datapath("questions-words.txt"), "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"accuracy", "correct", "total", "skipped", "sections"}
    score, sections = kv.evaluate_word_analogies(datapath("questions-words.txt"))
    assert out["accuracy"] == pytest.approx(score)
    assert out["correct"] == len(sections[-1]["correct"])
    assert out["total"] == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert out["total"] + out["skipped"] == 19544
    for ours, theirs in zip(out["sections"], sections[:-1], strict=True):
        assert set(ours) == {"name", "correct", "total", "accuracy"}
        assert ours["name"] == theirs["section"] and ours["correct"] == len(theirs["correct"])


def test_similarity_json_and_text(capsys, kv):
    path = datapath("simlex999.txt")
    assert main(["evaluate", VECTORS, "--similarity", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"spearman", "pearson", "pairs", "skipped"}
    pearson, spearman, oov = kv.evaluate_word_pairs(path)
    assert out["spearman"] == pytest.approx(spearman[0], abs=1e-5)
    assert out["pearson"] == pytest.approx(pearson[0], abs=1e-5)
    assert 100 * out["skipped"] / (out["pairs"] + out["skipped"]) == pytest.approx(oov)
    assert main(["evaluate", VECTORS, "--analogies", datapath("questions-words.txt")]) == 0
    assert "overall" in capsys.readouterr().out


def test_missing_file_is_one_clear_line(capsys, tmp_path):
    assert main(["evaluate", VECTORS, "--similarity", str(tmp_path / "nope.tsv")]) == 2
    assert "nope.tsv: cannot read" in capsys.readouterr().err
