"""Vector expressions: ``king - man + woman``, ``0.5*paris + 0.5*rome``.

An expression is a weighted sum of words. A word may contain ``-`` (``well-known``) when it is a
label of the set; operators are otherwise split out. With the cosine metric the words' unit vectors
are summed, as word2vec and gensim's ``most_similar`` do; with euclidean and dot the original
vectors are summed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

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

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.terms]

    @property
    def is_single_label(self) -> bool:
        return len(self.terms) == 1 and self.terms[0][1] == 1.0

    def rows(self, eset: EmbeddingSet) -> list[int]:
        return [eset.index_of(label) for label in self.labels]

    def vector(self, eset: EmbeddingSet, matrix: np.ndarray) -> np.ndarray:
        """The weighted sum of the terms' rows of ``matrix`` (unit vectors for cosine), float32."""
        out = np.zeros(matrix.shape[1], dtype=np.float32)
        for label, weight in self.terms:
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


def parse(text: str, eset: EmbeddingSet) -> Expression:
    """Read ``text`` as a label or a weighted sum of labels; ExpressionError names what is wrong."""
    text = text.strip()
    if not text:
        raise ExpressionError("The query is empty: type a label or an expression like a - b + c.")
    if text in eset:
        return Expression(text, ((text, 1.0),))
    tokens = _tokens(text, eset)
    terms: list[tuple[str, float]] = []
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
        elif tok in eset:
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
    return Expression(text, tuple(terms))
