"""word2vec (binary and text), fastText .vec and GloVe: the formats most word vectors ship in.

Sniffed by content: a binary file is an ``"N D"`` header followed by bytes no text file holds; a
word2vec text file is that header followed by rows of D+1 tokens; a GloVe file has no header and
rows of equal length. Results match gensim's ``KeyedVectors.load_word2vec_format`` bit for bit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.compression import open_binary
from embviz.io.textparse import (
    BOM,
    CONTROL_BYTES,
    MORE_ROWS_HINT,
    allocate,
    complete_lines,
    decode_labels,
    drop_duplicates,
    flag_nonfinite,
    floats_ok,
    has_control_bytes,
    header_like,
    mostly_text,
    parse_header,
    read_text_rows,
)

CHUNK_BYTES = 1024 * 1024
MAX_LABEL_BYTES = 64 * 1024
EARLY_CHECK_BYTES = 64 * 1024 * 1024
HEADER_HINT = "A word2vec file starts with a line 'ROWS DIMS', e.g. '400000 300'."


def _finish(
    path: Path, fmt: str, on_disk: str, raw: list[bytes], vectors: np.ndarray, encoding: str
) -> EmbeddingSet:
    joined = b"\n".join(raw)
    nul = joined.find(b"\x00")
    if nul >= 0:
        raise LoadError(
            path,
            "a label holds a NUL byte, which no label has: the file is corrupt (a damaged copy "
            "or download?).",
            row=joined.count(b"\n", 0, nul) + 1,
            hint="Download or export it again.",
        )
    warnings: list[str] = []
    labels = decode_labels(raw, encoding, path, warnings)
    labels, vectors = drop_duplicates(labels, vectors, warnings)
    flag_nonfinite(labels, vectors, warnings)
    source = Source(path=str(path), format=fmt, dtype_on_disk=on_disk, warnings=warnings)
    return EmbeddingSet(labels, vectors, source=source)


def _check_limit(path: Path, limit: Any) -> int | None:
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise LoadError(
            path,
            f"limit must be a positive whole number, not {limit!r}.",
            hint="Pass e.g. --limit 10000.",
        )
    return limit


def _check_dims_fit(path: Path, dims: int, size: int, least_per_value: int) -> None:
    """A header whose one row could not fit in the file: said before a big row is allocated
    (small ones are left to the reader, which says where the file ends)."""
    if size and dims * least_per_value > size and dims * 4 > EARLY_CHECK_BYTES:
        raise LoadError(
            path,
            f"the header says each vector has {dims:,} values, but one row of them takes at "
            f"least {dims * least_per_value:,} bytes and the file has {size:,}.",
            line=1,
            hint=HEADER_HINT,
        )


def _read_header(path: Path, line: bytes) -> tuple[int, int]:
    header = parse_header(line)
    if header is None:
        shown = line[:60].decode("utf-8", errors="replace").strip()
        problem = f"the first line {shown!r} is not a header."
        if header_like(line):
            problem = (
                f"the first line {shown!r} looks like a word2vec header but is not a valid one: a "
                "header is exactly two whole numbers, ROWS and DIMS, both positive."
            )
        raise LoadError(path, problem, line=1, hint=HEADER_HINT)
    rows, dims = header
    if rows == 0:
        raise LoadError(path, "the header says the file has 0 rows.", line=1, hint=HEADER_HINT)
    if dims == 0:
        raise LoadError(
            path, "the header says the vectors have 0 dimensions.", line=1, hint=HEADER_HINT
        )
    return rows, dims


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


def _read_w2v_text(path: Path, limit: int | None, encoding: str) -> Task[EmbeddingSet]:
    with open_binary(path) as f:
        rows, dims = _read_header(path, f.readline(1024))
        from embviz.io.compression import compression_of

        plain = compression_of(path) is None
        _check_dims_fit(path, dims, path.stat().st_size if plain else 0, 2)
        raw, vectors = yield from read_text_rows(
            f,
            path,
            dims=dims,
            first_line=2,
            rows=rows,
            limit=limit,
            size_hint=path.stat().st_size if plain else 0,
        )
    return _finish(path, "word2vec-text", "text", raw, vectors, encoding)


def _read_glove(path: Path, limit: int | None, encoding: str) -> Task[EmbeddingSet]:
    with open_binary(path) as f:
        first, line_no = b"", 0
        while not first.strip():
            first = f.readline()
            line_no += 1
            if not first:
                raise LoadError(path, "the file holds no rows.", hint="Choose a file with vectors.")
        first = first.removeprefix(BOM) if line_no == 1 else first
        dims = len(first.rstrip().split(b" ")) - 1
        if dims < 1:
            raise LoadError(
                path,
                "the first row has a label but no values.",
                line=line_no,
                hint="Each row must be a label followed by the numbers of its vector.",
            )
        raw, vectors = yield from read_text_rows(
            f,
            path,
            dims=dims,
            first_line=line_no,
            rows=None,
            limit=limit,
            pending=[first],
            size_hint=path.stat().st_size,
        )
    eset = _finish(path, "glove-text", "text", raw, vectors, encoding)
    if all(label.isdigit() for label in eset.labels):
        eset.source.warnings.append(
            "every label is a whole number: they were read as ids. If the first column is data "
            "(a matrix without labels), those values are missing from the vectors."
        )
    return eset


def _body(head: bytes) -> tuple[tuple[int, int] | None, bytes]:
    """The header of a sniffed head (None if it has none) and the bytes after it."""
    head = head.removeprefix(BOM)
    end = head.find(b"\n")
    first = head if end < 0 else head[:end]
    return parse_header(first), b"" if end < 0 else head[end + 1 :]


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


def _bad_header(head: bytes) -> bool:
    """A first line of whole numbers that is not a valid header ('-3 4', '3 4 5'), followed by
    rows of another width: a broken word2vec header, not a GloVe row."""
    lines = complete_lines(head.removeprefix(BOM), 3)
    if len(lines) < 2 or not header_like(lines[0]) or parse_header(lines[0]) is not None:
        return False
    return len(lines[1].split()) != len(lines[0].split())


class Word2VecTextFormat:
    name = "word2vec-text"
    title = "word2vec / fastText text (.vec, .txt)"
    extensions = (".vec", ".txt", ".vec.gz", ".txt.gz", ".vec.bz2", ".txt.bz2")

    def sniff(self, path: Path, head: bytes) -> float:
        header, body = _body(head)
        if header is None:
            return 0.55 if _bad_header(head) else 0.0  # read() says what is wrong with it
        if not body.strip():
            return 0.3  # header only: read() explains what is missing
        if has_control_bytes(body[:4096]):
            return 0.6 if mostly_text(body) else 0.0  # damaged text: read() names the line
        lines = complete_lines(body, 5)
        if all(len(ln.split(b" ")) == header[1] + 1 and floats_ok(ln.split()[1:]) for ln in lines):
            return 0.95
        return 0.5  # a header and text: read() names the row that is wrong

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        limit = _check_limit(path, options.get("limit"))
        return _read_w2v_text(Path(path), limit, options.get("encoding") or "utf-8")


class GloveTextFormat:
    name = "glove-text"
    title = "GloVe text (.txt, no header)"
    extensions = (".txt", ".txt.gz", ".txt.bz2")

    def sniff(self, path: Path, head: bytes) -> float:
        head = head.removeprefix(BOM)
        damaged = has_control_bytes(head[:4096])
        if damaged and not mostly_text(head):
            return 0.0
        if damaged:  # text with a stray control byte: read() names its line
            head = CONTROL_BYTES.sub(b"", head)
        lines = complete_lines(head, 20)
        if not lines:
            return 0.0
        tokens = lines[0].split(b" ")
        if len(tokens) < 2 or not floats_ok(tokens[1:]):
            return 0.0
        rest = lines[1:]
        if not rest:  # one row; if it reads as "N D" it is a word2vec header with no rows
            return 0.2 if parse_header(lines[0]) else 0.6
        same = all(len(ln.split(b" ")) == len(tokens) for ln in rest)
        score = 0.8 if same and floats_ok(rest[0].split(b" ")[1:]) else 0.4
        return min(score, 0.5) if damaged else score

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        limit = _check_limit(path, options.get("limit"))
        return _read_glove(Path(path), limit, options.get("encoding") or "utf-8")
