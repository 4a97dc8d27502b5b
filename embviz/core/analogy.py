"""Analogies "a is to b as c is to ?", computed exactly as gensim defines them.

3CosAdd is gensim's ``most_similar(positive=[b, c], negative=[a])``: the cosine of each word with the
normalised mean of the unit vectors b + c - a. 3CosMul is ``most_similar_cosmul`` (Levy & Goldberg,
eq. 4, cosines shifted to [0, 1]): cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-6). gensim always
leaves the input words out of the answers; here that is a visible toggle, on by default, because
with it off "man : doctor :: woman : ?" often answers "doctor". An input word that is not a label
is composed from the set's fastText sub-words where it has them (as gensim's ``most_similar``
composes it); it has no row (-1 in ``input_rows``) and is listed in ``composed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embviz.core.composed import composed_vector
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.expressions import suggestion
from embviz.core.neighbors import MAX_K, top_k
from embviz.core.rows import describe_rows, finite_rows

METHODS = ("3cosadd", "3cosmul")
METHOD_NAMES = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}
COSMUL_EPSILON = 0.000001  # gensim's


@dataclass
class AnalogyResult:
    method: str
    a: str
    b: str
    c: str
    rows: np.ndarray  # best first
    scores: np.ndarray
    labels: list[str]
    exclude_inputs: bool
    input_rows: tuple[int, int, int]  # -1 for an input composed from sub-words (no row)
    expected: str | None = None
    expected_rank: int | None = None  # 1 = the best answer; None: not asked, or an excluded input
    expected_score: float | None = None
    notes: list[str] = field(default_factory=list)  # about the expected answer
    warnings: list[str] = field(default_factory=list)  # about the set (rows left out)
    composed: list[str] = field(default_factory=list)  # inputs composed from sub-words

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "results": [
                {"label": label, "score": float(score)}
                for label, score in zip(self.labels, self.scores, strict=True)
            ],
        }
        if self.composed:
            out["composed"] = True
            out["composed_words"] = list(self.composed)
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    @property
    def answer_row(self) -> int | None:
        return int(self.rows[0]) if len(self.rows) else None


def _row(eset: EmbeddingSet, word: str, role: str) -> int:
    try:
        return eset.index_of(word)
    except KeyError:
        hint = suggestion(word, eset)
        raise EmbvizError(f"{role} {word!r} is not a label of {eset.name}.{hint}") from None


def _input(eset: EmbeddingSet, word: str, role: str) -> tuple[int, np.ndarray | None]:
    """(row, None) for a label; (-1, unit vector) for a word composed from sub-words."""
    if word not in eset:
        vector = composed_vector(eset, word)
        if vector is not None:
            return -1, vector / np.float32(np.linalg.norm(vector))
    return _row(eset, word, role), None


def cosadd_query(unit: np.ndarray, ia: int, ib: int, ic: int) -> np.ndarray:
    """gensim's mean vector for positive=[b, c], negative=[a], normalised (float32)."""
    return cosadd_vector(unit[ia], unit[ib], unit[ic])


def cosadd_vector(ua: np.ndarray, ub: np.ndarray, uc: np.ndarray) -> np.ndarray:
    """The same from the three unit vectors."""
    mean = np.zeros(ua.shape[-1], dtype=np.float32)
    mean += ub
    mean += uc
    mean += np.float32(-1.0) * ua
    mean /= np.float32(3.0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm > 0 else mean


def analogy_scores(eset: EmbeddingSet, ia: int, ib: int, ic: int, method: str) -> np.ndarray:
    """The score of every row as an answer (higher is better)."""
    unit = eset.unit_vectors()
    return vector_scores(eset, unit[ia], unit[ib], unit[ic], method)


def vector_scores(
    eset: EmbeddingSet, ua: np.ndarray, ub: np.ndarray, uc: np.ndarray, method: str
) -> np.ndarray:
    """The score of every row as an answer, from the inputs' unit vectors."""
    with np.errstate(invalid="ignore", over="ignore"):  # rows with NaN/inf: not finite
        unit = eset.unit_vectors()
        if method == "3cosadd":
            return np.asarray(unit @ cosadd_vector(ua, ub, uc))
        if method == "3cosmul":
            shifted = [(1 + unit @ u) / 2 for u in (ub, uc, ua)]
            return np.asarray(shifted[0] * shifted[1] / (shifted[2] + COSMUL_EPSILON))
    raise EmbvizError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")


def _check_inputs(
    eset: EmbeddingSet, finite: np.ndarray, words: tuple[str, ...], rows: tuple[int, ...]
) -> None:
    for role, word, row in zip("abc", words, rows, strict=True):
        if row >= 0 and not finite[row]:
            raise EmbvizError(
                f"{eset.name}: {role}: {word!r} (row {row + 1}) holds NaN or infinite values, so "
                "it has no direction. Fix or drop that row in the file."
            )


def solve(
    eset: EmbeddingSet,
    a: str,
    b: str,
    c: str,
    k: int = 10,
    method: str = "3cosadd",
    exclude_inputs: bool = True,
    expected: str | None = None,
) -> AnalogyResult:
    """a is to b as c is to ?: the top ``k`` answers with scores, and the rank of ``expected``."""
    method = method.lower()
    if method not in METHODS:
        raise EmbvizError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    if not 1 <= k <= MAX_K:
        raise EmbvizError(f"k must be between 1 and {MAX_K}, got {k}.")
    (ia, va), (ib, vb), (ic, vc) = (
        _input(eset, w, r) for w, r in ((a, "a:"), (b, "b:"), (c, "c:"))
    )
    ie = _row(eset, expected, "expected:") if expected else None
    finite = finite_rows(eset)
    _check_inputs(eset, finite, (a, b, c), (ia, ib, ic))
    inputs = {ia, ib, ic} - {-1}
    usable = finite.copy()
    if exclude_inputs:
        usable[list(inputs)] = False
    n_valid = int(usable.sum())
    if n_valid == 0:
        raise EmbvizError(
            f"{eset.name}: no answer is left: it has {len(eset):,} row(s), and the input words "
            "are not answers"
            + (" (rows with NaN values are left out)" if not finite.all() else "")
            + ". Use a larger set, or allow the inputs as answers (--keep-inputs)."
        )
    unit = eset.unit_vectors()
    ua, ub, uc = (unit[i] if v is None else v for i, v in ((ia, va), (ib, vb), (ic, vc)))
    scores = vector_scores(eset, ua, ub, uc, method)
    scores[~usable] = -np.inf  # NaN rows would otherwise sort first
    rows = top_k(scores, min(k, n_valid))
    result = AnalogyResult(
        method, a, b, c, rows, scores[rows].astype(np.float64),
        [eset.labels[int(r)] for r in rows], exclude_inputs, (ia, ib, ic), expected,
    )  # fmt: skip
    result.composed = [w for w, v in ((a, va), (b, vb), (c, vc)) if v is not None]
    if not finite.all():
        result.warnings.append(
            f"{int((~finite).sum()):,} of {len(eset):,} rows hold NaN or infinite values and "
            f"are left out of the answers ({describe_rows(eset, ~finite)})."
        )
    if ie is not None:
        if not finite[ie]:
            result.notes.append(f"{expected!r} holds NaN or infinite values: it has no rank.")
        elif exclude_inputs and ie in inputs:
            result.notes.append(f"{expected!r} is an input word, so it is excluded from answers.")
        else:
            result.expected_score = float(scores[ie])
            result.expected_rank = int(np.count_nonzero(scores > scores[ie])) + 1
    return result
