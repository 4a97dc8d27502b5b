"""fastText n-grams, buckets, vectors and shares against gensim's own fastText code."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models.fasttext import compute_ngrams_bytes, ft_ngram_hashes, load_facebook_model
from gensim.test.utils import datapath

from embviz.core.errors import EmbvizError
from embviz.models.subwords import breakdown, load_subword_model

BIN = datapath("lee_fasttext.bin")


@pytest.fixture(scope="module")
def ours():
    return load_subword_model(BIN)


@pytest.fixture(scope="module")
def gensim_wv():
    return load_facebook_model(BIN).wv  # gensim's loader, a separate object from ours


@pytest.mark.parametrize("word", ["governmentt", "government", "naïveté", "x", "東京"])
def test_ngrams_buckets_and_vector_equal_gensim(ours, gensim_wv, word):
    parts = breakdown(word, ours)
    wv = gensim_wv
    assert parts.ngrams == [
        n.decode("utf-8") for n in compute_ngrams_bytes(word, wv.min_n, wv.max_n)
    ]
    assert parts.buckets == list(ft_ngram_hashes(word, wv.min_n, wv.max_n, wv.bucket))
    assert np.array_equal(parts.vectors, wv.vectors_ngrams[parts.buckets])
    np.testing.assert_allclose(parts.composed, wv.get_vector(word), atol=1e-6)
    assert parts.in_vocabulary == (word in wv.key_to_index)
    # the composed vector is the mean of its terms (the word's own vector too, when it has one)
    terms = list(parts.vectors) + ([parts.word_vector] if parts.word_vector is not None else [])
    np.testing.assert_allclose(np.mean(terms, axis=0), parts.composed, atol=1e-6)
    # shares: (v . c) / (n |c|^2), summing to 1; cosines as scikit-learn computes them
    total = parts.shares.sum() + (parts.word_share or 0.0)
    assert total == pytest.approx(1.0, abs=1e-5)
    from sklearn.metrics.pairwise import cosine_similarity

    expected = cosine_similarity(parts.vectors, parts.composed[None, :])[:, 0]
    np.testing.assert_allclose(parts.cosines, expected, atol=1e-5)


def test_ngrams_of_a_short_word_by_hand(ours):
    assert (ours.min_n, ours.max_n) == (3, 6)
    parts = breakdown("gov", ours)
    assert sorted(parts.ngrams) == sorted(["<go", "gov", "ov>", "<gov", "gov>", "<gov>"])


def test_breakdown_of_a_trained_gensim_model():
    from gensim.models import FastText

    sentences = [["the", "river", "bank", "flows"], ["the", "bank", "pays", "interest"]] * 20
    model = FastText(
        sentences, vector_size=12, min_count=1, epochs=2, bucket=500, seed=1, workers=1
    )
    parts = breakdown("banker", model)  # the model itself: its .wv is used
    assert parts.buckets == list(ft_ngram_hashes("banker", 3, 6, 500))
    np.testing.assert_allclose(parts.composed, model.wv.get_vector("banker"), atol=1e-6)


def test_plain_vectors_have_no_subwords(tmp_path):
    with pytest.raises(EmbvizError, match="n-gram"):
        load_subword_model(datapath("lee_fasttext.vec"))
    with pytest.raises(EmbvizError, match="empty"):
        breakdown("", load_subword_model(BIN))


def test_pieces_of_a_fasttext_model_are_its_ngrams(ours, gensim_wv):
    from embviz.models.pieces import pieces

    wv = gensim_wv
    result = pieces("governmentt  army", ours)
    first = list(ft_ngram_hashes("governmentt", wv.min_n, wv.max_n, wv.bucket))
    second = list(ft_ngram_hashes("army", wv.min_n, wv.max_n, wv.bucket))
    assert result.ids == first + second
    assert result.word_of_piece == [0] * len(first) + [1] * len(second)
    assert result.words == ["governmentt", "army"]
    assert result.pieces[: len(first)] == breakdown("governmentt", ours).ngrams
