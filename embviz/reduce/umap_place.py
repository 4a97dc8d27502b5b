"""The rows outside a fitted sample, placed with umap-learn's ``transform`` a chunk at a time.

One ``transform`` call for every other row (950,000 of a million) gave no progress, no point
between chunks for a partial layout, and memory that grew with the rows placed (the rows' copy,
their neighbours, graph and layout all at once). In umap-learn 0.5 each new row is placed on its
own: its neighbours are searched in the fitted index, its start is the weighted mean of their
fitted positions, and the layout update moves it only against the fitted embedding (``move_other``
is off; its negative samples are fitted rows; its random state is seeded from its own start). Two
things couple the rows of one call, and chunking keeps both as one call would have them:

- the number of epochs: 100 for a call of at most 10,000 rows, 30 above (``n_epochs`` unset), so
  the chunks are balanced and each holds more than 10,000 rows when the whole does;
- the edge weights are divided by the call's largest weight (which sets how often each edge is
  sampled, and drops edges below max / epochs). A chunk's largest weight can differ from the whole
  call's; how much at 20,000-row chunks was not measured. The tests bound the effect instead: a
  chunk whose largest weight equals the call's places at least 99 % of its rows bit-equal to one
  call, the others within 5 % of the layout's spread (median) and 0.01 trustworthiness.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

PLACE_CHUNK = 25_000  # rows per transform call: memory grows with it, progress shows per chunk
# umap-learn's transform (n_epochs unset) runs 100 epochs for at most this many new rows, else 30
SMALL_TRANSFORM = 10_000

Status = Callable[[str], None]
Partial = Callable[[np.ndarray, float], None]


def chunk_bounds(m: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of ``ceil(m / size)`` chunks of ``m`` rows, as equal as integers allow."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    parts = -(-m // size)
    edges = [m * i // parts for i in range(parts + 1)] if parts else [0]
    return list(zip(edges[:-1], edges[1:], strict=True))


def chunk_size(model: Any, m: int, size: int = PLACE_CHUNK) -> int:
    """``size``, raised where needed so every chunk of ``m`` rows gets the epochs one call would:
    balanced chunks of at most ``s`` rows hold more than ``s / 2`` each, so ``s`` above twice
    umap-learn's small-call limit keeps each chunk above it."""
    if getattr(model, "n_epochs", None) is None and m > SMALL_TRANSFORM:
        return max(size, 2 * SMALL_TRANSFORM + 2)
    return size


def release_pages(x: np.ndarray) -> None:
    """Drop the pages of a memory-mapped ``x`` from this process's resident memory (they stay in
    the system's file cache, and are read again when touched). Rows read through a map stay
    resident until then: placing every other row of a file touched all its pages, the whole
    matrix held beside the model. Not a map, or no ``madvise`` here (Windows): nothing."""
    import mmap

    whole = getattr(x, "_mmap", None)
    try:
        if whole is not None:
            whole.madvise(mmap.MADV_DONTNEED)
    except (AttributeError, OSError, ValueError):
        pass


def place_rows(
    model: Any,
    x: np.ndarray,
    rows: np.ndarray,
    out: np.ndarray,
    status: Status,
    partial: Partial | None = None,
    size: int = PLACE_CHUNK,
) -> None:
    """``out[rows] = model.transform(x[rows])``, a chunk at a time: only one chunk of ``x``'s rows
    is copied at once (``x`` may be a memory map), a status line before each chunk, and
    ``partial(out, share placed)`` after each (rows not placed yet are left as ``out`` holds
    them). A memory-mapped ``x`` is released from resident memory before each chunk
    (``release_pages``): the fitted sample's rows, read before, and each chunk's after it."""
    m = len(rows)
    bounds = chunk_bounds(m, chunk_size(model, m, size))
    for start, stop in bounds:
        status(f"UMAP: placing the other rows with the fitted model: {start:,} of {m:,} placed")
        part = rows[start:stop]
        release_pages(x)
        chunk = np.asarray(x[part], dtype=np.float32)  # rows picked by index: a copy
        release_pages(x)
        out[part] = model.transform(chunk)
        del chunk
        if partial is not None and stop < m:
            partial(out, stop / m)
