"""Transparent gzip/bz2: files are recognised by their magic bytes, not their names."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"


def compression_of(path: Path) -> str | None:
    with open(path, "rb") as f:
        magic = f.read(3)
    if magic.startswith(GZIP_MAGIC):
        return "gzip"
    if magic.startswith(BZ2_MAGIC):
        return "bz2"
    return None


def open_binary(path: Path) -> BinaryIO:
    """Open for reading bytes, decompressing when the file is gzip or bz2."""
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_head(path: Path, n: int) -> bytes:
    """The first ``n`` bytes of the (decompressed) content; fewer if the stream is damaged."""
    with open_binary(path) as f:
        try:
            return f.read(n)
        except (OSError, EOFError):
            return b""
