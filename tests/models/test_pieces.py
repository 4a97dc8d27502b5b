"""Pieces equal the tokenizers' own tokenize and convert_tokens_to_ids (WordPiece, BPE, Unigram)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]"'
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("tokenizers", reason=_NEED)

from embviz.models.pieces import pieces, split_counts  # noqa: E402
from embviz.models.token_text import CONTINUATION, WORD_START  # noqa: E402
from tests.models import tiny_models  # noqa: E402

TEXTS = [
    "Unbelievable! The quick brown fox jumps over the lazy dog.",
    "café naïve 東京 tokens, 1234 and emoji 🙂",
    "  spaces   and\ttabs\n",
]


@pytest.fixture(scope="module")
def tokenizers(tmp_path_factory):
    found = {
        "bpe": tiny_models.byte_bpe_tokenizer(),
        "unigram": tiny_models.unigram_tokenizer(),
        "wordpiece": tiny_models.wordpiece_tokenizer(tmp_path_factory.mktemp("wp")),
    }
    try:
        from embviz.models.hf_loading import load

        found["default"] = load("default").tokenizer
    except Exception:  # the default model is optional
        pass
    return found


@pytest.mark.parametrize("name", ["default", "wordpiece", "bpe", "unigram"])
def test_pieces_equal_the_tokenizers_own(tokenizers, name):
    if name not in tokenizers:
        pytest.skip("the default model is not installed")
    tokenizer = tokenizers[name]
    for text in TEXTS:
        result = pieces(text, tokenizer)
        expected = tokenizer.tokenize(text)
        assert result.pieces == expected
        assert result.ids == tokenizer.convert_tokens_to_ids(expected)
        assert len(result.spans) == len(expected) and len(result.word_of_piece) == len(expected)
        starts = [start for start, _ in result.spans]
        assert starts == sorted(starts) and all(0 <= a <= b <= len(text) for a, b in result.spans)
        assert result.word_of_piece == sorted(result.word_of_piece)


def test_default_pieces_words_and_kinds_by_hand(tokenizers):
    if "default" not in tokenizers:
        pytest.skip("the default model is not installed")
    result = pieces("Unaffable tokens!", tokenizers["default"])
    assert result.pieces == ["una", "##ffa", "##ble", "token", "##s", "!"]
    assert result.kinds == [WORD_START, CONTINUATION, CONTINUATION, WORD_START, CONTINUATION,
                            WORD_START]  # fmt: skip
    assert result.word_of_piece == [0, 0, 0, 1, 1, 2]
    assert result.words == ["Unaffable", "tokens", "!"]
    bare = [p.removeprefix("##") for p in result.pieces]
    assert [result.text[a:b].lower() for a, b in result.spans] == bare
    assert result.to_json()["pieces"] == result.pieces


def test_split_counts_equal_tokenize_lengths(tokenizers):
    words = ["the", "unbelievable", "東京", "governmentt", "café", "x"]
    for name, tokenizer in tokenizers.items():
        counts = split_counts(words, tokenizer)
        assert counts.dtype == np.int64
        assert counts.tolist() == [len(tokenizer.tokenize(w)) for w in words], name
