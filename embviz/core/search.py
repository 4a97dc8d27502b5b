"""Label search: substring (default) or regular expression, case-insensitive unless asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SearchResult:
    pattern: str
    regex: bool
    case_sensitive: bool
    indices: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    error: str | None = None  # a bad regular expression, said plainly

    @property
    def count(self) -> int:
        return int(self.indices.size)

    @property
    def active(self) -> bool:
        return bool(self.pattern) and self.error is None


def search_labels(
    labels: list[str], pattern: str, *, regex: bool = False, case_sensitive: bool = False
) -> SearchResult:
    """Rows whose label contains ``pattern`` (or matches it anywhere, as a regex)."""
    empty = np.empty(0, dtype=np.int64)
    if not pattern:
        return SearchResult(pattern, regex, case_sensitive, empty)
    if regex:
        try:
            compiled = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
        except re.error as exc:
            return SearchResult(
                pattern, regex, case_sensitive, empty, f"not a valid regular expression: {exc}"
            )
        hits = [i for i, label in enumerate(labels) if compiled.search(label)]
    elif case_sensitive:
        hits = [i for i, label in enumerate(labels) if pattern in label]
    else:
        needle = pattern.casefold()
        hits = [i for i, label in enumerate(labels) if needle in label.casefold()]
    return SearchResult(pattern, regex, case_sensitive, np.asarray(hits, dtype=np.int64))
