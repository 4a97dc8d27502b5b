"""Short unique titles for documents: a chosen column, or the text's first words.

As :mod:`embviz.core.corpus` says, a repeated (or blank) title gets its input row appended, e.g.
``"Re: help (row 12)"``; the row is the document's :data:`~embviz.core.corpus.ROW_COLUMN` value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embviz.io.documents import DocumentTable

TITLE_WORDS = 8
TITLE_CHARS = 80


def first_words(text: str, words: int = TITLE_WORDS, chars: int = TITLE_CHARS) -> str:
    """The first ``words`` words of ``text`` on one line, '…' when there is more."""
    parts = text.split(maxsplit=words)
    title = " ".join(parts[:words])
    more = len(parts) > words
    if len(title) > chars:
        title, more = title[: chars - 1].rstrip(), True
    return title + "…" if more else title


def _cell(value: object) -> str:
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value)
    return " ".join(str(value).split())


def unique_titles(titles: list[str]) -> list[str]:
    """Each title once: a blank one becomes '(row N)', a repeated one gets ' (row N)' appended."""
    seen: set[str] = set()
    result = []
    for row, title in enumerate(titles):
        candidate = title or f"(row {row})"
        if candidate in seen:
            candidate = f"{title} (row {row})" if title else f"(row {row}, again)"
            while candidate in seen:  # the input already held "X (row N)"
                candidate += "'"
        seen.add(candidate)
        result.append(candidate)
    return result


def document_titles(table: DocumentTable, text_column: str, title_column: str | None) -> list[str]:
    if title_column is None:
        raw = [first_words(str(text)) for text in table.columns[text_column]]
    else:
        values = table.columns.get(title_column)
        if values is None:  # a vector column chosen as the title makes no sense; use the text
            return document_titles(table, text_column, None)
        raw = [first_words(_cell(v), words=40) for v in values.tolist()]
    return unique_titles(raw)
