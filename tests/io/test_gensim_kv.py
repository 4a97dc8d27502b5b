"""gensim pickles (.kv, .model) need trust; fastText .bin keeps its model for unseen words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gensim.models import FastText, KeyedVectors, Word2Vec
from gensim.models.fasttext import load_facebook_vectors
from gensim.test.utils import common_texts, datapath

import embviz
from embviz.core.errors import LoadError, TrustRequired


@pytest.fixture(scope="module")
def model_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gensim")
    model = Word2Vec(common_texts, vector_size=8, min_count=1, seed=1, workers=1, epochs=2)
    files = {"model": folder / "w2v.model", "kv": folder / "w2v.kv"}
    model.save(str(files["model"]))
    model.wv.save(str(files["kv"]))
    ft = FastText(common_texts, vector_size=6, min_count=1, seed=1, workers=1, epochs=2)
    files["ft"] = folder / "ft.model"
    ft.save(str(files["ft"]))
    return files


@pytest.mark.parametrize("kind", ["model", "kv"])
def test_pickle_needs_trust_and_says_why(model_files, kind) -> None:
    path = model_files[kind]
    with pytest.raises(TrustRequired) as info:
        embviz.load(path)
    message = str(info.value)
    assert isinstance(info.value, LoadError) and str(path) in message
    assert "pickle" in message and "runs code" in message and "--trust" in message


@pytest.mark.parametrize("kind", ["model", "kv"])
def test_trusted_pickle_equals_gensim(model_files, kind) -> None:
    path = model_files[kind]
    eset = embviz.load(path, trust=True)
    kv = KeyedVectors.load(str(path)) if kind == "kv" else Word2Vec.load(str(path)).wv
    assert eset.source.format == "gensim"
    assert eset.labels == list(kv.index_to_key)
    assert np.array_equal(eset.vectors, kv.vectors)


def test_fasttext_model_pickle_gives_vectors_for_unseen_words(model_files) -> None:
    eset = embviz.load(model_files["ft"], trust=True)
    reference = FastText.load(str(model_files["ft"])).wv
    assert np.array_equal(eset.vectors, reference.vectors)
    assert np.array_equal(eset.model["computerish"], reference["computerish"])


def test_gensim_test_data_pickles(tmp_path) -> None:
    eset = embviz.load(datapath("word2vec_3.3"), trust=True)
    kv = Word2Vec.load(datapath("word2vec_3.3")).wv
    assert eset.labels == list(kv.index_to_key) and np.array_equal(eset.vectors, kv.vectors)


@pytest.mark.parametrize("name", ["lee_fasttext.bin", "lee_fasttext_new.bin"])
def test_fasttext_bin_equals_gensim(name) -> None:
    eset = embviz.load(datapath(name))
    kv = load_facebook_vectors(datapath(name))
    assert eset.source.format == "fasttext-bin"
    assert eset.labels == list(kv.index_to_key)
    assert np.array_equal(eset.vectors, kv.vectors)
    assert np.array_equal(eset.model["notinthevocab"], kv["notinthevocab"])


def test_fasttext_bin_first_rows() -> None:
    eset = embviz.load(datapath("lee_fasttext_new.bin"), limit=10)
    kv = load_facebook_vectors(datapath("lee_fasttext_new.bin"))
    assert eset.labels == kv.index_to_key[:10] and np.array_equal(eset.vectors, kv.vectors[:10])


def test_truncated_fasttext_bin(tmp_path) -> None:
    path = tmp_path / "cut.bin"
    path.write_bytes(Path(datapath("lee_fasttext_new.bin")).read_bytes()[:5000])
    with pytest.raises(LoadError) as info:
        embviz.load(path)
    assert str(path) in str(info.value) and "fastText" in str(info.value)
