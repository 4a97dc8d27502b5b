"""How a file's bytes are read: gzip/bz2 recognised by their magic bytes (not their names) and
decompressed on the fly, damaged compressed data reported as such, and text in UTF-16 or with
CR-only line ends turned into the UTF-8, LF-ended text every text reader expects.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from embviz.core.errors import LoadError
from embviz.io.guards import reason

GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
UTF_BOMS = (  # longest first: a UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DAMAGE = (EOFError, OSError, zlib.error, ValueError)  # ValueError: bz2's "invalid data stream"
PEEK_BYTES = 64 * 1024


def compression_of(path: Path) -> str | None:
    with open(path, "rb") as f:
        magic = f.read(3)
    if magic.startswith(GZIP_MAGIC):
        return "gzip"
    if magic.startswith(BZ2_MAGIC):
        return "bz2"
    return None


def text_kind(head: bytes) -> str | None:
    """'utf-16'/'utf-32' for text starting with that BOM, 'cr' for text whose lines end with CR
    only (old Mac style), else None (UTF-8 or binary: read as is)."""
    for bom, name in UTF_BOMS:
        if head.startswith(bom):
            return name
    sample = head[:PEEK_BYTES]
    if b"\r" in sample and b"\n" not in sample:
        if not any(b < 32 and b not in (9, 13) or b == 127 for b in sample[:4096]):
            return "cr"
    return None


def damage_error(path: Path, kind: str, exc: BaseException, at: int) -> LoadError:
    """The error for compressed data that cannot be decompressed past byte ``at`` of content."""
    size = path.stat().st_size if path.exists() else 0
    where = f"after {at:,} bytes of content ({size:,} bytes compressed)"
    if isinstance(exc, EOFError):
        return LoadError(
            path,
            f"the {kind} data ends early, {where}: the file is cut short "
            "(an interrupted download or copy?).",
            hint="Download or copy it again; 'gzip -t FILE' / 'bzip2 -t FILE' checks a file.",
        )
    return LoadError(
        path,
        f"the {kind} data is corrupt, {where} ({reason(exc)}).",
        hint="Download or copy it again; 'gzip -t FILE' / 'bzip2 -t FILE' checks a file.",
    )


class GuardedStream:
    """A decompressing stream whose damage errors become LoadErrors naming the file."""

    def __init__(self, path: Path, kind: str, stream: Any) -> None:
        self._path, self._kind, self._stream, self._at = path, kind, stream, 0

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            result = getattr(self._stream, method)(*args)
        except _DAMAGE as exc:
            if isinstance(exc, ValueError) and "closed file" in str(exc):
                raise
            raise damage_error(self._path, self._kind, exc, self._at) from None
        if isinstance(result, bytes):
            self._at += len(result)
        return result

    def read(self, n: int = -1) -> bytes:
        return self._guard("read", n)  # type: ignore[no-any-return]

    def readline(self, limit: int = -1) -> bytes:
        return self._guard("readline", limit)  # type: ignore[no-any-return]

    def seek(self, offset: int, whence: int = 0) -> int:
        pos: int = self._guard("seek", offset, whence)
        self._at = pos
        return pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __enter__(self) -> GuardedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


class TextStream:
    """UTF-16/UTF-32 text re-encoded as UTF-8, or CR line ends turned into LF, read like bytes."""

    def __init__(self, stream: Any, kind: str) -> None:
        self._stream = stream
        self._decoder = None if kind == "cr" else codecs.getincrementaldecoder(kind)("replace")
        self._buf = b""
        self._eof = False

    def _fill(self, want: int) -> None:
        while not self._eof and (want < 0 or len(self._buf) < want):
            raw = self._stream.read(PEEK_BYTES)
            self._eof = not raw
            if self._decoder is None:
                self._buf += raw.replace(b"\r", b"\n")
            else:
                text = self._decoder.decode(raw, final=self._eof)
                self._buf += text.replace("\r\n", "\n").encode("utf-8")

    def read(self, n: int = -1) -> bytes:
        self._fill(n)
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def readline(self, limit: int = -1) -> bytes:
        while True:
            end = self._buf.find(b"\n")
            if end >= 0 or self._eof or (0 <= limit <= len(self._buf)):
                break
            self._fill(len(self._buf) + PEEK_BYTES)
        stop = len(self._buf) if end < 0 else end + 1
        if limit >= 0:
            stop = min(stop, limit)
        out, self._buf = self._buf[:stop], self._buf[stop:]
        return out

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> TextStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_decompressed(path: Path) -> Any:
    kind = compression_of(path)
    if kind == "gzip":
        return GuardedStream(path, "gzip", gzip.open(path, "rb"))
    if kind == "bz2":
        return GuardedStream(path, "bz2", bz2.open(path, "rb"))
    return open(path, "rb")


def text_kind_of(path: Path) -> str | None:
    """The :func:`text_kind` of the (decompressed) start of ``path``."""
    return text_kind(read_head(path, PEEK_BYTES)[0])


def sniff_head(path: Path, n: int) -> tuple[bytes, LoadError | None, str | None]:
    """(the first ``n`` bytes as the readers will see them, damage met, :func:`text_kind`)."""
    head, damage = read_head(path, n)
    kind = text_kind(head)
    if kind is not None and damage is None:
        with open_binary(path) as f:
            try:
                head = f.read(n)
            except LoadError as exc:
                damage = exc
    return head, damage, kind


def open_binary(path: Path) -> BinaryIO:
    """Open for reading bytes: decompressed when gzip/bz2, and UTF-16/32 or CR-only text given as
    UTF-8 with LF line ends (see :func:`text_kind`)."""
    kind = text_kind_of(path)
    stream = _open_decompressed(path)
    return TextStream(stream, kind) if kind else stream  # type: ignore[return-value]


def read_head(path: Path, n: int) -> tuple[bytes, LoadError | None]:
    """The first ``n`` bytes of the (decompressed) content, and the damage met reading them (the
    bytes before the damage are still returned, so the format can be recognised)."""
    parts: list[bytes] = []
    got = 0
    with _open_decompressed(path) as f:
        try:
            while got < n:
                part = f.read(min(8192, n - got))
                if not part:
                    break
                parts.append(part)
                got += len(part)
        except LoadError as exc:
            return b"".join(parts), exc
    return b"".join(parts), None
