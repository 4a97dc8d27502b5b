"""NumPy ``.npy`` (memory-mapped, labels from a sidecar file) and ``.npz`` (vectors + labels +
metadata columns in one archive).

A plain float32 ``.npy`` is opened with ``mmap_mode='r'`` so that even a million rows open at once;
only rows that are used are read from disk.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.compression import compression_of, open_binary
from embviz.io.textparse import decode_labels, drop_duplicates

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"
SIDECARS = ("labels.tsv", "metadata.tsv")
PICKLE_HINT = (
    "Save labels as a string array, e.g. np.array(labels, dtype=str); pickles are not read."
)


def _as_vectors(path: Path, array: np.ndarray, what: str) -> tuple[np.ndarray, str]:
    """Check the array is a 2-D array of numbers; convert to float32 (noting the dtype on disk)."""
    if array.ndim != 2:
        raise LoadError(
            path,
            f"{what} has shape {array.shape}; embviz needs a 2-D array (rows x dimensions).",
            hint="Reshape it to (rows, dims) and save it again.",
        )
    if array.dtype.kind not in "fiu":
        raise LoadError(path, f"{what} holds {array.dtype} values, not numbers.")
    on_disk = str(array.dtype.newbyteorder("=")) if array.dtype.kind == "f" else str(array.dtype)
    if array.dtype != np.float32:
        array = array.astype(np.float32)
    return array, on_disk


def sidecar_names(path: Path) -> list[str]:
    """Sidecars looked for beside ``X.npy``: ones named after it first, then the shared ones."""
    stem = path.name.split(".")[0]
    return [f"{stem}_metadata.tsv", f"{stem}_labels.tsv", *SIDECARS]


def _sidecar(path: Path, rows: int) -> tuple[list[str] | None, dict[str, np.ndarray]]:
    """Labels (and typed metadata columns) from a sidecar beside ``path``; the projector's rule:
    a header row only when the first non-blank line has a tab, blank lines skipped."""
    from embviz.io.metadata import label_column, read_projector_metadata, typed

    for name in sidecar_names(path):
        side = path.with_name(name)
        if not side.is_file():
            continue
        header, columns = read_projector_metadata(side)
        if len(columns[0]) != rows:
            raise LoadError(
                side,
                f"has {len(columns[0])} labels but {path.name} has {rows} rows.",
                hint=f"Give {side.name} one line per row of {path.name}.",
            )
        names = header or ["label"]
        key = (label_column(names, columns) if header else 0) or 0
        cols = zip(names, columns, strict=True)
        metadata = {n: typed(col) for c, (n, col) in enumerate(cols) if c != key}
        return columns[key], metadata
    return None, {}


def _labels_from_array(path: Path, array: np.ndarray, rows: int, warnings: list[str]) -> list[str]:
    if array.ndim != 1 or len(array) != rows:
        raise LoadError(
            path, f"'labels' has shape {array.shape}; expected ({rows},) to match the vectors."
        )
    if array.dtype.kind == "S":
        return decode_labels(list(array), "utf-8", path, warnings)
    return [str(x) for x in array.tolist()]


def _dedupe(
    labels: list[str], vectors: np.ndarray, metadata: dict[str, np.ndarray], warnings: list[str]
) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """Unique labels (first row kept); metadata columns follow the rows kept."""
    if len(set(labels)) == len(labels):  # (a set is ~4x faster than dict.fromkeys)
        return labels, vectors, metadata
    index = {label: i for i, label in reversed(list(enumerate(labels)))}
    keep = sorted(index.values())
    new_labels, new_vectors = drop_duplicates(labels, vectors, warnings)
    return new_labels, new_vectors, {k: v[keep] for k, v in metadata.items()}


class NpyFormat:
    name = "numpy"
    title = "NumPy array (.npy)"
    extensions = (".npy", ".npy.gz", ".npy.bz2")

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.95 if head.startswith(NPY_MAGIC) else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Opening {path.name}")
        try:
            if compression_of(path) is None:
                array = np.load(path, mmap_mode="r", allow_pickle=False)
            else:  # a compressed file cannot be memory-mapped
                with open_binary(path) as f:
                    array = np.load(f, allow_pickle=False)
        except ValueError as exc:
            raise LoadError(path, f"not a readable .npy array ({exc}).", hint=PICKLE_HINT) from None
        vectors, on_disk = _as_vectors(path, array, "the array")
        limit = options.get("limit")
        if limit:
            vectors = vectors[:limit]
        labels, metadata = _sidecar(path, array.shape[0])
        warnings: list[str] = []
        if labels is None:
            labels = list(map(str, range(vectors.shape[0])))  # unique by construction
        else:
            labels = labels[: vectors.shape[0]]
            metadata = {k: v[: vectors.shape[0]] for k, v in metadata.items()}
            labels, vectors, metadata = _dedupe(labels, vectors, metadata, warnings)
        source = Source(path=str(path), format=self.name, dtype_on_disk=on_disk, warnings=warnings)
        return EmbeddingSet(labels, vectors, metadata, source=source)


class NpzFormat:
    name = "numpy-npz"
    title = "NumPy archive (.npz)"
    extensions = (".npz",)

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.9 if head.startswith(ZIP_MAGIC) and b".npy" in head[:4096] else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Opening {path.name}")
        try:
            archive = np.load(path, allow_pickle=False)
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise LoadError(path, f"not a readable .npz archive ({exc}).") from None
        with archive:
            try:
                arrays = {name: archive[name] for name in archive.files}
            except ValueError:
                raise LoadError(path, "an array holds Python objects.", hint=PICKLE_HINT) from None
        if "vectors" in arrays:
            key = "vectors"
        else:
            two_d = [name for name, a in arrays.items() if a.ndim == 2]
            if len(two_d) != 1:
                found = ", ".join(f"{n} {a.shape}" for n, a in arrays.items()) or "no arrays"
                raise LoadError(
                    path,
                    f"cannot tell which array holds the vectors (found: {found}).",
                    hint="Name the vectors array 'vectors' when saving, e.g. np.savez(f, vectors=x).",
                )
            key = two_d[0]
        vectors, on_disk = _as_vectors(path, arrays.pop(key), f"array {key!r}")
        rows = vectors.shape[0]
        warnings: list[str] = []
        if "labels" in arrays:
            labels = _labels_from_array(path, arrays.pop("labels"), rows, warnings)
        else:
            labels = list(map(str, range(rows)))
        metadata = {k: a for k, a in arrays.items() if a.ndim == 1 and len(a) == rows}
        limit = options.get("limit")
        if limit:
            labels, vectors = labels[:limit], vectors[:limit]
            metadata = {k: v[:limit] for k, v in metadata.items()}
        labels, vectors, metadata = _dedupe(labels, vectors, metadata, warnings)
        source = Source(path=str(path), format=self.name, dtype_on_disk=on_disk, warnings=warnings)
        return EmbeddingSet(labels, vectors, metadata, source=source)
