"""NumPy ``.npy`` (memory-mapped, labels from a sidecar file), and the checks ``.npz`` archives
(:mod:`embviz.io.numpy_archive`) share: headers read before anything is allocated, Python objects
treated as the pickles they are.

A plain float32 ``.npy`` is opened with ``mmap_mode='r'`` so that even a million rows open at once;
only rows that are used are read from disk.
"""

from __future__ import annotations

import io
import warnings as pywarnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError, TrustRequired
from embviz.core.tasks import Progress, Task
from embviz.io.compression import compression_of, open_binary
from embviz.io.guards import check_memory, reason, size_text
from embviz.io.textparse import decode_labels, drop_duplicates, flag_nonfinite

NPY_MAGIC = b"\x93NUMPY"


MAX_HEADER = 1 << 20


SIDECARS = ("labels.tsv", "metadata.tsv")


PICKLE_HINT = (
    "Save labels as a string array, e.g. np.array(labels, dtype=str); pickles are not read."
)


OBJECT_PROBLEM = (
    "holds Python objects, stored as a Python pickle: loading it runs code from the file."
)


RAN_NOTE = "Code from the file already ran while it was loaded (you trusted it)."


def _trust_required(path: Path, what: str) -> TrustRequired:
    from embviz.io.gensim_kv import TRUST_HINT

    return TrustRequired(path, f"{what} {OBJECT_PROBLEM}", hint=TRUST_HINT)


@contextmanager
def _quiet() -> Iterator[None]:
    """numpy warns that a header "was created on Python 2": it is parsed anyway; nothing to say."""
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", UserWarning)
        yield


def _npy_header(path: Path, f: Any, what: str) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """The shape and dtype a .npy header declares (nothing is allocated)."""
    fmt = np.lib.format
    start = f.read(12)  # magic, version, header length: checked before numpy reads that many
    size_bytes = 2 if start[6:7] == b"\x01" else 4
    length = int.from_bytes(start[8 : 8 + size_bytes], "little")
    if len(start) < 12 or length > MAX_HEADER:
        raise LoadError(
            path,
            f"{what} has a damaged .npy header (it claims {length:,} bytes of header).",
            hint="Save the array again with numpy.save.",
        )
    buf = io.BytesIO(start + f.read(max(0, 8 + size_bytes + length - 12)))
    try:
        version = fmt.read_magic(buf)
        reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        with _quiet():
            shape, _, dtype = reader(buf, max_header_size=MAX_HEADER)
    except LoadError:
        raise
    except Exception as exc:  # numpy parses the header with Python's tokenizer: many failures
        raise LoadError(
            path,
            f"{what} has a damaged .npy header ({reason(exc)}).",
            hint="Save the array again with numpy.save.",
        ) from None
    return tuple(int(n) for n in shape), dtype


def _check_declared(path: Path, shape: tuple[int, ...], dtype: np.dtype[Any], what: str) -> None:
    """Refuse, before any allocation, arrays that are not 2-D numbers with rows and dims."""
    if len(shape) != 2:
        raise LoadError(
            path,
            f"{what} has shape {shape}; embviz needs a 2-D array (rows x dimensions).",
            hint="Reshape it to (rows, dims) and save it again.",
        )
    if shape[0] == 0 or shape[1] == 0:
        raise LoadError(
            path,
            f"{what} has shape {shape}: {'no rows' if shape[0] == 0 else 'no dimensions'}.",
            hint="Save an array with at least one row and one column.",
        )
    if not dtype.hasobject and dtype.kind not in "fiu":
        raise LoadError(
            path,
            f"{what} holds {dtype} values, not numbers.",
            hint="Save the vectors as a float array, e.g. np.save(f, x.astype('float32')).",
        )


def _as_vectors(path: Path, array: np.ndarray, what: str) -> tuple[np.ndarray, str]:
    """Check the array is a 2-D array of numbers; convert to float32 (noting the dtype on disk)."""
    _check_declared(path, array.shape, array.dtype, what)
    if array.ndim != 2:
        raise LoadError(
            path,
            f"{what} has shape {array.shape}; embviz needs a 2-D array (rows x dimensions).",
            hint="Reshape it to (rows, dims) and save it again.",
        )
    if array.dtype.kind not in "fiu":
        raise LoadError(
            path,
            f"{what} holds {array.dtype} values, not numbers.",
            hint="Save the vectors as a float array, e.g. np.save(f, x.astype('float32')).",
        )
    on_disk = str(array.dtype.newbyteorder("=")) if array.dtype.kind == "f" else str(array.dtype)
    if array.dtype != np.float32:
        with np.errstate(over="ignore"):  # values beyond float32 become inf: flagged later
            array = array.astype(np.float32)
    return array, on_disk


