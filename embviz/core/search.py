"""Label search: substring (default), whole word, exact or regular expression.

Case-insensitive unless asked. A pattern in double quotes (``"king"`` or “king”) finds labels
that are exactly that text; "whole word" finds it only where it is not part of a longer word, so
``king`` finds "king" and "Burger King" but not "working", "kings" or "kingdom". Words are runs of
letters and digits: an underscore, hyphen or space separates them (phrase tokens such as
``Burger_King`` are common in word-vector files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

QUOTES = (('"', '"'), ("“", "”"), ("„", "“"))
# a letter or digit: a word character that is not the underscore
_WORD_CHAR = r"[^\W_]"


@dataclass(frozen=True)
class SearchResult:
    pattern: str
    regex: bool
    case_sensitive: bool
    indices: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    error: str | None = None  # a bad regular expression, said plainly
    whole_word: bool = False

    @property
    def count(self) -> int:
        return int(self.indices.size)

    @property
    def active(self) -> bool:
        return bool(self.pattern) and self.error is None

    @property
    def mode(self) -> str:
        """How the pattern was read: "regex", "exact", "whole word" or "substring"."""
        if self.regex:
            return "regex"
        if exact_text(self.pattern) is not None:
            return "exact"
        return "whole word" if self.whole_word else "substring"


def exact_text(pattern: str) -> str | None:
    """The text inside quotes when ``pattern`` is quoted (``"king"`` -> ``king``), else None."""
    stripped = pattern.strip()
    for opening, closing in QUOTES:
        if len(stripped) > 2 and stripped.startswith(opening) and stripped.endswith(closing):
            return stripped[1:-1]
    return None


def whole_word_regex(text: str, *, is_regex: bool = False) -> str:
    """A regular expression finding ``text`` only where no letter or digit touches it."""
    if is_regex:
        return rf"(?<!{_WORD_CHAR})(?:{text})(?!{_WORD_CHAR})"
    # a guard only on a side where the text itself ends in a letter or digit ("king-" finds
    # "king-size"), as editors do
    before = rf"(?<!{_WORD_CHAR})" if re.match(_WORD_CHAR, text[:1]) else ""
    after = rf"(?!{_WORD_CHAR})" if re.match(_WORD_CHAR, text[-1:]) else ""
    return before + re.escape(text) + after


def search_labels(
    labels: Sequence[str],
    pattern: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    whole_word: bool = False,
) -> SearchResult:
    """Rows whose label contains ``pattern`` (see the module's docstring for the modes)."""

    def result(hits: list[int], error: str | None = None) -> SearchResult:
        indices = np.asarray(hits, dtype=np.int64)
        return SearchResult(pattern, regex, case_sensitive, indices, error, whole_word)

    if not pattern:
        return result([])
    flags = 0 if case_sensitive else re.IGNORECASE
    exact = None if regex else exact_text(pattern)
    if exact is not None:
        if case_sensitive:
            return result([i for i, label in enumerate(labels) if label == exact])
        needle = exact.casefold()
        return result([i for i, label in enumerate(labels) if label.casefold() == needle])
    if regex or whole_word:
        source = whole_word_regex(pattern, is_regex=regex) if whole_word else pattern
        try:
            compiled = re.compile(source, flags)
        except re.error as exc:
            return result([], f"not a valid regular expression: {exc}")
        candidates: Sequence[int] = range(len(labels))
        if not regex:  # whole word: only labels holding the text at all need the regex (3x faster)
            needle = pattern if case_sensitive else pattern.casefold()
            fold = (lambda s: s) if case_sensitive else str.casefold
            candidates = [i for i, label in enumerate(labels) if needle in fold(label)]
        return result([i for i in candidates if compiled.search(labels[i])])
    if case_sensitive:
        return result([i for i, label in enumerate(labels) if pattern in label])
    needle = pattern.casefold()
    return result([i for i, label in enumerate(labels) if needle in label.casefold()])
