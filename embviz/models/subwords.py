"""fastText sub-words: a word's character n-grams, their buckets and vectors, and what each adds.

The n-grams and bucket ids are gensim's own (``compute_ngrams_bytes`` and ``ft_ngram_hashes`` with
the model's ``min_n``, ``max_n`` and ``bucket``): the n-grams of ``<word>`` whose length in
characters lies in [min_n, max_n], hashed (FNV-1a over their UTF-8 bytes) into ``bucket`` rows of
``vectors_ngrams``. The word's vector is what gensim's ``get_vector`` returns: for an unseen word
the mean of its n-gram vectors; for a word of the vocabulary the mean of its own vector and its
n-gram vectors (Bojanowski et al. 2017, as gensim's ``adjust_vectors`` composes them).

What each term contributes, ``share``: the length of its part of the mean (v_j / n) projected on
the composed vector c, as a fraction of |c|, i.e. ``(v_j . c) / (n |c|^2)``. The shares of all the
terms add up to exactly 1; a negative share pulls the word away from where it ends up. ``cosine``
is the plain cosine of v_j with c.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.errors import EmbvizError

if TYPE_CHECKING:
    from embviz.models.pieces import Pieces


@dataclass
class Subwords:
    """``ngrams[j]`` hashes to ``buckets[j]``, has vector ``vectors[j]``; see the module."""

    word: str
    in_vocabulary: bool
    ngrams: list[str]
    buckets: list[int]
    vectors: np.ndarray  # (len(ngrams), dims) float32: rows of vectors_ngrams
    composed: np.ndarray  # the word's vector, as gensim's get_vector gives it
    shares: np.ndarray  # per n-gram, see the module
    cosines: np.ndarray  # per n-gram: cosine with ``composed`` (0 for a zero vector)
    word_vector: np.ndarray | None = None  # the word's own trained vector (vocabulary words)
    word_share: float | None = None  # its share, when it has one

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "word": self.word,
            "in_vocabulary": self.in_vocabulary,
            "composed": not self.in_vocabulary,
            "ngrams": list(self.ngrams),
            "buckets": list(self.buckets),
            "shares": [float(s) for s in self.shares],
            "cosines": [float(c) for c in self.cosines],
        }
        if self.word_share is not None:
            out["word_share"] = float(self.word_share)
        return out


def subword_model(obj: Any) -> Any:
    """The FastTextKeyedVectors of a gensim FastText model or keyed vectors (with n-grams)."""
    kv = getattr(obj, "wv", obj)
    if kv is None or not int(getattr(kv, "bucket", 0) or 0) or not hasattr(kv, "vectors_ngrams"):
        raise EmbvizError(
            "This model has no sub-word (n-gram) vectors: only a fastText model can compose "
            "vectors from character n-grams."
        )
    return kv


def load_subword_model(path: str | Path) -> Any:
    """A fastText model file (Facebook ``.bin``) as gensim's FastTextKeyedVectors."""
    from embviz.io.registry import load

    eset = load(str(path))
    if eset.model is None:
        raise EmbvizError(
            f"{path}: a {eset.source.format} file holds plain vectors, without the n-gram "
            "vectors fastText keeps. Give a fastText .bin model (or a model folder)."
        )
    return subword_model(eset.model)


def ngrams_of(word: str, kv: Any) -> tuple[list[str], list[int]]:
    """gensim's n-grams of ``word`` (as text) and their bucket ids, in gensim's order."""
    from gensim.models.fasttext import compute_ngrams_bytes, ft_ngram_hashes

    encoded = compute_ngrams_bytes(word, kv.min_n, kv.max_n)
    buckets = [int(b) for b in ft_ngram_hashes(word, kv.min_n, kv.max_n, kv.bucket)]
    return [bytes(n).decode("utf-8", errors="replace") for n in encoded], buckets


def _cosines(rows: np.ndarray, target: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(target)
    dots = rows @ target
    cosines: np.ndarray = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    return cosines


def breakdown(word: str, kv: Any) -> Subwords:
    """``word``'s n-grams with buckets, vectors, shares and cosines (see the module)."""
    kv = subword_model(kv)
    if not word:
        raise EmbvizError("The word is empty: type a word to see its n-grams.")
    ngrams, buckets = ngrams_of(word, kv)
    vectors = np.asarray(kv.vectors_ngrams[buckets], dtype=np.float32).reshape(len(buckets), -1)
    in_vocabulary = word in kv.key_to_index
    own = None
    if in_vocabulary:
        own = np.asarray(kv.vectors_vocab[kv.key_to_index[word]], dtype=np.float32)
    composed = np.asarray(kv.get_vector(word), dtype=np.float32)
    terms = len(buckets) + (1 if own is not None else 0)
    c64 = composed.astype(np.float64)
    norm2 = float(c64 @ c64)
    scale = terms * norm2
    shares = vectors.astype(np.float64) @ c64 / scale if scale > 0 else np.zeros(len(buckets))
    word_share = None
    if own is not None:
        word_share = float(own.astype(np.float64) @ c64 / scale) if scale > 0 else 0.0
    cosines = _cosines(vectors.astype(np.float64), c64) if len(buckets) else np.zeros(0)
    return Subwords(
        word, in_vocabulary, ngrams, buckets, vectors, composed, shares, cosines, own, word_share
    )


def ngram_pieces(text: str, kv: Any) -> Pieces:
    """The n-grams of every word of ``text`` (split on white space) as :class:`Pieces`: ``ids``
    are bucket ids, ``word_of_piece`` the word's index, each span the whole word's characters,
    ``kinds`` "n-gram"."""
    import re

    from embviz.models.pieces import Pieces

    kv = subword_model(kv)
    result = Pieces(text, [], [], algorithm="fastText n-grams")
    for index, match in enumerate(re.finditer(r"\S+", text)):
        ngrams, buckets = ngrams_of(match.group(), kv)
        result.pieces += ngrams
        result.ids += buckets
        result.word_of_piece += [index] * len(ngrams)
        result.spans += [(match.start(), match.end())] * len(ngrams)
        result.kinds += ["n-gram"] * len(ngrams)
    result.labels = list(result.pieces)
    return result
