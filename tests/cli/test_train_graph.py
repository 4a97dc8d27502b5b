"""`embviz train --graph EDGES ...` as a person runs it, compared with gensim's own models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gensim.test.utils import datapath

from embviz.cli import main

LARGE = datapath("poincare_hypernyms_large.tsv")


def read_text_vectors(path):
    """A word2vec text file parsed as float64 (no float32 rounding on the way)."""
    lines = path.read_text().splitlines()
    rows, dims = map(int, lines[0].split())
    labels = [line.split(" ")[0] for line in lines[1:]]
    values = np.array([[float(v) for v in line.split(" ")[1:]] for line in lines[1:]])
    assert values.shape == (rows, dims)
    return labels, values


def test_poincare_cli_equals_gensim(tmp_path, capsys):
    from gensim.models.poincare import PoincareModel, PoincareRelations

    out = tmp_path / "hypernyms.vec"
    args = ["train", "--graph", LARGE, "--algorithm", "poincare", "--dims", "3", "--epochs", "6"]
    args += ["--negative", "4", "--batch-size", "5", "--seed", "9", "-o", str(out)]
    assert main(args) == 0
    reference = PoincareModel(PoincareRelations(LARGE), size=3, negative=4, seed=9, workers=1)
    reference.train(epochs=6, batch_size=5)
    labels, values = read_text_vectors(out)
    assert labels == reference.kv.index_to_key
    np.testing.assert_allclose(values, reference.kv.vectors, rtol=0, atol=1e-12)
    assert np.array_equal(values, reference.kv.vectors)  # 17 digits: the float64 values exactly
    record = json.loads((tmp_path / "hypernyms.vec.graph.json").read_text())
    assert record["edges"] == LARGE and record["algorithm"] == "poincare"
    assert "wrote 128 nodes x 3 dims (poincare)" in capsys.readouterr().out


def test_node2vec_cli_equals_word2vec_on_its_walks(tmp_path):
    from gensim.models import KeyedVectors, Word2Vec

    from embviz.io.edge_list import read_edge_list
    from embviz.models.graph.graph import build_graph
    from embviz.models.graph.walks import random_walks

    out = tmp_path / "n2v.bin"
    args = ["train", "--graph", LARGE, "--algorithm", "node2vec", "--dims", "6", "--epochs", "1"]
    args += ["--walk-length", "10", "--walks-per-node", "2", "--p", "4", "--q", "0.25"]
    assert main([*args, "--seed", "3", "-o", str(out)]) == 0
    walks = random_walks(build_graph(read_edge_list(LARGE)), 10, 2, 4.0, 0.25, seed=3)
    reference = Word2Vec(
        walks, vector_size=6, window=10, min_count=0, sg=1, seed=3, workers=1, epochs=1
    )
    kv = KeyedVectors.load_word2vec_format(str(out), binary=True)
    assert kv.index_to_key == reference.wv.index_to_key
    assert np.array_equal(kv.vectors, reference.wv.vectors)


def test_graph_bad_input_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\t1\nc\td\tmany\n")
    assert main(["train", "--graph", str(bad), "-o", str(tmp_path / "x.vec")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 2: the weight 'many' is not a number" in err and "Traceback" not in err
    ok = tmp_path / "ok.tsv"
    ok.write_text("a\tb\n")
    assert main(["train", "--graph", str(ok), "-o", str(tmp_path / "x.csv")]) == 2
    assert "write .vec or .txt" in capsys.readouterr().err
    assert (
        main(["train", "--graph", str(ok), "--vector-size", "5", "-o", str(tmp_path / "x.vec")])
        == 2
    )
    assert "--vector-size: only for training with --corpus" in capsys.readouterr().err
    assert main(["train", "--graph", str(ok), "--p", "0", "-o", str(tmp_path / "x.vec")]) == 2
    assert "p must be at least" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # argparse: neither --corpus nor --graph
        main(["train", "-o", str(tmp_path / "x.vec")])
    assert info.value.code == 2
