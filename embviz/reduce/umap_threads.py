"""Compiled loops over row ranges on every core, run from Python threads (UMAP's layout epochs,
the exact neighbour search's merge).

Why not numba's ``parallel=True``: a parallel loop (a "parfor") compiles slowly, and a first fit
after installing (numba's disk cache empty) paid for it. Measured here with an empty cache on a
busy 2-core machine (load 6, CPU seconds): the neighbour merge with two parallel loops 5.2 s, the
layout's parallel epoch kernel 11.5 s; the same loops as plain functions that release the GIL
(``nogil=True``) about 1-2 s each (see benchmarks/umap_stages.py). A thread pool then shares the
rows out; the cost is one hand-off per range and per call (tens of microseconds; 500 epochs of
four ranges: well under 0.1 s).

The number of threads is numba's (``numba.get_num_threads()``: NUMBA_NUM_THREADS, or what
``numba.set_num_threads`` set), so the same setting governs these loops as any other numba code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

RANGES_PER_THREAD = 2  # a thread that the machine's other work holds up is waited for less

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0


def threads() -> int:
    import numba

    return max(1, int(numba.get_num_threads()))


def _executor(size: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=True)
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="embviz-rows")
            _pool_size = size
        return _pool


def split(work: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """Consecutive ranges (lo, hi) of rows with about equal work each; ``work`` is the running
    total of the rows' work (length rows + 1, from 0, as a CSR graph's indptr)."""
    rows = len(work) - 1
    parts = max(1, min(parts, rows))
    targets = np.linspace(0, float(work[-1]), parts + 1)[1:-1]
    cuts = np.searchsorted(work, targets, side="left").tolist()
    bounds = sorted({0, rows, *(min(max(c, 0), rows) for c in cuts)})
    return list(zip(bounds[:-1], bounds[1:], strict=False))


def even(rows: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive ranges of about equal length."""
    return split(np.arange(rows + 1), parts)


def run_ranges(fn: Callable[..., Any], ranges: Sequence[tuple[int, int]], *args: Any) -> None:
    """``fn(*args, lo, hi)`` for every range, at once on the thread pool (one range: here);
    returns when all are done and raises the first error. ``fn`` must release the GIL (numba's
    ``nogil=True``) and its ranges must not write what another range reads or writes, unless
    the caller accepts races (umap-learn's parallel layout does)."""
    if len(ranges) == 1:
        fn(*args, *ranges[0])
        return
    pool = _executor(threads())
    futures = [pool.submit(fn, *args, lo, hi) for lo, hi in ranges]
    for future in futures:
        future.result()
