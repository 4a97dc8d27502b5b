"""Sentences for the polysemy lab: parsing ``sentence[<TAB>sense[<TAB>word]]`` lines, choosing
the lines for a target word (reporting those without it), and finding the word in a corpus."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embviz.core.errors import EmbvizError


@dataclass(frozen=True)
class SentenceLine:
    """One input line: a sentence, an optional sense label, an optional target word."""

    text: str
    sense: str | None = None
    word: str | None = None  # the target this line is for (third column); None = any
    line: int = 0  # 1-based line number in the input


def parse_sentences(text: str, source: str = "input") -> list[SentenceLine]:
    """``sentence[<TAB>sense[<TAB>word]]`` per line; blank lines and ``#`` comments are skipped."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t")]
        if len(fields) > 3:
            raise EmbvizError(
                f"{source}, line {number}: {len(fields)} tab-separated columns; a line is a "
                "sentence, optionally a tab and a sense label, optionally a tab and the target word."
            )
        if not fields[0]:
            raise EmbvizError(f"{source}, line {number}: the sentence (first column) is empty.")
        sense = fields[1] if len(fields) > 1 and fields[1] else None
        word = fields[2].lower() if len(fields) > 2 and fields[2] else None
        out.append(SentenceLine(fields[0], sense, word, number))
    return out


def read_sentences(path: str | Path) -> list[SentenceLine]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EmbvizError(
            f"{path}: no such file. Give a text file, one sentence per line."
        ) from None
    except UnicodeDecodeError as exc:
        raise EmbvizError(f"{path}: not UTF-8 text ({exc.reason}). Save it as UTF-8.") from None
    return parse_sentences(text, str(path))


def word_pattern(word: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive (the same rule as ``embviz.models.tokens.find_word``)."""
    word = word.strip()
    if not word:
        raise EmbvizError("The target word is empty.")
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


@dataclass
class Selection:
    word: str
    lines: list[SentenceLine]  # the lines for this word that contain it
    without_word: list[SentenceLine]  # lines for this word that do not contain it: reported
    other_words: int = 0  # lines marked (third column) for another target word


def select(lines: Sequence[SentenceLine], word: str, others: Sequence[str] = ()) -> Selection:
    """The lines to use for ``word``. An unmarked line that contains none of the target words
    (``word`` and ``others``) is reported as without the word, never silently dropped."""
    pattern = word_pattern(word)
    other_patterns = [word_pattern(o) for o in others if o.strip().lower() != word.strip().lower()]
    chosen, missing, other = [], [], 0
    for line in lines:
        if line.word is not None and line.word != word.strip().lower():
            other += 1
        elif pattern.search(line.text):
            chosen.append(line)
        elif line.word is None and any(p.search(line.text) for p in other_patterns):
            other += 1
        else:
            missing.append(line)
    return Selection(word, chosen, missing, other)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def find_in_corpus(path: str | Path, word: str, limit: int = 200) -> tuple[list[str], int]:
    """(sentences containing ``word``, how many there were): every match up to ``limit``, else
    ``limit`` of them sampled evenly over the corpus. Lines are split into sentences."""
    pattern, path = word_pattern(word), Path(path)
    if not path.is_file():
        raise EmbvizError(f"{path}: no such corpus file. Give a text file.")
    found: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            for sentence in _SENTENCE_END.split(raw.strip()):
                if sentence and pattern.search(sentence):
                    found.append(sentence.replace("\t", " "))
    if len(found) > limit > 0:
        picks = np.unique(np.linspace(0, len(found) - 1, limit).round().astype(int))
        return [found[i] for i in picks], len(found)
    return found, len(found)
