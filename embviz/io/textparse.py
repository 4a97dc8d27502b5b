"""Shared parsing for word-vector files: text rows, labels, headers and content sniffing.

Text rows are parsed a block at a time by numpy's C parser (never value by value in Python). Values
go through float64 and are then rounded to float32, exactly as gensim's ``np.float32(str)`` does, so
the vectors are bit-identical to ``KeyedVectors.load_word2vec_format``.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np

from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task

BOM = b"\xef\xbb\xbf"
BLOCK_BYTES = 2 * 1024 * 1024  # per core
_HEADER = re.compile(rb"^\s*(\d+)[ \t]+(\d+)\s*$")
# Bytes that never occur in a text file: C0 controls other than whitespace, and DEL.
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_HEADER_LIKE = re.compile(rb"^\s*[-+]?\d+([ \t]+[-+]?\d+)*\s*$")
ROW_HINT = "Each row must be a label followed by the numbers of its vector, separated by spaces."
MORE_ROWS_HINT = (
    "Correct the row count in the header, or pass limit=N to read only the first N rows."
)


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(rows, dims)`` from a word2vec header line ``"N D"``, or None when it is not one."""
    match = _HEADER.match(line.removeprefix(BOM))
    return (int(match[1]), int(match[2])) if match else None


def has_control_bytes(data: bytes) -> bool:
    return CONTROL_BYTES.search(data) is not None


def header_like(line: bytes) -> bool:
    """A line of whole numbers only (a header, valid or not: '300 50', '-3 4', '3 4 5')."""
    return _HEADER_LIKE.match(line.removeprefix(BOM)) is not None


