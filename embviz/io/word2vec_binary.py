"""word2vec binary files: an ``"N D"`` header, then per row a label, a space and D float32 values.

Before reading, the first rows are walked to tell float32 rows from float64 ones (said only when
float64 rows fill the file exactly) and from bytes that form no rows at all (corrupt); a header
promising far more than the file holds is refused before allocating. Results match gensim's
``KeyedVectors.load_word2vec_format(binary=True)`` bit for bit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.compression import open_binary
from embviz.io.textparse import (
    MORE_ROWS_HINT,
    allocate,
    floats_ok,
    has_control_bytes,
    mostly_text,
)
from embviz.io.word2vec import (
    EARLY_CHECK_BYTES,
    _body,
    _check_dims_fit,
    _check_limit,
    _finish,
    _read_header,
)

CHUNK_BYTES = 1024 * 1024


MAX_LABEL_BYTES = 64 * 1024


def _walk_rows(data: bytes, row_bytes: int, rows: int) -> int | None:
    """Where ``rows`` binary rows of ``row_bytes`` floats end in ``data`` if each starts with a
    plausible label; None when a label looks like float bytes (the row width is wrong)."""
    pos = 0
    for _ in range(rows):
        space = data.find(b" ", pos, pos + 1024)
        if space < 0:
            return pos if len(data) - pos < 1024 else None
        label = data[pos:space].lstrip(b"\n")
        if not label or has_control_bytes(label):
            return None
        pos = space + 1 + row_bytes
        if pos >= len(data):
            return pos
    return pos


def _fills(data: bytes, row_bytes: int, rows: int) -> bool:
    """True when exactly ``rows`` rows of ``row_bytes`` fill ``data`` (a final newline allowed)."""
    pos = 0
    for row in range(rows):
        space = data.find(b" ", pos, pos + 1024)
        if space < 0:
            return False
        label = data[pos:space].lstrip(b"\n")
        if not label or has_control_bytes(label):
            return False
        pos = space + 1 + row_bytes
        if pos >= len(data) and row < rows - 1:
            return False
    return pos == len(data) or (pos == len(data) - 1 and data[-1:] == b"\n")


def _check_float32(path: Path, data: bytes, rows: int, dims: int, whole: bool) -> None:
    """Raise when the rows are float64 (loading them as float32 would give garbage), or when the
    bytes fit no row layout at all (corrupt). A file cut short is left to the reader, which says
    in which row it ends."""
    n = min(rows, 8)
    as32, as64 = _walk_rows(data, 4 * dims, n), _walk_rows(data, 8 * dims, n)
    if whole:  # the whole file is here: float64 only if its rows fill it exactly
        is64 = _fills(data, 8 * dims, rows) and not _fills(data, 4 * dims, rows)
    else:
        is64 = as32 is None and as64 is not None
    if is64:
        raise LoadError(
            path,
            f"the rows hold float64 numbers ({8 * dims} bytes per vector), "
            "but word2vec binary files hold float32.",
            hint="Convert it: load it with numpy/gensim as float64 and save it as float32 (or "
            "as .npy), then open that file.",
        )
    if as32 is None:
        raise LoadError(
            path,
            f"the bytes after the header do not form rows of a label, a space and {dims} float32 "
            "values (a label holds control bytes or is empty): the file is corrupt, or its header "
            "is wrong.",
            line=1,
            hint="Download or export it again.",
        )


def _check_binary_size(path: Path, rows: int, wanted: int, dims: int) -> None:
    """A header promising more rows than the file's bytes can hold: say so before allocating."""
    from embviz.io.compression import compression_of

    if compression_of(path) is not None:
        return  # the size of the content is not known without reading it
    size = path.stat().st_size
    _check_dims_fit(path, dims, size, 4)
    least = wanted * (4 * dims + 2)  # each row: a label of 1+ bytes, a space, the floats
    if least > size and wanted * dims * 4 > EARLY_CHECK_BYTES:  # small: the reader names the row
        fit = size // (4 * dims + 2)
        raise LoadError(
            path,
            f"the header says {rows:,} rows of {dims:,} float32 values, at least {least:,} bytes, "
            f"but the file has {size:,} bytes (room for about {fit:,} rows): it is cut short, or "
            "its header is wrong.",
            line=1,
            hint="Download or export it again, or correct the header.",
        )


