"""Every command that opens a file takes the same read options (e.g. --trust for gensim pickles)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embviz.cli import main


@pytest.fixture
def kv_file(tmp_path):
    rng = np.random.default_rng(2)
    kv = KeyedVectors(8)
    kv.add_vectors([f"w{i}" for i in range(40)], rng.normal(size=(40, 8)).astype(np.float32))
    path = tmp_path / "vectors.kv"
    kv.save(str(path))
    return path, kv


@pytest.mark.parametrize("command", [["neighbors", "{p}", "w0"], ["project", "{p}"]])
def test_a_pickle_needs_trust_and_says_so(kv_file, capsys, command):
    path, _ = kv_file
    args = [a.format(p=path) for a in command]
    assert main(args) == 2
    message = capsys.readouterr().err
    assert str(path) in message and "--trust" in message


def test_neighbours_of_a_trusted_pickle_equal_gensim(kv_file, capsys):
    path, kv = kv_file
    assert main(["neighbors", str(path), "w0", "-k", "5", "--trust", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    expected = kv.most_similar("w0", topn=5)
    assert [n["label"] for n in result["neighbors"]] == [label for label, _ in expected]
    assert np.allclose([n["score"] for n in result["neighbors"]], [s for _, s in expected])


def test_limit_and_format_reach_the_reader(small_glove, capsys):
    path, labels, _ = small_glove
    assert (
        main(
            [
                "neighbors",
                str(path),
                labels[0],
                "--format",
                "glove-text",
                "--limit",
                "10",
                "-k",
                "20",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert len(result["neighbors"]) == 9  # only the first 10 rows were read; the query is left out
