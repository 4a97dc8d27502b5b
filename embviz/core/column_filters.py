"""Per-column filters for a table of documents: what kind a column is, its histogram, and the
rows a brush (a value range, chosen categories, a text match) keeps.

Qt-free: the document table and its histograms ask here and hand the masks to
:meth:`embviz.core.view_state.ViewState.set_filter`, so the map, the table and anything else
that honours the view's filter agree on which rows pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.string_columns import category_codes, contains, text_order

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet

NUMBER, DATE, CATEGORY, TEXT = "number", "date", "category", "text"
MAX_BAR_CATEGORIES = 24  # bars drawn for a category column; the rest are one "(other)" bar
CATEGORY_LIMIT = 60  # a string column with more distinct values than this is text
TEXT_LENGTH = 40  # ... or one whose values average more characters than this
OTHER = "(other)"
MISSING = "(missing)"


def column_kind(values: np.ndarray) -> str:
    """ "number", "date", "category" (few distinct short values, or booleans) or "text"."""
    values = np.asarray(values)
    if values.dtype.kind == "M":
        return DATE
    if values.dtype.kind in "iuf":
        return NUMBER
    if values.dtype.kind == "b":
        return CATEGORY
    sample = values[:5000] if len(values) > 5000 else values
    texts = [as_text(v) for v in sample.tolist()]
    distinct = len(set(texts))
    mean_length = sum(len(t) for t in texts) / max(len(texts), 1)
    if distinct <= CATEGORY_LIMIT and mean_length <= TEXT_LENGTH:
        return CATEGORY
    return TEXT


def as_text(value: object) -> str:
    """A cell as words: missing values (None, NaN) read as "(missing)"."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    return str(value)


def shorten(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters (an ellipsis says more follows)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def as_numbers(values: np.ndarray) -> np.ndarray:
    """float64 values of a number or date column (dates as seconds since 1970; NaT as NaN)."""
    values = np.asarray(values)
    if values.dtype.kind == "M":
        seconds = values.astype("datetime64[s]")
        out = seconds.astype(np.int64).astype(np.float64)
        out[np.isnat(values)] = np.nan
        return out
    return values.astype(np.float64)


@dataclass
class Histogram:
    kind: str  # NUMBER, DATE or CATEGORY
    counts: np.ndarray  # per bin or per category
    edges: np.ndarray | None = None  # NUMBER/DATE: bin edges (float64; dates in seconds)
    categories: list[str] | None = None  # CATEGORY: the bars' names, most common first
    codes: np.ndarray | None = None  # CATEGORY: each row's bar (its index in ``categories``)

    def passing_counts(self, values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        """The counts of the rows where ``mask`` is True (all rows when None), per bar."""
        if mask is None:  # every row: the histogram's own counts (no pass over ten million)
            return np.asarray(self.counts, dtype=np.int64).copy()
        if self.kind == CATEGORY:
            assert self.codes is not None
            codes = self.codes if mask is None else self.codes[mask]
            return np.bincount(codes, minlength=len(self.counts)).astype(np.int64)
        numbers = as_numbers(values)
        if mask is not None:
            numbers = numbers[mask]
        numbers = numbers[np.isfinite(numbers)]
        edges = np.asarray(self.edges)
        return np.histogram(numbers, bins=edges)[0].astype(np.int64)

    def category_mask(self, chosen: Iterable[str]) -> np.ndarray:
        """Rows whose bar is one of ``chosen`` (the "(other)" bar keeps the rare values)."""
        assert self.codes is not None and self.categories is not None
        wanted = [i for i, name in enumerate(self.categories) if name in set(chosen)]
        return np.isin(self.codes, wanted)


def histogram(values: np.ndarray, bins: int = 30) -> Histogram | None:
    """The column's histogram (None for a text column or one without a finite value)."""
    kind = column_kind(values)
    if kind == TEXT:
        return None
    if kind == CATEGORY:
        distinct, inverse = category_codes(values)
        counts = np.bincount(inverse, minlength=len(distinct))
        names = np.array(distinct, dtype=object)
        order = np.lexsort((names, -counts))  # most common first, ties by name
        bar_of = np.empty(len(names), dtype=np.int64)
        bar_of[order] = np.arange(len(names))
        names, counts = names[order], counts[order]
        if len(names) > MAX_BAR_CATEGORIES:
            rest = int(counts[MAX_BAR_CATEGORIES - 1 :].sum())
            names = np.append(names[: MAX_BAR_CATEGORIES - 1], OTHER)
            counts = np.append(counts[: MAX_BAR_CATEGORIES - 1], rest)
            bar_of = np.minimum(bar_of, MAX_BAR_CATEGORIES - 1)
        codes = bar_of[inverse.reshape(-1)]
        return Histogram(kind, counts.astype(np.int64), None, [str(n) for n in names], codes)
    numbers = as_numbers(values)
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    if high == low:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(finite, bins=bins, range=(low, high))
    return Histogram(kind, counts.astype(np.int64), edges=edges)


def histogram_for(eset: EmbeddingSet, column: str) -> Histogram | None:
    """:func:`histogram` of a set's metadata column, once per column and metadata version (kept
    in the set's derived cache; a big atlas's reader makes them in its worker)."""
    values = eset.metadata[column]
    found: Histogram | None = eset.derived(
        ("histogram", column), lambda: histogram(values), uses_metadata=True
    )
    return found


def range_mask(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Rows whose number (or date, in seconds since 1970) lies in [low, high]; missing: out."""
    numbers = as_numbers(values)
    with np.errstate(invalid="ignore"):
        return np.asarray((numbers >= low) & (numbers <= high), dtype=bool)


def text_mask(columns: Iterable[np.ndarray], pattern: str) -> np.ndarray | None:
    """Rows where any of ``columns`` contains ``pattern`` (case-insensitive); None for an empty
    pattern (no filter)."""
    needle = pattern.strip()
    if not needle:
        return None
    mask: np.ndarray | None = None
    for values in columns:
        found = contains(values, needle)
        mask = found if mask is None else mask | found
    return mask


def sort_rows(values: np.ndarray, rows: np.ndarray, descending: bool = False) -> np.ndarray:
    """``rows`` ordered by their ``values`` (stable; missing values last either way)."""
    values = np.asarray(values)[rows]
    if values.dtype.kind in "iufbM":
        numbers = as_numbers(values) if values.dtype.kind == "M" else values.astype(np.float64)
        missing = ~np.isfinite(numbers)
        keys = np.where(missing, 0.0, -numbers if descending else numbers)
        order = np.lexsort((keys, missing))
    else:
        order = text_order(values, np.arange(len(values)), descending)
    return np.asarray(rows)[order]
