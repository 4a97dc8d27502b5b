"""Vectors for words that are not rows of a set, composed from the set's fastText sub-words.

A set read from a fastText model (or trained as one in embviz) keeps gensim's keyed vectors as
``eset.model``. For a word the model has never seen, gensim's ``get_vector`` composes a vector
from the word's character n-grams (the mean of their bucket vectors): that is the vector used
here, in neighbours, analogies and expressions, and results that use one say so. A word of the
model's vocabulary that is missing from the set (e.g. read with ``--limit``) is not composed:
it is simply not a row, as before. Duck-typed, so the core needs no gensim.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet

COMPOSED_NOTE = "composed from sub-words"


def subword_model(eset: EmbeddingSet) -> Any:
    """The set's fastText keyed vectors (with n-gram buckets, same width), or None."""
    for owner in (eset, eset.full):
        if owner is None:
            continue
        kv = getattr(owner.model, "wv", owner.model)
        if (
            kv is not None
            and int(getattr(kv, "bucket", 0) or 0) > 0
            and hasattr(kv, "vectors_ngrams")
            and int(getattr(kv, "vector_size", -1)) == eset.dims
        ):
            return kv
    return None


def composed_vector(eset: EmbeddingSet, word: str) -> np.ndarray | None:
    """gensim's vector for ``word`` built from its n-grams, when ``word`` is not a row of the set
    and not a word of the model; None when no vector can be composed (no model, no n-grams)."""
    if not word or word in eset:
        return None
    kv = subword_model(eset)
    if kv is None or word in kv.key_to_index:
        return None
    try:  # the mean of ~20 n-gram rows: cheap, so nothing is kept
        vector = np.asarray(kv.get_vector(word), dtype=np.float32)
    except KeyError:
        return None
    return vector if vector.any() and np.isfinite(vector).all() else None


def can_compose(eset: EmbeddingSet, word: str) -> bool:
    return composed_vector(eset, word) is not None


def composed_note(words: list[str]) -> str:
    """``'governmentt' (composed from sub-words)`` for the words given, or ''."""
    return ", ".join(f"{w!r} ({COMPOSED_NOTE})" for w in words)


class SubwordQueries:
    """Plain-word queries for a fastText set (a :class:`~embviz.core.corpus.QueryEmbedder`):
    each word of the query is its row's vector, or gensim's vector composed from its n-grams
    when the set has no such row; several words are averaged after scaling each to unit length,
    as fastText's own sentence vectors are (``get_sentence_vector``)."""

    def __init__(self, eset: EmbeddingSet) -> None:
        self.eset = eset
        self.kv = subword_model(eset)
        self.composed: list[str] = []  # the last query's words that were composed

    @property
    def description(self) -> str:
        return f"{self.eset.name}'s fastText sub-words (unseen words composed from n-grams)"

    def embed_queries(self, texts: Any) -> np.ndarray:
        out = np.zeros((len(texts), self.eset.dims), dtype=np.float32)
        self.composed = []
        for i, text in enumerate(texts):
            parts = []
            for word in str(text).split():
                if word in self.eset:
                    vector = np.asarray(self.eset.vectors[self.eset.index_of(word)], np.float32)
                else:
                    vector = np.asarray(self.kv.get_vector(word), dtype=np.float32)
                    self.composed.append(word)
                norm = float(np.linalg.norm(vector))
                if norm > 0 and np.isfinite(norm):
                    parts.append(vector / norm)
            if parts:
                out[i] = np.mean(parts, axis=0)
        return out