def sidecar_names(path: Path) -> list[str]:
    """Sidecars looked for beside ``X.npy``: ones named after it first, then the shared ones."""
    stem = path.name.split(".")[0]
    return [f"{stem}_metadata.tsv", f"{stem}_labels.tsv", *SIDECARS]


def _sidecar(
    path: Path, rows: int, warnings: list[str]
) -> tuple[list[str] | None, dict[str, np.ndarray]]:
    """Labels (and typed metadata columns) from a sidecar beside ``path``; the projector's rule:
    a header row only when the first non-blank line has a tab, blank lines skipped."""
    from embviz.io.metadata import label_column, read_projector_metadata, typed

    for name in sidecar_names(path):
        side = path.with_name(name)
        if not side.is_file():
            continue
        header, columns = read_projector_metadata(side, warnings)
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
            path,
            f"'labels' has shape {array.shape}; expected ({rows},) to match the vectors.",
            hint="Save one label per row: np.savez(f, vectors=x, labels=np.array(labels)).",
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
        compressed = compression_of(path) is not None
        with open_binary(path) as f:
            shape, dtype = _npy_header(path, f, "the file")
            offset = None if compressed else f.tell()
        trusted = dtype.hasobject and options.get("trust")
        if dtype.hasobject and not trusted:
            raise _trust_required(path, "the array")
        _check_declared(path, shape, dtype, "the array")
        limit = options.get("limit")
        rows = min(shape[0], limit) if limit else shape[0]
        declared = shape[0] * shape[1] * dtype.itemsize
        if offset is not None and not dtype.hasobject and path.stat().st_size - offset < declared:
            raise LoadError(
                path,
                f"the header declares a {shape[0]:,} x {shape[1]:,} {dtype} array "
                f"({size_text(declared)}), but the file holds only "
                f"{size_text(path.stat().st_size - offset)} after its header: it is cut short.",
                hint="Save or download it again.",
            )
        need = declared if compressed or dtype.hasobject else 0
        need += rows * shape[1] * 4 if dtype != np.float32 else 0
        check_memory(path, need, f"the {shape[0]:,} x {shape[1]:,} {dtype} array")
        try:
            if not compressed and not trusted:
                with _quiet():
                    array = np.load(path, mmap_mode="r", allow_pickle=False)
            else:  # a compressed file cannot be memory-mapped
                with open_binary(path) as f, _quiet():
                    array = np.load(f, allow_pickle=bool(trusted))
        except (ValueError, EOFError) as exc:
            ran = f" {RAN_NOTE}" if trusted else ""
            raise LoadError(
                path, f"not a readable .npy array ({reason(exc)}).{ran}", hint=PICKLE_HINT
            ) from None
        if limit:
            array = array[:limit]
        vectors, on_disk = _trusted_vectors(path, array, "the array", bool(trusted))
        warnings: list[str] = []
        labels, metadata = _sidecar(path, shape[0], warnings)
        if labels is None:
            labels = list(map(str, range(vectors.shape[0])))  # unique by construction
        else:
            labels = labels[: vectors.shape[0]]
            metadata = {k: v[: vectors.shape[0]] for k, v in metadata.items()}
            labels, vectors, metadata = _dedupe(labels, vectors, metadata, warnings)
        flag_nonfinite(labels, vectors, warnings)
        source = Source(path=str(path), format=self.name, dtype_on_disk=on_disk, warnings=warnings)
        return EmbeddingSet(labels, vectors, metadata, source=source)


def _trusted_vectors(
    path: Path, array: np.ndarray, what: str, trusted: bool
) -> tuple[np.ndarray, str]:
    """Vectors from an array; an object array (only ever loaded when trusted) must hold numbers."""
    if not array.dtype.hasobject:
        return _as_vectors(path, array, what)
    try:
        return np.asarray(array.tolist(), dtype=np.float32), "object"
    except (ValueError, TypeError):
        raise LoadError(
            path,
            f"{what} holds Python objects that are not numbers. {RAN_NOTE}",
            hint="Save the vectors as a float array (np.save(f, np.asarray(x, 'float32'))).",
        ) from None
