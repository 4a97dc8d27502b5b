"""A plain text matrix: numbers only, one row per line, separated by spaces, as numpy's
``savetxt`` writes it. No column is a label, so every column is a dimension; rows are named by
their number, and a warning says so (read as GloVe, the first column would silently become the
labels and the vectors would lose a dimension).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Task
from embviz.io.compression import open_binary
from embviz.io.textparse import (
    BOM,
    complete_lines,
    flag_nonfinite,
    floats_ok,
    has_control_bytes,
    read_text_rows,
)

_WHOLE = re.compile(rb"^[+-]?\d+$")


def _is_matrix(lines: list[bytes]) -> bool:
    """Every token a number, every line as wide, and the first column not all whole numbers
    (those may be ids: read as GloVe labels, with a warning)."""
    widths = {len(line.split(b" ")) for line in lines}
    if len(widths) != 1 or not all(floats_ok(line.split(b" ")) for line in lines):
        return False
    return not all(_WHOLE.match(line.split(b" ", 1)[0]) for line in lines)


class TextMatrixFormat:
    name = "text-matrix"
    title = "plain text matrix, numbers only (numpy.savetxt)"
    extensions = (".txt", ".dat", ".txt.gz")

    def sniff(self, path: Path, head: bytes) -> float:
        head = head.removeprefix(BOM)
        if has_control_bytes(head[:4096]):
            return 0.0
        lines = complete_lines(head, 20)
        if len(lines) < 2 or len(lines[0].split(b" ")) < 2 or not _is_matrix(lines):
            return 0.0  # one line of two numbers reads better as a (headerless) word2vec header
        return 0.85

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        limit = options.get("limit")
        with open_binary(path) as f:
            first = f.readline().removeprefix(BOM)
            dims = len(first.rstrip().split(b" "))
            if dims < 2:
                raise LoadError(
                    path,
                    "the first row has fewer than two numbers.",
                    line=1,
                    hint="Give one vector per line, its numbers separated by spaces.",
                )
            raw, rest = yield from read_text_rows(
                f,
                path,
                dims=dims - 1,
                first_line=1,
                rows=None,
                limit=limit,
                pending=[first],
                size_hint=path.stat().st_size,
            )
        try:
            first_column = np.array([float(t) for t in raw], dtype=np.float64)
        except ValueError:
            bad = next(i for i, t in enumerate(raw) if not floats_ok([t]))
            raise LoadError(
                path,
                f"{raw[bad][:40].decode('utf-8', 'replace')!r} is not a number, but the file "
                "was read as a matrix of numbers.",
                line=bad + 1,
                hint="Give every row only numbers, or a label first on every row (GloVe).",
            ) from None
        vectors = np.empty((len(raw), dims), np.float32)
        with np.errstate(over="ignore"):  # beyond float32: inf, flagged by flag_nonfinite
            vectors[:, 0] = first_column.astype(np.float32)
        vectors[:, 1:] = rest
        labels = [str(i) for i in range(len(raw))]
        warnings = [
            f"the file has no labels (every column is a number, as numpy.savetxt writes): all "
            f"{dims} columns were read as the vectors, and rows are named by their number "
            f"0..{len(raw) - 1}."
        ]
        flag_nonfinite(labels, vectors, warnings)
        return EmbeddingSet(labels, vectors, source=Source(str(path), self.name, "text", warnings))
