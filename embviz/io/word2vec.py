"""word2vec and fastText text (.vec), and GloVe: the formats most word vectors ship in (word2vec
binary: :mod:`embviz.io.word2vec_binary`).

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
from embviz.core.tasks import Task
from embviz.io.compression import open_binary
from embviz.io.textparse import (
    BOM,
    CONTROL_BYTES,
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
