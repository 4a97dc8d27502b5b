"""Scanning one block of text rows on several cores at once.

The compiled scanner (:mod:`embviz.io.fastparse`) releases the GIL, so a block split at newlines
into parts can be scanned by threads side by side: the parts' lines are counted first (also in
threads; much cheaper than parsing), which gives each part the row where its rows go. A part's
result is kept only when every part before it was *clean*: all its lines are rows (no blank line,
no row past the room left). From the first part that is not clean, the caller scans on one thread
as before, so errors, blank lines and limits keep exactly the single-threaded meaning. Threads of
the standard library are enough here: the work is a handful of long compiled calls per block.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from embviz.io.fastparse import DONE, count_lines, scan_rows

MIN_PART_BYTES = 1 << 20  # below this, one thread is as quick as starting several


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class Part:
    """One scanned part: where it starts in the block, its rows' spans and slow marks."""

    start: int
    rows: int
    spans: np.ndarray
    values: np.ndarray
    slow: np.ndarray


def split_at_newlines(data: bytes, cut: int, parts: int) -> list[int]:
    """Part boundaries (``0 .. cut``), each just after a newline."""
    bounds = [0]
    for k in range(1, parts):
        at = data.rfind(b"\n", bounds[-1], cut * k // parts) + 1
        if at > bounds[-1]:
            bounds.append(at)
    bounds.append(cut)
    return bounds


def scan_clean_parts(
    pool: ThreadPoolExecutor,
    threads: int,
    data: bytes,
    buf: np.ndarray,
    cut: int,
    dims: int,
    out: np.ndarray,
    row0: int,
    room: int,
) -> tuple[list[Part], int]:
    """Scan ``buf[:cut]`` in up to ``threads`` parts; returns the clean parts from the start and
    the byte offset where single-threaded scanning must go on (``cut`` when all were clean)."""
    bounds = split_at_newlines(data, cut, max(1, min(threads, cut // MIN_PART_BYTES)))
    pieces = [buf[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    counts = list(pool.map(count_lines, pieces))
    firsts = np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()

    def scan(k: int) -> tuple[int, int, int, int, int, np.ndarray, np.ndarray, np.ndarray]:
        size = max(1, counts[k])
        spans, values = np.empty((size, 2), np.int64), np.empty((size, 2), np.int64)
        slow = np.empty(size, np.uint8)
        left = room - firsts[k]
        if left < counts[k]:  # would pass the room left: the caller's scan decides what then
            return (-1, 0, -1, 0, 0, spans, values, slow)
        got, lines, code, at, _ = scan_rows(
            pieces[k], dims, out, row0 + firsts[k], left, False, spans, values, slow
        )
        return (got, lines, code, at, 0, spans, values, slow)

    results = list(pool.map(scan, range(len(pieces))))  # all done before any is looked at
    clean: list[Part] = []
    for k, (got, lines, code, at, _, spans, values, slow) in enumerate(results):
        if code != DONE or at != -1 or got != counts[k] or lines != counts[k]:
            return clean, bounds[k]
        clean.append(Part(bounds[k], got, spans, values, slow))
    return clean, cut
