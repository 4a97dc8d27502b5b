"""Sniffing by content: the extension only breaks ties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gensim.test.utils import datapath

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import UnknownFormatError
from embviz.io import load, sniff
from embviz.io.writers import write_npz, write_word2vec

SMALL = EmbeddingSet(["the", "of", "and"], np.arange(12, dtype=np.float32).reshape(3, 4) / 7)


def test_glove_file_named_bin(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_text("the 0.1 0.2 0.3\nof 0.4 0.5 0.6\n")
    assert sniff(path)[0].name == "glove-text"
    assert load(path).labels == ["the", "of"]


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    write_word2vec(SMALL, path, binary=True)
    assert sniff(path)[0].name == "word2vec-binary"
    assert np.array_equal(load(path).vectors, SMALL.vectors)


def test_word2vec_text_named_npy(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    write_word2vec(SMALL, path, binary=False)
    assert sniff(path)[0].name == "word2vec-text"


def test_npy_named_vec(tmp_path: Path) -> None:
    path = tmp_path / "x.vec"
    with open(path, "wb") as f:
        np.save(f, SMALL.vectors)
    assert sniff(path)[0].name == "numpy"


def test_npz_named_bin(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    write_npz(SMALL, path)
    assert sniff(path)[0].name == "numpy-npz"


def test_glove_with_one_dimension_is_not_mistaken_for_a_header(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_text("1 2\n3 4\n5 6\n")  # "1 2" looks like a header, but rows have 2 tokens, not 3
    assert sniff(path)[0].name == "glove-text"
    assert load(path).labels == ["1", "3", "5"]


def test_word2vec_text_with_one_dimension(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_text("2 1\na 0.5\nb 0.25\n")
    assert sniff(path)[0].name == "word2vec-text"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lee_fasttext.vec", "word2vec-text"),
        ("euclidean_vectors.bin", "word2vec-binary"),
        ("test_glove.txt", "glove-text"),
        ("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", "word2vec-text"),
        ("word2vec_pre_kv_c", "word2vec-text"),
        ("lee_fasttext.bin", "fasttext-bin"),  # fastText before its magic number
        ("toy-model.bin", "fasttext-bin"),
        ("word2vec_3.3", "gensim"),
    ],
)
def test_gensim_data_is_sniffed(name: str, expected: str) -> None:
    fmt, score = sniff(datapath(name))
    assert fmt.name == expected and 0 < score


@pytest.mark.parametrize(
    "name", ["questions-words.txt", "wordsim353.tsv", "simlex999.txt", "lee.cor"]
)
def test_other_files_are_not_claimed(name: str) -> None:
    with pytest.raises(UnknownFormatError, match="not a recognised embedding file"):
        sniff(datapath(name))


def test_header_only_is_claimed_so_the_error_is_clear(tmp_path: Path) -> None:
    path = tmp_path / "h.bin"
    path.write_text("3 5\n")
    fmt, score = sniff(path)
    assert fmt.name == "word2vec-text" and score < 0.5


def test_sniff_scores_are_in_range(tmp_path: Path) -> None:
    from embviz.io import formats

    path = tmp_path / "x.vec"
    write_word2vec(SMALL, path, binary=False)
    head = path.read_bytes()
    for fmt in formats:
        assert 0.0 <= fmt.sniff(path, head) <= 1.0
