"""Shared parsing for word-vector files: text rows, labels, headers and content sniffing.

Text rows are parsed a block at a time by numpy's C parser (never value by value in Python). Values
go through float64 and are then rounded to float32, exactly as gensim's ``np.float32(str)`` does, so
the vectors are bit-identical to ``KeyedVectors.load_word2vec_format``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task

BOM = b"\xef\xbb\xbf"
BLOCK_BYTES = 4 * 1024 * 1024
_HEADER = re.compile(rb"^\s*(\d+)[ \t]+(\d+)\s*$")
# Bytes that never occur in a text file: C0 controls other than whitespace, and DEL.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
ROW_HINT = "Each row must be a label followed by the numbers of its vector, separated by spaces."
MORE_ROWS_HINT = (
    "Correct the row count in the header, or pass limit=N to read only the first N rows."
)


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(rows, dims)`` from a word2vec header line ``"N D"``, or None when it is not one."""
    match = _HEADER.match(line.removeprefix(BOM))
    return (int(match[1]), int(match[2])) if match else None


def has_control_bytes(data: bytes) -> bool:
    return _CONTROL.search(data) is not None


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
    if len(dict.fromkeys(labels)) == len(labels):
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


def allocate(path: Path, rows: int, dims: int) -> np.ndarray:
    """One float32 array for all rows; a header asking for absurd memory is reported, not fatal."""
    try:
        return np.empty((rows, dims), dtype=np.float32)
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


def _lines(stream: BinaryIO, pending: list[bytes]) -> Iterator[list[bytes]]:
    if pending:
        yield pending
    while block := stream.readlines(BLOCK_BYTES):
        yield block


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
    more without ``limit``, is an error, never a silent truncation.
    """
    wanted = rows if limit is None or rows is not None and rows <= limit else limit
    guess = max(1024, size_hint // max(1, 8 * dims))
    out = allocate(path, wanted if rows is not None else min(wanted or guess, guess), dims)
    labels: list[bytes] = []
    line_no = first_line - 1
    blank_line: int | None = None
    for block in _lines(stream, pending or []):
        rests: list[bytes] = []
        block_first = line_no + 1
        for raw in block:
            line_no += 1
            line = raw.rstrip()
            if not line:
                blank_line = blank_line or line_no
                continue
            if blank_line is not None:
                raise LoadError(path, "blank line between rows.", line=blank_line, hint=ROW_HINT)
            if wanted is not None and len(labels) == wanted:
                if limit is not None and wanted == limit:
                    break
                raise LoadError(
                    path,
                    f"the header says {rows} rows but the file has more (this is row {rows + 1}).",
                    line=line_no,
                    hint=MORE_ROWS_HINT,
                )
            if not rests:
                block_first = line_no
            space = line.find(b" ")
            labels.append(line if space < 0 else line[:space])
            rests.append(b"" if space < 0 else line[space + 1 :])
        if rests:
            values = _parse_block(path, rests, dims, block_first)
            start = len(labels) - len(rests)
            if start + len(rests) > out.shape[0]:  # GloVe: no header, grow by half (realloc)
                out.resize((max(start + len(rests), out.shape[0] * 3 // 2), dims), refcheck=False)
            out[start : start + len(rests)] = values  # float64 -> float32, as gensim rounds
        fraction = len(labels) / wanted if wanted else None
        yield Progress(fraction, f"Read {len(labels):,} rows")  # a block is ~50 ms of parsing
        if limit is not None and len(labels) == limit:
            break
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