def _read_binary(path: Path, limit: int | None, encoding: str) -> Task[EmbeddingSet]:
    with open_binary(path) as f:
        rows, dims = _read_header(path, f.readline(1024))
        wanted = rows if limit is None else min(rows, limit)
        row_bytes = 4 * dims
        _check_binary_size(path, rows, wanted, dims)
        out = allocate(path, wanted, dims)
        flat = out.data.cast("B")
        first_read = max(CHUNK_BYTES, 2 * (row_bytes + 1024))
        buf = f.read(first_read)
        _check_float32(path, buf, rows, dims, whole=len(buf) < first_read)
        view, pos = memoryview(buf), 0
        labels: list[bytes] = []
        for row in range(wanted):
            space = buf.find(b" ", pos)
            while space < 0 or len(buf) - space - 1 < row_bytes:
                more = f.read(max(CHUNK_BYTES, row_bytes + 1024))
                if not more:
                    raise LoadError(
                        path,
                        f"the file ends in row {row + 1}, but the header says {rows} rows.",
                        row=row + 1,
                        hint="The file is cut short: export or download it again.",
                    )
                buf = buf[pos:] + more
                view, pos = memoryview(buf), 0
                space = buf.find(b" ")
                if space < 0 and len(buf) > MAX_LABEL_BYTES:
                    raise LoadError(
                        path,
                        "no space after the label in 64 KB: the file is corrupt, or not word2vec "
                        "binary.",
                        row=row + 1,
                        hint="Download or export it again.",
                    )
            labels.append(buf[pos:space].lstrip(b"\n"))  # the C tool ends rows with a newline
            pos = space + 1 + row_bytes
            flat[row * row_bytes : (row + 1) * row_bytes] = view[space + 1 : pos]
            if row % 8192 == 8191:  # ~10 ms of copying between chances to cancel
                yield Progress(row / wanted, f"Read {row + 1:,} of {wanted:,} rows")
        if wanted == rows and (buf[pos:] + f.read(64)).strip():
            raise LoadError(
                path,
                f"the header says {rows} rows but the file has more data after them.",
                row=rows + 1,
                hint=MORE_ROWS_HINT,
            )
    vectors = out if np.little_endian else out.byteswap()
    return _finish(path, "word2vec-binary", "float32", labels, vectors, encoding)


class Word2VecBinaryFormat:
    name = "word2vec-binary"
    title = "word2vec binary (.bin)"
    extensions = (".bin", ".bin.gz", ".bin.bz2", ".w2v")

    def sniff(self, path: Path, head: bytes) -> float:
        header, body = _body(head)
        if header is None or not body.strip():
            return 0.0
        if has_control_bytes(body[:4096]):
            return 0.0 if mostly_text(body) else 0.95
        tokens = body.split(b"\n", 1)[0].rstrip().split(b" ")
        if len(tokens) == header[1] + 1 and floats_ok(tokens[1:]):
            return 0.0  # a text row
        try:  # printable UTF-8 is text with odd rows; word2vec-text reports which row is wrong
            body[:4096].decode("utf-8")
            return 0.0
        except UnicodeDecodeError as exc:
            if exc.start >= min(len(body), 4096) - 3:  # only a character cut at the end
                return 0.0
        return 0.6 if _walk_rows(body, 4 * header[1], min(header[0], 8)) else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        limit = _check_limit(path, options.get("limit"))
        return _read_binary(Path(path), limit, options.get("encoding") or "utf-8")