def mostly_text(data: bytes) -> bool:
    """Text with a few stray control bytes (a NUL from a damaged copy), not binary data: at most
    1 in 200 bytes is a control byte, and the rest decodes as UTF-8."""
    sample = data[:4096]
    stray = len(CONTROL_BYTES.findall(sample))
    if stray > max(2, len(sample) // 200):
        return False
    try:
        CONTROL_BYTES.sub(b"", sample).decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - stray - 3  # only a character cut by the sample's end
    return True


def floats_ok(tokens: list[bytes]) -> bool:
    """True when every token is a number numpy's parser (and so gensim) accepts."""
    try:
        return np.fromstring(b" ".join(tokens), dtype=np.float64, sep=" ").size == len(tokens)
    except ValueError:
        return False


def complete_lines(data: bytes, most: int = 20) -> list[bytes]:
    """The first complete lines of ``data`` (a trailing partial line only when it is the only one)."""
    lines = data.split(b"\n", most)[:most]
    if len(lines) > 1 and not data.endswith(b"\n") and len(lines) <= most:
        lines = lines[:-1]  # probably cut off by the end of the sniffed head
    return [line.rstrip() for line in lines if line.strip()]


def decode_labels(raw: list[bytes], encoding: str, path: Path, warnings: list[str]) -> list[str]:
    """Decode labels; undecodable bytes become U+FFFD and one warning says how many and why."""
    try:
        return [label.decode(encoding) for label in raw]
    except LookupError:
        raise LoadError(
            path, f"unknown encoding {encoding!r}.", hint="Use a name such as utf-8 or latin-1."
        ) from None
    except UnicodeDecodeError:
        pass
    labels, bad = [], 0
    for label in raw:
        try:
            labels.append(label.decode(encoding))
        except UnicodeDecodeError:
            labels.append(label.decode(encoding, errors="replace"))
            bad += 1
    warnings.append(
        f"{bad} label(s) had bytes that are not valid {encoding}; they were replaced with '\ufffd'. "
        "If the file uses another encoding, open it again with --encoding (e.g. --encoding latin-1)."
    )
    return labels


def drop_duplicates(
    labels: list[str], vectors: np.ndarray, warnings: list[str]
) -> tuple[list[str], np.ndarray]:
    """Keep the first row of each label (as gensim does) and warn about the rows dropped."""
    if len(set(labels)) == len(labels):  # (a set is ~4x faster than dict.fromkeys)
        return labels, vectors
    seen: set[str] = set()
    keep: list[int] = []
    example = ""
    for i, label in enumerate(labels):
        if label in seen:
            example = example or label
        else:
            seen.add(label)
            keep.append(i)
    warnings.append(
        f"{len(labels) - len(keep)} row(s) with a duplicate label (e.g. {example!r}) were dropped; "
        "the first row of each label was kept."
    )
    return [labels[i] for i in keep], vectors[keep]


def flag_nonfinite(labels: list[str], vectors: np.ndarray, warnings: list[str]) -> np.ndarray:
    """Rows holding NaN or infinity: loaded as they are, and named in a warning."""
    if not vectors.size:
        return np.empty(0, np.int64)
    # A row's float64 sum is finite exactly when all its float32 values are (no overflow there),
    # and it needs N values of memory, not an N x D mask.
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN: flagged either way
        bad = np.flatnonzero(~np.isfinite(vectors.sum(axis=1, dtype=np.float64)))
    if bad.size:
        shown = ", ".join(repr(labels[i]) for i in bad[:5]) + (", ..." if bad.size > 5 else "")
        warnings.append(
            f"{bad.size} row(s) hold NaN or infinite values ({shown}); they were loaded as they "
            "are, but distances and maps involving them are meaningless (a value beyond "
            "float32's range, about 3.4e38, becomes infinite). Fix or drop those rows."
        )
    return bad


def allocate(path: Path, rows: int, dims: int, capacity: int | None = None) -> np.ndarray:
    """One float32 array for all rows (at most ``capacity`` of them for now); a header asking for
    more memory than there is is reported with the numbers before anything is allocated."""
    from embviz.io.guards import check_memory

    check_memory(
        path,
        rows * dims * 4,
        f"the header's {rows:,} rows x {dims:,} dimensions (float32)",
        line=1,
        hint="Check that the header is right, or read only the first rows (--limit N).",
    )
    try:
        return np.empty((min(rows, capacity or rows), dims), dtype=np.float32)
    except (MemoryError, ValueError):
        raise LoadError(
            path,
            f"the header asks for {rows} x {dims} values, more than this computer can hold.",
            line=1,
            hint="Check that the header is right, or pass limit=N to read only N rows.",
        ) from None


def _bad_row(path: Path, rest: bytes, dims: int, line_no: int) -> LoadError:
    """The error for one row whose values do not parse or do not number ``dims``."""
    tokens = rest.split()
    control = CONTROL_BYTES.search(rest)
    if control is not None:
        byte = control[0][0]
        what = "a NUL byte" if byte == 0 else f"the control byte 0x{byte:02x}"
        return LoadError(
            path,
            f"holds {what}, which no text file has: the file is corrupt (a damaged copy or "
            "download?).",
            line=line_no,
            hint="Download or export it again.",
        )
    for token in tokens:
        if not floats_ok([token]):
            shown = token.decode("utf-8", errors="replace")[:40]
            return LoadError(path, f"{shown!r} is not a number.", line=line_no, hint=ROW_HINT)
    return LoadError(
        path, f"row has {len(tokens)} values, expected {dims}.", line=line_no, hint=ROW_HINT
    )


def _parse_block(path: Path, rests: list[bytes], dims: int, first_line: int) -> np.ndarray:
    """Parse the value parts of many rows at once (C speed); locate the exact line on failure."""
    try:
        values = np.fromstring(b" ".join(rests), dtype=np.float64, sep=" ")
    except ValueError:
        values = None
    if values is None or values.size != len(rests) * dims:
        for k, rest in enumerate(rests):
            try:
                count = np.fromstring(rest, dtype=np.float64, sep=" ").size
            except ValueError:
                count = -1
            if count != dims:
                raise _bad_row(path, rest, dims, first_line + k)
        raise LoadError(path, "rows could not be parsed.", line=first_line, hint=ROW_HINT)
    return values.reshape(len(rests), dims)


def _line_guess(path: Path, pending: list[bytes], size_hint: int) -> int:
    """Rows a file without a header probably holds, from the length of its first row."""
    first = max(1, sum(len(line) for line in pending))
    return max(1024, int(size_hint / first * 1.1) + 16)


def _slow_rows(
    path: Path,
    data: bytes,
    base: int,
    spans: np.ndarray,
    rows: np.ndarray,
    dims: int,
    out: np.ndarray,
    row0: int,
    line0: int,
) -> None:
    """Rows the compiled scanner left to numpy's parser (long or unusual numbers, or errors)."""
    for r in rows.tolist():
        rest = data[base + int(spans[r, 0]) : base + int(spans[r, 1])]
        with np.errstate(over="ignore"):  # beyond float32: inf, flagged by flag_nonfinite
            out[row0 + r] = _parse_block(path, [rest], dims, line0 + r)[0]


def read_text_rows(
    stream: BinaryIO,
    path: Path,
    *,
    dims: int,
    first_line: int,
    rows: int | None,
    limit: int | None,
    pending: list[bytes] | None = None,
    size_hint: int = 0,
) -> Task[tuple[list[bytes], np.ndarray]]:
    """Read ``label v1 .. vD`` rows into one float32 array; returns (raw labels, vectors).

    ``rows`` is the header's count (None for GloVe, which has no header): fewer rows than it, or
    more without ``limit``, is an error, never a silent truncation. Blocks of ~2 MB per core are
    scanned by compiled code (:mod:`embviz.io.fastparse`) straight into the preallocated array,
    on every core (:mod:`embviz.io.scan_parts`).
    """
    from embviz.io.fastparse import BLANK_BETWEEN, FULL, scan_rows
    from embviz.io.scan_parts import MIN_PART_BYTES, cores, scan_clean_parts

    wanted = rows if limit is None or rows is not None and rows <= limit else limit
    if rows is None:
        guess = _line_guess(path, pending or [], size_hint)
        out = allocate(path, min(wanted, guess) if wanted else guess, dims)
    else:
        # a row takes at least 2 bytes per value plus a label and a newline: a file of this
        # size cannot hold more, whatever its header says (the array grows if it must)
        assert wanted is not None  # a header's count, or the limit below it
        most = size_hint // (2 * dims + 2) + 1 if size_hint else wanted
        out = allocate(path, wanted, dims, capacity=most)
    labels: list[bytes] = []
    threads = cores() if size_hint >= 2 * MIN_PART_BYTES else 1
    pool = ThreadPoolExecutor(threads, "embviz-scan") if threads > 1 else None
    try:
        carry = b"".join(pending or [])
        line0 = first_line  # line number of the first line of the next buffer
        blank_at: int | None = None  # a blank line seen after the last row (fine at the end only)
        eof = done = False
        while not (eof or done):
            chunk = stream.read(BLOCK_BYTES * threads)
            eof = not chunk
            data = carry + chunk
            cut = len(data) if eof else data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            buf = np.frombuffer(data, np.uint8, count=cut)
            offset = 0
            if pool is not None and blank_at is None:
                room = out.shape[0] - len(labels)
                room = room if wanted is None else min(room, wanted - len(labels))
                parts, offset = scan_clean_parts(
                    pool, threads, data, buf, cut, dims, out, len(labels), room
                )
                for part in parts:
                    slow = np.flatnonzero(part.slow[: part.rows])
                    _slow_rows(
                        path, data, part.start, part.values, slow, dims, out, len(labels), line0
                    )
                    labels += [
                        data[part.start + s : part.start + e] for s, e in part.spans.tolist()
                    ]
                    line0 += part.rows
            while offset < cut and not done:
                n = len(labels)
                room = out.shape[0] - n if wanted is None else min(out.shape[0], wanted) - n
                size = max(1, min(room, data.count(b"\n", offset, cut) + 1))
                spans = np.empty((size, 2), np.int64)
                values = np.empty((size, 2), np.int64)
                slow = np.empty(size, np.uint8)
                got, lines, code, at, pos = scan_rows(
                    buf[offset:], dims, out, n, room, blank_at is not None, spans, values, slow
                )
                _slow_rows(
                    path, data, offset, values, np.flatnonzero(slow[:got]), dims, out, n, line0
                )
                labels += [data[offset + s : offset + e] for s, e in spans[:got].tolist()]
                if code == BLANK_BETWEEN:
                    line = blank_at if at == -2 else line0 + at
                    raise LoadError(path, "blank line between rows.", line=line, hint=ROW_HINT)
                if code == FULL and wanted is not None and len(labels) == wanted:
                    if limit is not None and wanted == limit:
                        done = True
                        break
                    raise LoadError(
                        path,
                        f"the header says {rows} rows but the file has more (this is row {wanted + 1}).",
                        line=line0 + at,
                        hint=MORE_ROWS_HINT,
                    )
                if code == FULL:  # no header: the guess was short; grow by half (realloc)
                    out.resize((max(len(labels) + 1, out.shape[0] * 3 // 2), dims), refcheck=False)
                elif at >= 0 and blank_at is None:
                    blank_at = line0 + at
                offset += pos
                line0 += lines
            if wanted is not None and len(labels) == wanted and limit is not None:
                done = True
            fraction = len(labels) / wanted if wanted else None
            yield Progress(fraction, f"Read {len(labels):,} rows")  # a block is ~10 ms of parsing
    finally:
        if pool is not None:
            pool.shutdown()
    if rows is not None and len(labels) < (wanted or 0):
        found = f"only {len(labels)}" if labels else "none"
        raise LoadError(
            path,
            f"the header says {rows} rows but the file has {found}.",
            hint="The file may be cut short: export or download it again, or correct the header.",
        )
    if len(labels) < out.shape[0]:
        out.resize((len(labels), dims), refcheck=False)  # in place: no second copy of the rows
    return labels, out
