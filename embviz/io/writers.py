"""Writing embedding files that gensim and the original tools read back exactly.

Text values are written with 9 significant digits ('%.9g'): enough for every float32 to survive the
round trip bit for bit, even through gensim's parse-as-float64-then-round-to-float32.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError


def _label_bytes(label: str) -> bytes:
    if not label or any(ch in label for ch in " \n\r"):
        raise EmbvizError(
            f"Cannot write label {label!r} to a word2vec file: labels there cannot be empty or "
            "hold spaces or line breaks. Replace them (e.g. with '_') first."
        )
    return label.encode("utf-8")


def write_word2vec(eset: EmbeddingSet, path: str | Path, binary: bool) -> None:
    """Write a word2vec file: binary (float32, rows without newlines, as gensim writes) or text."""
    rows, dims = eset.shape
    vectors = np.asarray(eset.vectors, dtype="<f4")
    row_format = " ".join(["%.9g"] * dims)
    with open(path, "wb") as f:
        f.write(f"{rows} {dims}\n".encode("ascii"))
        for label, row in zip(eset.labels, vectors, strict=True):
            if binary:
                f.write(_label_bytes(label) + b" " + row.tobytes())
            else:
                values = row_format % tuple(row.tolist())
                f.write(_label_bytes(label) + b" " + values.encode("ascii") + b"\n")


def write_npz(eset: EmbeddingSet, path: str | Path) -> None:
    """Write vectors, labels and every metadata column into one .npz archive."""
    arrays: dict[str, np.ndarray] = {}
    for column, values in eset.metadata.items():
        if column in ("vectors", "labels"):
            raise EmbvizError(f"Cannot write metadata column {column!r}: the name is reserved.")
        values = np.asarray(values)
        arrays[column] = values.astype(str) if values.dtype == object else values
    arrays = {
        "vectors": np.asarray(eset.vectors),
        "labels": np.array(eset.labels, dtype=str),
        **arrays,
    }
    # Array names are keyword arguments of savez, whose stubs (numpy >= 2.1) also declare a bool
    # allow_pickle keyword; call it through a plain callable so the names are not checked as that.
    savez: Callable[..., None] = np.savez
    with open(path, "wb") as f:  # a file object keeps numpy from appending '.npz' to the name
        savez(f, **arrays)
