"""Vector expressions: ``king - man + woman``, ``0.5*paris + 0.5*rome``.

An expression is a weighted sum of words. A word may contain ``-`` (``well-known``) when it is a
label of the set; operators are otherwise split out. With the cosine metric the words' unit vectors
are summed, as word2vec and gensim's ``most_similar`` do; with euclidean and dot the original
vectors are summed. With ``compose=True`` a word that is not a label but can be composed from the
set's fastText sub-words (:mod:`embviz.core.composed`) is a term too, listed in ``composed``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from embviz.core.composed import composed_vector
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError

_NUMBER = re.compile(r"^\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$|^\.\d+(?:[eE][+-]?\d+)?$")
_PIECES = re.compile(r"([+\-*])")


class ExpressionError(EmbvizError):
    """An expression that names an unknown word or cannot be read."""


@dataclass(frozen=True)
class Expression:
    text: str
    terms: tuple[tuple[str, float], ...]  # (label, weight), in the order written
    composed: tuple[str, ...] = ()  # terms that are not labels: composed from sub-words

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.terms]

    @property
    def is_single_label(self) -> bool:
        return len(self.terms) == 1 and self.terms[0][1] == 1.0

    def rows(self, eset: EmbeddingSet) -> list[int]:
        """The rows the terms name (composed words have none)."""
        return [eset.index_of(label) for label in self.labels if label not in self.composed]

    def vector(
        self,
        eset: EmbeddingSet,
        matrix: np.ndarray,
        as_row: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> np.ndarray:
        """The weighted sum of the terms' rows of ``matrix`` (unit vectors for cosine), float32.

        ``as_row`` turns a composed word's vector into a row of ``matrix`` (normalised for
        cosine, centred when the matrix is); needed when the expression has composed words.
        """
        out = np.zeros(matrix.shape[1], dtype=np.float32)
        for label, weight in self.terms:
            if label in self.composed:
                vector = composed_vector(eset, label)
                if vector is None or as_row is None:
                    raise ExpressionError(f"{label!r} is not a label of {eset.name}.")
                out += np.float32(weight) * as_row(vector)
            else:
                out += np.float32(weight) * matrix[eset.index_of(label)]
        return out


def _tokens(text: str, eset: EmbeddingSet) -> list[str]:
    tokens: list[str] = []
    for chunk in text.split():
        if chunk in eset:
            tokens.append(chunk)
        else:
            tokens += [piece for piece in _PIECES.split(chunk) if piece]
    return tokens


def suggestion(word: str, eset: EmbeddingSet) -> str:
    """' Did you mean 'Queen'?' when a label differs from ``word`` only in case, else ''."""
    for candidate in (word.lower(), word.capitalize(), word.upper()):
        if candidate != word and candidate in eset:
            return f" Did you mean {candidate!r}?"
    folded = word.casefold()
    match = next((label for label in eset.labels if label.casefold() == folded), None)
    return f" Did you mean {match!r}?" if match else ""


def _unknown(word: str, text: str, eset: EmbeddingSet) -> ExpressionError:
    hint = suggestion(word, eset)
    return ExpressionError(f"{word!r} is not a label of {eset.name} (in {text!r}).{hint}")


def _one_word(text: str, eset: EmbeddingSet) -> bool:
    """Whether ``text`` reads as one unseen word (``well-knownn``), not an expression of labels."""
    if any(ch.isspace() or ch in "+*" for ch in text):
        return False
    parts = [part for part in text.split("-") if part]
    return len(parts) < 2 or not all(part in eset or _NUMBER.match(part) for part in parts)


def parse(text: str, eset: EmbeddingSet, compose: bool = False) -> Expression:
    """Read ``text`` as a label or a weighted sum of labels; ExpressionError names what is wrong.

    ``compose``: a word that is not a label may be composed from the set's sub-words.
    """
    text = text.strip()
    if not text:
        raise ExpressionError("The query is empty: type a label or an expression like a - b + c.")
    if text in eset:
        return Expression(text, ((text, 1.0),))
    if compose and _one_word(text, eset) and composed_vector(eset, text) is not None:
        return Expression(text, ((text, 1.0),), (text,))
    tokens = _tokens(text, eset)
    terms: list[tuple[str, float]] = []
    composed: list[str] = []
    sign, coef, expect_term = 1.0, None, True
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in "+-" and len(tok) == 1:
            if not expect_term:
                sign, expect_term = (1.0 if tok == "+" else -1.0), True
            elif coef is None and not terms and i == 0:
                sign = 1.0 if tok == "+" else -1.0
            else:
                raise ExpressionError(f"Unexpected {tok!r} in {text!r}: two operators in a row.")
        elif tok == "*":
            raise ExpressionError(
                f"Unexpected '*' in {text!r}: write a number before it, 0.5*paris."
            )
        elif _NUMBER.match(tok):
            if not expect_term or coef is not None:
                raise ExpressionError(f"Unexpected number {tok!r} in {text!r}.")
            coef = float(tok)
            if i + 1 < len(tokens) and tokens[i + 1] == "*":
                i += 1
        elif tok in eset or (compose and composed_vector(eset, tok) is not None):
            if tok not in eset:
                composed.append(tok)
            if not expect_term:
                raise ExpressionError(
                    f"Missing '+' or '-' before {tok!r} in {text!r} (words are joined by + or -)."
                )
            terms.append((tok, sign * (1.0 if coef is None else coef)))
            sign, coef, expect_term = 1.0, None, False
        else:
            raise _unknown(tok, text, eset)
        i += 1
    if expect_term:
        raise ExpressionError(f"{text!r} ends with an operator or number: a word is missing.")
    return Expression(text, tuple(terms), tuple(dict.fromkeys(composed)))
