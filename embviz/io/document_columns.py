"""Typing the columns of a document table: text, category, number, date, vector.

Every column ends as a numpy array of one value per row, as the corpus contract
(:mod:`embviz.core.corpus`) says: text and categories as ``str`` object arrays (object, not
fixed-width ``U``: a million documents of very different lengths would otherwise take the longest
one's width each), numbers as float64 (missing = NaN), dates as ``datetime64[ms]`` (missing =
NaT), vectors as one float32 N x D matrix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import LoadError
from embviz.io.metadata import typed
from embviz.io.table import VECTOR_NAMES, _as_list, _list_column, _parse_vectors

TEXT, CATEGORY, NUMBER, DATE, VECTOR = "text", "category", "number", "date", "vector"
KINDS = (TEXT, CATEGORY, NUMBER, DATE, VECTOR)
DATE_UNIT = "datetime64[ms]"
SAMPLE = 2000  # values looked at before a whole column is converted
# Common non-ISO date layouts, tried in this order after ISO 8601 (day-first before month-first:
# a column that parses both ways is reported as ambiguous).
DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 2822 (e-mail, RSS)
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
)


def _sample(values: list[str]) -> list[str]:
    filled = [v for v in values[: SAMPLE * 4] if v.strip()]
    return filled[:SAMPLE]


def _iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _with_format(fmt: str) -> Any:
    def parse(text: str) -> datetime:
        value = datetime.strptime(text.strip(), fmt)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    return parse


def _parses(parse: Any, values: list[str]) -> bool:
    try:
        for value in values:
            parse(value)
    except (ValueError, OverflowError):
        return False
    return True


def as_dates(
    values: list[str], warnings: list[str] | None = None, name: str = ""
) -> np.ndarray | None:
    """The column as datetime64 when every non-empty cell is a date in one layout, else None."""
    sample = _sample(values)
    if not sample or not any(ch.isdigit() for ch in sample[0]):
        return None
    parsers: list[tuple[str, Any]] = [("ISO 8601", _iso)]
    parsers += [(fmt, _with_format(fmt)) for fmt in DATE_FORMATS]
    fits = [(label, parse) for label, parse in parsers if _parses(parse, sample)]
    if not fits:
        return None
    label, parse = fits[0]
    if label == "ISO 8601":
        fast = _numpy_iso(values)
        if fast is not None:
            return fast
    try:
        parsed = [parse(v) if v.strip() else None for v in values]
    except (ValueError, OverflowError):
        return None  # a later cell is no date in that layout: the column is text
    if warnings is not None and label == "%d/%m/%Y" and any(f[0] == "%m/%d/%Y" for f in fits):
        warnings.append(
            f"column {name!r}: dates such as {sample[0]!r} read as day/month/year; every value "
            "would also be a valid month/day/year date."
        )
    return np.array(parsed, dtype=DATE_UNIT)  # None -> NaT


def _numpy_iso(values: list[str]) -> np.ndarray | None:
    """numpy's own ISO 8601 parser (C speed) for dates and times without a zone; None when a
    value has a zone or is not one numpy reads (then each value is parsed in Python)."""
    import warnings as python_warnings

    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error")  # a time zone: numpy warns, we parse it ourselves
            dates: np.ndarray = np.array([v.strip() for v in values], dtype=DATE_UNIT)
    except (ValueError, DeprecationWarning, UserWarning, OverflowError):
        return None
    return dates


def as_numbers(values: list[str]) -> np.ndarray | None:
    """float64 (empty = NaN) when every non-empty cell is a number, else None."""
    sample = _sample(values)
    if not sample or typed(sample).dtype.kind != "f":
        return None
    numbers = typed(values)  # the shared rule of embviz's tables
    return numbers if numbers.dtype.kind == "f" else None


def as_strings(values: list[Any]) -> np.ndarray:
    strings = np.empty(len(values), dtype=object)
    strings[:] = ["" if v is None else str(v) for v in values]
    return strings


def text_or_category(strings: np.ndarray) -> str:
    """Categories repeat and are short (a label, a source, an author); text is the rest."""
    n = len(strings)
    if n == 0:
        return TEXT
    sample = strings[: SAMPLE * 10]
    mean_length = float(np.mean([len(s) for s in sample]))
    distinct = len(set(sample.tolist()))
    return CATEGORY if mean_length <= 60 and distinct <= max(1, len(sample) // 2) else TEXT


def vector_text(name: str, values: list[str]) -> bool:
    """A text column of vectors written as '[0.1, 0.2, ...]' (or named like a vector column)."""
    sample = _sample(values)[:20]
    if not sample:
        return False
    bracketed = all(v.strip().startswith("[") for v in sample)
    named = name.strip().lower() in VECTOR_NAMES
    return (bracketed or named) and all(len(_as_list(v)) > 1 for v in sample)


def parse_vector_text(path: Path, name: str, values: list[str]) -> np.ndarray:
    cells = [_as_list(v) for v in values]
    empty = next((r for r, c in enumerate(cells) if not c), None)
    if empty is not None:
        raise LoadError(
            path,
            f"column {name!r} holds vectors, but this row has none.",
            row=empty + 1,
            hint="Give every row a vector, or choose no vector column and embed the text.",
        )
    return _parse_vectors(path, cells, 1)


def arrow_column(path: Path, name: str, column: Any, warnings: list[str]) -> tuple[str, np.ndarray]:
    """(kind, values) of one pyarrow column."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return VECTOR, _list_column(path, name, column)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
        return NUMBER, np.asarray(numbers, dtype=np.float64)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            column = column.cast(pa.timestamp(kind.unit))  # the instants, in UTC
        values = column.cast(pa.timestamp("ms")).to_numpy(zero_copy_only=False)
        return DATE, np.asarray(values).astype(DATE_UNIT)
    if pa.types.is_boolean(kind):
        cells = column.to_pylist()
        return CATEGORY, as_strings(["" if v is None else str(v).lower() for v in cells])
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return string_column(path, name, column.to_pylist(), warnings)
    # structs, maps, binary...: shown as their text
    return string_column(
        path, name, [None if v is None else str(v) for v in column.to_pylist()], warnings
    )


def string_column(
    path: Path, name: str, cells: list[str | None], warnings: list[str]
) -> tuple[str, np.ndarray]:
    """(kind, values) of a column read as text: a number, date, vector, category or text."""
    values = ["" if v is None else v for v in cells]
    numbers = as_numbers(values)
    if numbers is not None:
        return NUMBER, numbers
    dates = as_dates(values, warnings, name)
    if dates is not None:
        return DATE, dates
    if vector_text(name, values):
        return VECTOR, parse_vector_text(path, name, values)
    strings = as_strings(values)
    return text_or_category(strings), strings
