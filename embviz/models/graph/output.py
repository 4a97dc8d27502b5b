"""Writing a graph embedding: word2vec vectors that embviz and gensim read, plus the side file.

``OUT.vec`` / ``OUT.txt``: word2vec text, every value at full precision (17 significant digits
for Poincaré's float64 vectors, 9 for Word2Vec's float32: both read back bit for bit);
``OUT.bin``: word2vec binary (float32); beside it ``OUT.<ext>.graph.json`` names the edge list and
the parameters, so the window draws the graph's edges when it opens ``OUT``. Everything is written
through :func:`embviz.io.safe_write.atomic_write`: all files or none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.io.safe_write import atomic_write
from embviz.io.writers import _label_bytes
from embviz.models.graph.graph_set import side_file, side_record

OUTPUTS = (".vec", ".txt", ".bin")


def write_vectors(labels: list[str], vectors: np.ndarray, path: Path, binary: bool) -> None:
    rows, dims = vectors.shape
    with open(path, "wb") as f:
        f.write(f"{rows} {dims}\n".encode("ascii"))
        if binary:
            for label, row in zip(labels, np.asarray(vectors, dtype="<f4"), strict=True):
                f.write(_label_bytes(label) + b" " + row.tobytes())
            return
        digits = "%.17g" if vectors.dtype == np.float64 else "%.9g"
        row_format = " ".join([digits] * dims)
        for label, row in zip(labels, vectors, strict=True):
            values = row_format % tuple(row.tolist())
            f.write(_label_bytes(label) + b" " + values.encode("ascii") + b"\n")


def write_result(result: Any, out: str | Path, force: bool = False) -> list[Path]:
    """Write ``result`` (a GraphResult) to ``out`` and its side file; returns both paths."""
    out = Path(out)
    if out.suffix not in OUTPUTS:
        raise EmbvizError(f"{out}: write .vec or .txt (word2vec text) or .bin (word2vec binary).")
    side = side_file(out)
    with atomic_write([out, side], force=force) as (vectors_temp, side_temp):
        write_vectors(result.labels, np.asarray(result.vectors), vectors_temp, out.suffix == ".bin")
        record = side_record(result, out)
        side_temp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return [out, side]
