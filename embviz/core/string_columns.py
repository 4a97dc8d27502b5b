"""Fast work on string columns (categories, titles, texts) for the document table's filters.

A million Python strings are slow to count, sort or search one by one (seconds), and the table
does these in the window. Arrow's compute kernels do them in C (a tenth of a second); pyarrow is
optional, so every function falls back to plain Python when it is missing or a column mixes types.
Callers may pass an Arrow array made once (:func:`as_arrow`, kept in the set's derived cache)
instead of the numpy column, so the conversion is not paid on every keystroke.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MISSING = "(missing)"


def as_arrow(values: Any) -> Any:
    """The column as an Arrow string array (None/NaN as null), or None when it cannot be."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if isinstance(values, pa.Array):
        return values
    try:
        array = pa.array(np.asarray(values, dtype=object), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def _python(values: Any) -> list[str | None]:
    """Plain cells: None for a missing value."""
    if hasattr(values, "to_pylist"):
        cells: list[Any] = values.to_pylist()
    else:
        cells = np.asarray(values, dtype=object).tolist()
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in cells]


def category_codes(values: Any) -> tuple[list[str], np.ndarray]:
    """(distinct values, each row's index among them); a missing value is "(missing)"."""
    array = as_arrow(values)
    if array is not None:
        encoded = array.dictionary_encode()
        names = [str(v) for v in encoded.dictionary.to_pylist()]
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        if encoded.indices.null_count:
            missing = np.asarray(encoded.indices.is_null().to_numpy(zero_copy_only=False))
            codes = np.where(missing, len(names), np.nan_to_num(codes, nan=0)).astype(np.int64)
            names.append(MISSING)
        return names, np.asarray(codes, dtype=np.int64)
    cells = ["(missing)" if v is None else v for v in _python(values)]
    distinct, inverse = np.unique(np.array(cells, dtype=object), return_inverse=True)
    return [str(v) for v in distinct], inverse.reshape(-1).astype(np.int64)


def text_order(values: Any, rows: np.ndarray, descending: bool = False) -> np.ndarray:
    """Order of ``rows`` by their text, case-insensitive, stable; missing values last."""
    array = as_arrow(values)
    if array is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        keys = pc.utf8_lower(array.take(pa.array(rows)))
        direction = "descending" if descending else "ascending"
        order = pc.array_sort_indices(keys, order=direction, null_placement="at_end")  # stable
        return np.asarray(order.to_numpy(zero_copy_only=False), dtype=np.int64)
    cells = _python(np.asarray(values, dtype=object)[rows])
    missing = np.array([c is None for c in cells], dtype=bool)
    lowered = np.array(["" if c is None else c.casefold() for c in cells], dtype=object)
    ranks = np.unique(lowered, return_inverse=True)[1].reshape(-1)
    return np.lexsort((-ranks if descending else ranks, missing)).astype(np.int64)


def contains(values: Any, needle: str) -> np.ndarray:
    """Rows whose text contains ``needle``, ignoring case; a missing value never does."""
    array = as_arrow(values)
    if array is not None:
        import pyarrow.compute as pc

        found = pc.match_substring(array, needle, ignore_case=True).fill_null(False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    folded = needle.casefold()
    return np.fromiter(
        (c is not None and folded in c.casefold() for c in _python(values)), dtype=bool
    )
