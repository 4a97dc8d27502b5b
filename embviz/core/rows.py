"""Which rows of a set can be computed with: finite values, a direction (non-zero length).

Kept in the set's derived cache (computed once per vectors version, in chunks so a memory-mapped
set is read once). Reducers, neighbours and analogies leave the other rows out and say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet

CHUNK_ROWS = 1 << 16


def finite_rows(eset: EmbeddingSet) -> np.ndarray:
    """A boolean mask: True where every value of the row is finite (no NaN, no inf)."""

    def compute() -> np.ndarray:
        vectors = eset.vectors
        out = np.empty(len(vectors), dtype=bool)
        for start in range(0, len(vectors), CHUNK_ROWS):
            out[start : start + CHUNK_ROWS] = np.isfinite(vectors[start : start + CHUNK_ROWS]).all(
                axis=1
            )
        return out

    return eset.derived(("finite-rows",), compute)


def zero_rows(eset: EmbeddingSet) -> np.ndarray:
    """A boolean mask: True where the row is all zeros (no direction for cosine)."""

    def compute() -> np.ndarray:
        vectors = eset.vectors
        out = np.empty(len(vectors), dtype=bool)
        for start in range(0, len(vectors), CHUNK_ROWS):
            out[start : start + CHUNK_ROWS] = ~np.any(vectors[start : start + CHUNK_ROWS], axis=1)
        return out

    return eset.derived(("zero-rows",), compute)


def describe_rows(eset: EmbeddingSet, mask: np.ndarray, shown: int = 3) -> str:
    """'rows 4 ("cat"), 9 ("dog") and 3 more' for the rows where ``mask`` is True (1-based)."""
    rows = np.flatnonzero(mask)
    named = ", ".join(f'{r + 1} ("{eset.labels[r]}")' for r in rows[:shown])
    more = f" and {len(rows) - shown:,} more" if len(rows) > shown else ""
    return f"row{'s' if len(rows) > 1 else ''} {named}{more}"
