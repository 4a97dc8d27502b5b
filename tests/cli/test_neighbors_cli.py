"""`embviz neighbors` and `embviz analogy`: fixed JSON shapes, numbers equal gensim's."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.cli import main

VECTORS = datapath("lee_fasttext.vec")


@pytest.fixture(scope="module")
def kv():
    eset = embviz.load(VECTORS)
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return kv


def _json(capsys, *argv):
    assert main([*map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _assert_same(items, expected):
    assert [x["label"] for x in items] == [w for w, _ in expected]
    np.testing.assert_allclose([x["score"] for x in items], [s for _, s in expected], atol=1e-5)


def test_neighbors_json(capsys, kv):
    out = _json(capsys, "neighbors", VECTORS, "government", "-k", "7")
    assert set(out) == {"query", "metric", "neighbors"}
    assert (out["query"], out["metric"]) == ("government", "cosine")
    assert all(set(x) == {"label", "score"} for x in out["neighbors"])
    _assert_same(out["neighbors"], kv.most_similar("government", topn=7))


def test_neighbors_of_an_expression(capsys, kv):
    out = _json(capsys, "neighbors", VECTORS, "minister - government + police")
    _assert_same(out["neighbors"], kv.most_similar(["minister", "police"], ["government"]))


def test_neighbors_euclidean_and_text(capsys):
    eset = embviz.load(VECTORS)
    out = _json(capsys, "neighbors", VECTORS, "police", "--metric", "euclidean", "-k", "3")
    dist = np.linalg.norm(
        eset.vectors.astype(np.float64) - eset.vectors[eset.index_of("police")], axis=1
    )
    order = [i for i in np.argsort(dist) if eset.labels[i] != "police"][:3]
    assert [x["label"] for x in out["neighbors"]] == [eset.labels[i] for i in order]
    np.testing.assert_allclose([x["score"] for x in out["neighbors"]], dist[order], rtol=1e-5)
    assert main(["neighbors", VECTORS, "police", "--center"]) == 0
    assert "CENTRED" in capsys.readouterr().out


def test_unknown_word_is_one_clear_line(capsys):
    assert main(["neighbors", VECTORS, "police - zzyzx"]) == 2
    err = capsys.readouterr().err
    assert "'zzyzx' is not a label" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("method", "ref"), [("3cosadd", "most_similar"), ("3cosmul", "most_similar_cosmul")]
)
def test_analogy_json(capsys, kv, method, ref):
    out = _json(
        capsys,
        "analogy",
        VECTORS,
        "government",
        "minister",
        "police",
        "-k",
        "5",
        "--method",
        method,
    )
    assert set(out) == {"method", "results"} and out["method"] == method
    expected = getattr(kv, ref)(positive=["minister", "police"], negative=["government"], topn=5)
    _assert_same(out["results"], expected)


def test_analogy_keep_inputs_and_text(capsys):
    out = _json(capsys, "analogy", VECTORS, "the", "of", "and", "--keep-inputs", "-k", "50")
    assert {"of", "and"} & {x["label"] for x in out["results"]}
    assert main(["analogy", VECTORS, "the", "of", "and", "--expected", "in"]) == 0
    text = capsys.readouterr().out
    assert "inputs excluded" in text and "expected 'in': rank" in text
