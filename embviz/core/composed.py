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
