"""Benchmarks with gensim's semantics and defaults, so the figures are comparable with gensim's.

Analogies (Google format: ``: section`` lines, then ``a b c d``) follow
``KeyedVectors.evaluate_word_analogies``: only the first ``restrict_vocab`` (300,000) rows count;
case-insensitive by default (words upper-cased; of several case variants the first row wins); a
question with a word outside that vocabulary is skipped (``dummy4unknown=False``); the answer is the
best 3CosAdd word among the top 5 that is not an input. Similarity files (wordsim353 / simlex999:
``word1<TAB>word2<TAB>score``, ``#`` comments) follow ``evaluate_word_pairs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.analogy import cosadd_query
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import top_k
from embviz.core.rows import finite_rows
from embviz.core.tasks import Progress, Task

RESTRICT_VOCAB = 300_000  # gensim's default
BATCH = 256


@dataclass
class Question:
    line: int  # 1-based line in the file
    words: tuple[str, str, str, str]  # as written in the file
    rows: tuple[int, int, int, int] | None = None  # rows of a, b, c, expected; None: unknown word
    predicted: str | None = None  # label of the answer given (for answered questions)
    correct: bool = False


@dataclass
class SectionReport:
    name: str
    questions: list[Question] = field(default_factory=list)

    @property
    def answered(self) -> list[Question]:
        return [q for q in self.questions if q.rows is not None]

    @property
    def correct(self) -> int:
        return sum(q.correct for q in self.answered)

    @property
    def total(self) -> int:
        return len(self.answered)

    @property
    def skipped(self) -> int:
        return len(self.questions) - self.total

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def failures(self) -> list[Question]:
        return [q for q in self.answered if not q.correct]


@dataclass
class AnalogyReport:
    path: str
    sections: list[SectionReport]
    restrict_vocab: int
    case_insensitive: bool

    correct = property(lambda self: sum(s.correct for s in self.sections))
    total = property(lambda self: sum(s.total for s in self.sections))
    skipped = property(lambda self: sum(s.skipped for s in self.sections))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def oov_ratio(self) -> float:
        """Percentage of questions with an unknown word (gensim logs this figure)."""
        asked = self.total + self.skipped
        return 100.0 * self.skipped / asked if asked else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "correct": self.correct,
            "total": self.total,
            "skipped": self.skipped,
            "sections": [
                {"name": s.name, "correct": s.correct, "total": s.total, "accuracy": s.accuracy}
                for s in self.sections
            ],
        }


def _vocab(eset: EmbeddingSet, restrict_vocab: int, case_insensitive: bool) -> dict[str, int]:
    """gensim's ``ok_vocab``: key -> row among the first ``restrict_vocab`` rows, first one wins.

    Rows with NaN or infinite values are not in it: a question or pair naming one is skipped
    (and counted), instead of being answered with NaN scores."""
    finite = finite_rows(eset)
    vocab: dict[str, int] = {}
    for row, label in enumerate(eset.labels[:restrict_vocab]):
        if finite[row]:
            vocab.setdefault(label.upper() if case_insensitive else label, row)
    return vocab


def read_analogies(path: str | Path) -> list[SectionReport]:
    """Sections and questions of a Google-format file; lines that are not 4 words are ignored."""
    sections: list[SectionReport] = []
    try:
        data = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EmbvizError(f"{path}: cannot read the analogy file ({exc}).") from None
    for line_no, line in enumerate(data.split("\n"), start=1):  # gensim splits at \n only
        if line.startswith(": "):
            sections.append(SectionReport(line.lstrip(": ").strip()))
            continue
        words = line.split()
        if len(words) != 4:
            continue
        if not sections:
            raise EmbvizError(
                f"{path}, line {line_no}: a question before any ': section' line. "
                "Analogy files start each section with a line like ': capital-common-countries'."
            )
        a, b, c, d = words
        sections[-1].questions.append(Question(line_no, (a, b, c, d)))
    if not sections:
        raise EmbvizError(f"{path}: no ': section' lines; is this an analogy file (Google format)?")
    return sections


def evaluate_analogies_task(
    eset: EmbeddingSet,
    path: str | Path,
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
    rescore: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Task[AnalogyReport]:
    """Accuracy overall and per section (a task: yields progress, returns an AnalogyReport).

    ``rescore(queries, cosines)``: other scores for the candidates (hub-reduced neighbours, see
    embviz.core.health.hub_reduction); None keeps gensim's cosine."""
    sections = read_analogies(path)
    vocab = _vocab(eset, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    asked: list[tuple[Question, tuple[int, int, int, int]]] = []  # with the rows of its words
    for section in sections:
        for q in section.questions:
            a, b, c, d = (fold(w) for w in q.words)
            if a in vocab and b in vocab and c in vocab and d in vocab:
                q.rows = (vocab[a], vocab[b], vocab[c], vocab[d])
                asked.append((q, q.rows))
    with np.errstate(invalid="ignore"):
        unit = eset.unit_vectors()
    candidates = unit[:restrict_vocab]
    unusable = ~finite_rows(eset)[:restrict_vocab]
    yield Progress(0.0, f"Answering {len(asked):,} analogy questions")
    for start in range(0, len(asked), BATCH):
        batch = asked[start : start + BATCH]
        queries = np.stack([cosadd_query(unit, *rows[:3]) for _, rows in batch])
        with np.errstate(invalid="ignore", over="ignore"):
            scores = queries @ candidates.T
            if rescore is not None:
                scores = rescore(queries, scores)
        scores[:, unusable] = -np.inf  # NaN scores would sort first
        for i, (_, rows) in enumerate(batch):
            scores[i, list(set(rows[:3]))] = -np.inf
        best = top_k(scores, 5)
        for i, (q, _) in enumerate(batch):
            ignore = {fold(w) for w in q.words[:3]}
            predicted = None
            for row in best[i]:
                predicted = fold(eset.labels[row])  # gensim: first of the top 5 not an input
                q.predicted = eset.labels[row]
                if predicted in vocab and predicted not in ignore:
                    break
            q.correct = predicted == fold(q.words[3])
        done = min(start + BATCH, len(asked))
        yield Progress(done / max(len(asked), 1), f"Answered {done:,} of {len(asked):,}")
    return AnalogyReport(str(path), sections, restrict_vocab, case_insensitive)


@dataclass
class SimilarityReport:
    path: str
    spearman: float
    pearson: float
    pairs: int  # pairs used
    skipped: int  # pairs with a word outside the vocabulary

    @property
    def oov_ratio(self) -> float:
        """gensim's third return value: percentage of pairs with an unknown word."""
        return 100.0 * self.skipped / (self.pairs + self.skipped)

    def to_json(self) -> dict[str, Any]:
        return {
            "spearman": self.spearman,
            "pearson": self.pearson,
            "pairs": self.pairs,
            "skipped": self.skipped,
        }


def evaluate_similarity(
    eset: EmbeddingSet,
    path: str | Path,
    delimiter: str = "\t",
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
) -> SimilarityReport:
    """Spearman and Pearson correlation of cosine similarity with human judgements."""
    from scipy import stats

    vocab = _vocab(eset, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    with np.errstate(invalid="ignore"):
        unit = eset.unit_vectors()
    gold: list[float] = []
    model: list[float] = []
    skipped = 0
    try:
        with open(path, encoding="utf-8") as f:  # universal newlines, as gensim reads it
            lines = f.readlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EmbvizError(f"{path}: cannot read the similarity file ({exc}).") from None
    for line in lines:
        parts = line.split(delimiter)
        if line.startswith("#") or len(parts) != 3:
            continue  # a comment, or not a "word1 word2 score" line (gensim skips these too)
        a, b, sim = (fold(p) for p in parts)
        try:
            value = float(sim)
        except ValueError:
            continue
        if a not in vocab or b not in vocab:
            skipped += 1
            continue
        gold.append(value)
        model.append(float(np.dot(unit[vocab[a]], unit[vocab[b]])))
    if not gold:
        raise EmbvizError(
            f"{path}: no usable pairs: expected 'word1<TAB>word2<TAB>score' lines with words "
            f"of {eset.name}."
        )
    return SimilarityReport(
        str(path),
        float(stats.spearmanr(gold, model).statistic),
        float(stats.pearsonr(gold, model).statistic),
        len(gold),
        skipped,
    )
