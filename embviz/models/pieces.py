"""How a model's tokenizer cuts text into pieces, and how many pieces each word of a set needs.

The pieces are exactly the tokenizer's own ``tokenize(text)`` and the ids its
``convert_tokens_to_ids`` (no special tokens added). Where the tokenizer is a fast one, each piece
also gets its character span and the index of the word it belongs to (the tokenizer's own
pre-tokenisation: ``word_ids``). ``labels`` are the pieces made readable as the token table labels its rows
(:func:`embviz.models.model_tables.token_table`); a piece's row in that table is its id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.models.token_text import style_of

if TYPE_CHECKING:
    from embviz.models.hf_loading import LoadedModel

SPLIT_COLUMN = "pieces"  # the metadata column split_counts fills for a static set


@dataclass
class Pieces:
    """``pieces[i]`` has id ``ids[i]``, covers ``text[spans[i][0]:spans[i][1]]`` and belongs to
    word ``word_of_piece[i]`` (-1 where the tokenizer gives no word)."""

    text: str
    pieces: list[str]
    ids: list[int]
    word_of_piece: list[int] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # readable pieces; the table's row is the id
    algorithm: str = ""

    @property
    def words(self) -> list[str]:
        """The words the pieces belong to, in order (from the pieces' character spans)."""
        out: dict[int, tuple[int, int]] = {}
        for word, (start, end) in zip(self.word_of_piece, self.spans, strict=True):
            if word >= 0:
                first, last = out.get(word, (start, end))
                out[word] = (min(first, start), max(last, end))
        return [self.text[start:end] for _, (start, end) in sorted(out.items())]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pieces": list(self.pieces), "ids": list(self.ids)}
        if self.word_of_piece:
            out["word_of_piece"] = list(self.word_of_piece)
            out["spans"] = [list(span) for span in self.spans]
        if self.kinds:
            out["kinds"] = list(self.kinds)
        if self.algorithm:
            out["algorithm"] = self.algorithm
        return out


def tokenizer_of(model: LoadedModel | str | Any) -> Any:
    """The tokenizer of "default", a folder, a hub id or a LoadedModel; a tokenizer is kept."""
    from embviz.models.hf_loading import LoadedModel, load

    if isinstance(model, str):
        model = load(model)
    if isinstance(model, LoadedModel):
        return model.tokenizer
    if hasattr(model, "tokenize") and hasattr(model, "convert_tokens_to_ids"):
        return model
    raise EmbvizError(f"{type(model).__name__} is not a tokenizer or a model with one.")


def pieces(text: str, model: LoadedModel | str | Any) -> Pieces:
    """The tokenizer's pieces of ``text`` with their ids (and spans and words when it is fast).

    A fastText model (gensim FastText or its keyed vectors) gives each word's n-grams, with their
    bucket ids as ids (:func:`embviz.models.subwords.ngram_pieces`).
    """
    if int(getattr(getattr(model, "wv", model), "bucket", 0) or 0) > 0:
        from embviz.models.subwords import ngram_pieces

        return ngram_pieces(text, model)
    tokenizer = tokenizer_of(model)
    tokens = [str(t) for t in tokenizer.tokenize(text)]
    ids = [int(i) for i in tokenizer.convert_tokens_to_ids(tokens)]
    style = style_of(tokenizer)
    result = Pieces(text, tokens, ids, algorithm=style.algorithm)
    result.kinds = [style.kind(t) for t in tokens]
    result.labels = [style.readable(t) for t in tokens]
    if getattr(tokenizer, "is_fast", False):
        encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        if encoding.tokens() == tokens:  # the same pieces: spans and words are theirs
            result.spans = [(int(a), int(b)) for a, b in encoding["offset_mapping"]]
            result.word_of_piece = [-1 if w is None else int(w) for w in encoding.word_ids()]
    return result


def split_counts(words: Sequence[str], model: LoadedModel | str | Any) -> np.ndarray:
    """How many pieces the tokenizer cuts each word into (each word tokenised on its own).

    A byte-level BPE vocabulary (GPT-2) spells a word differently after a space; the count here is
    for the word as written, without a leading space.
    """
    tokenizer = tokenizer_of(model)
    words = [str(w) for w in words]
    if getattr(tokenizer, "is_fast", False) and words:
        batch = tokenizer(words, add_special_tokens=False)["input_ids"]
        return np.array([len(ids) for ids in batch], dtype=np.int64)
    return np.array([len(tokenizer.tokenize(w)) for w in words], dtype=np.int64)
