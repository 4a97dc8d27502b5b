"""A compiled scanner for ``label v1 ... vD`` text rows (numba; imported only when a text file is
read, so ``import embviz`` stays light).

Exactness: a token is converted on the fast path only when its decimal significand has at most 19
digits, is at most 2**53 and its power of ten is within 10**±22. Then both the significand and the
power are exact doubles, and one IEEE multiply or divide gives the correctly rounded double
(Clinger, 1990): the same double Python's ``float()`` gives. It is then rounded to float32, exactly
as gensim's ``np.float32(token)`` does. Any other token (17-digit reprs, ``nan``, junk) marks its
row for the caller, which re-parses that one row with numpy's correctly rounded parser and reports
errors.

Compiled code is cached on disk (``cache=True``), so only the first use on a machine compiles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

_POW10 = np.array([10.0**k for k in range(23)], dtype=np.float64)
_MAX_EXACT = np.uint64(2**53)

# Result codes of scan_rows
DONE = 0  # every line of the buffer was read
BLANK_BETWEEN = 1  # a blank line was followed by a row (the blank line's index is returned)
FULL = 2  # max_rows rows were read and another row follows (its line index is returned)


def _parse_values(  # pragma: no cover - compiled
    buf: np.ndarray, start: int, stop: int, out: np.ndarray, r: int, dims: int
) -> bool:
    """Parse the space-separated tokens in buf[start:stop] into out[r]; False if any needs the
    slow path or their number is not ``dims``."""
    k = 0
    i = start
    while i < stop:
        c = buf[i]
        if c == 32:
            i += 1
            continue
        if k == dims:
            return False
        neg = False
        if c == 45:
            neg = True
            i += 1
        elif c == 43:
            i += 1
        m = np.uint64(0)
        nd = 0
        e10 = 0
        seen = False
        while i < stop and 48 <= buf[i] <= 57:
            d = buf[i] - 48
            seen = True
            if nd > 0 or d != 0:
                if nd == 19:
                    return False
                m = m * np.uint64(10) + np.uint64(d)
                nd += 1
            i += 1
        if i < stop and buf[i] == 46:
            i += 1
            while i < stop and 48 <= buf[i] <= 57:
                d = buf[i] - 48
                seen = True
                if nd > 0 or d != 0:
                    if nd == 19:
                        return False
                    m = m * np.uint64(10) + np.uint64(d)
                    nd += 1
                e10 -= 1
                i += 1
        if not seen:
            return False
        if i < stop and (buf[i] == 101 or buf[i] == 69):
            i += 1
            eneg = False
            if i < stop and (buf[i] == 45 or buf[i] == 43):
                eneg = buf[i] == 45
                i += 1
            ev = 0
            ed = 0
            while i < stop and 48 <= buf[i] <= 57:
                ev = ev * 10 + (buf[i] - 48)
                ed += 1
                i += 1
                if ed > 6:
                    return False
            if ed == 0:
                return False
            e10 += -ev if eneg else ev
        if i < stop and buf[i] != 32:
            return False
        if m == 0:
            v = 0.0
        elif m > _MAX_EXACT:
            return False
        elif 0 <= e10 <= 22:
            v = np.float64(m) * _POW10[e10]
        elif -22 <= e10 < 0:
            v = np.float64(m) / _POW10[-e10]
        else:
            return False
        out[r, k] = np.float32(-v if neg else v)
        k += 1
    return k == dims


ScanResult = tuple[int, int, int, int, int]  # rows, lines, code, line index, byte position


def _scan_rows(  # pragma: no cover - compiled
    buf: np.ndarray,
    dims: int,
    out: np.ndarray,
    row0: int,
    max_rows: int,
    blank_before: bool,
    labels: np.ndarray,
    values: np.ndarray,
    slow: np.ndarray,
) -> ScanResult:
    """Read the lines of ``buf`` into ``out[row0:]``.

    Per row: label span (``labels``), value span (``values``), and ``slow[r] = 1`` when the row
    must be re-parsed by the caller. Returns (rows, lines, code, line_index, byte_position).
    """
    n = buf.size
    p = 0
    rows = 0
    lines = 0
    blank = -2 if blank_before else -1
    while p < n:
        e = p
        while e < n and buf[e] != 10:
            e += 1
        q = e
        while q > p and (buf[q - 1] == 32 or 9 <= buf[q - 1] <= 13):
            q -= 1
        if q == p:
            if blank == -1:
                blank = lines
            lines += 1
            p = e + 1
            continue
        if blank != -1:
            return rows, lines, BLANK_BETWEEN, blank, p
        if rows == max_rows:
            return rows, lines, FULL, lines, p
        s = p
        while s < q and buf[s] != 32:
            s += 1
        labels[rows, 0] = p
        labels[rows, 1] = s
        v = s + 1 if s < q else q
        values[rows, 0] = v
        values[rows, 1] = q
        slow[rows] = 0 if _parse_values(buf, v, q, out, row0 + rows, dims) else 1
        rows += 1
        lines += 1
        p = e + 1
    return rows, lines, DONE, blank, n


def _count_lines(buf: np.ndarray) -> int:  # pragma: no cover - compiled
    """Lines in ``buf``: its newlines, plus one for a last line without one."""
    n = 0
    for c in buf:
        if c == 10:
            n += 1
    if buf.size and buf[buf.size - 1] != 10:
        n += 1
    return n


def _compile() -> tuple[Callable[..., ScanResult], Callable[[np.ndarray], int]]:
    import numba

    def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return numba.njit(cache=True, nogil=True)(fn)
        except RuntimeError:  # no writable cache location (e.g. a frozen app): compile each run
            return numba.njit(nogil=True)(fn)

    global _parse_values
    _parse_values = jit(_parse_values)
    return jit(_scan_rows), jit(_count_lines)


_compiled: tuple[Callable[..., ScanResult], Callable[[np.ndarray], int]] | None = None
_compiling = threading.Lock()


def _functions() -> tuple[Callable[..., ScanResult], Callable[[np.ndarray], int]]:
    """The compiled functions (compiled, or loaded from the on-disk cache, once; thread-safe)."""
    global _compiled
    with _compiling:
        if _compiled is None:
            _compiled = _compile()
        return _compiled


def scan_rows(
    buf: np.ndarray,
    dims: int,
    out: np.ndarray,
    row0: int,
    max_rows: int,
    blank_before: bool,
    labels: np.ndarray,
    values: np.ndarray,
    slow: np.ndarray,
) -> ScanResult:
    """The compiled scanner (releases the GIL)."""
    scan = (_compiled or _functions())[0]
    return scan(buf, dims, out, row0, max_rows, blank_before, labels, values, slow)


def count_lines(buf: np.ndarray) -> int:
    """Lines in a buffer (compiled; releases the GIL, so parts can be counted in threads)."""
    return int((_compiled or _functions())[1](buf))
