"""A walk over a fastText ``.bin`` before gensim reads it.

gensim's loader trusts the file: a vocabulary cut short makes it loop forever (it reads one byte
at a time until a NUL that never comes), and a matrix header claiming billions of rows makes it
allocate them. This walk follows the same layout (facebookresearch/fastText: args, dictionary,
quantisation flag, matrix) without allocating anything, and says where the file stops making
sense.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any

from embviz.core.errors import LoadError
from embviz.io.guards import check_memory, size_text

MAGIC = 793712314
HINT = "The file is cut short or damaged: download or export it again."


class _Reader:
    def __init__(self, path: Path, data: Any) -> None:
        self.path, self.data, self.pos = path, data, 0

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise LoadError(
                self.path,
                f"the fastText model ends at byte {len(self.data):,}, inside {what}.",
                hint=HINT,
            )
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values


def _walk(path: Path, data: Any) -> None:
    r = _Reader(path, data)
    magic, version = r.unpack("<2i", "its header")
    new = magic == MAGIC
    if new:
        dim = r.unpack("<12id", "its header")[0]
    else:
        dim = magic
        r.unpack("<10id", "its header")
    if not 0 < dim <= 100_000:
        raise LoadError(
            path, f"its header gives {dim:,} dimensions, which is not plausible.", hint=HINT
        )
    vocab_size, nwords, nlabels = r.unpack("<3i", "its dictionary header")
    r.unpack("<q", "its dictionary header")
    prune = r.unpack("<q", "its dictionary header")[0] if new else 0
    if vocab_size < 0 or nwords < 0 or nlabels < 0 or prune < 0 and prune != -1:
        raise LoadError(
            path,
            f"its dictionary header is damaged (size {vocab_size}, words {nwords}, "
            f"labels {nlabels}).",
            hint=HINT,
        )
    for i in range(vocab_size):
        end = data.find(b"\x00", r.pos)
        if end < 0:
            raise LoadError(
                path,
                f"the fastText model ends inside its vocabulary, at word {i + 1:,} of "
                f"{vocab_size:,} (byte {len(data):,}).",
                hint=HINT,
            )
        r.pos = end + 1
        r.unpack("<qb", f"word {i + 1:,} of the vocabulary")
    r.pos += 8 * max(prune, 0)
    rows, cols = _matrix(r, new, "input")
    check_memory(path, 2 * rows * cols * 4, f"the fastText model's {rows:,} x {cols:,} matrix")
    _matrix(r, new, "output")  # not read for vectors, but a file without it is cut short


def _matrix(r: _Reader, new: bool, which: str) -> tuple[int, int]:
    if new:
        r.unpack("<?", f"its {which} matrix header")
    rows, cols = r.unpack("<2q", f"its {which} matrix header")
    need = rows * cols * 4
    if rows < 0 or cols < 0 or r.pos + need > len(r.data):
        raise LoadError(
            r.path,
            f"the fastText model ends inside its {which} matrix: its header says {rows:,} x "
            f"{cols:,} float32 ({size_text(need)}), but only {size_text(len(r.data) - r.pos)} "
            f"follow it at byte {r.pos:,}.",
            hint=HINT,
        )
    r.pos += need
    return rows, cols


def check_fasttext(path: Path) -> None:
    """Raise a LoadError naming the byte where a fastText .bin stops making sense."""
    from embviz.io.compression import compression_of, open_binary

    if compression_of(path) is not None:
        check_memory(path, 8 * path.stat().st_size, "decompressing the fastText model")
        with open_binary(path) as f:
            _walk(path, f.read())
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        _walk(path, data)
