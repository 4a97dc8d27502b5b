"""Export: projector TSV pair, word2vec binary/text, .npy + labels, .npz, CSV / Parquet tables,
and a projection's coordinates (+ metadata) as CSV.

Every file is written to a temporary name and renamed when complete, so a failed or cancelled
export never leaves half a file where a good one was.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.io.writers import write_npz, write_word2vec

EXTENSIONS = {
    ".tsv": "projector",
    ".bin": "word2vec-binary",
    ".vec": "word2vec-text",
    ".txt": "word2vec-text",
    ".npy": "numpy",
    ".npz": "numpy-npz",
    ".csv": "csv",
    ".parquet": "parquet",
}


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    tmp = path.with_name(f".{path.name}.part")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _cell(value: object) -> str:
    text = str(value)
    if any(ch in text for ch in "\t\n\r"):
        raise EmbvizError(
            f"Cannot write {text[:40]!r} to a TSV file: it holds a tab or a line break. "
            "Replace those characters first."
        )
    return text


def _metadata_lines(eset: EmbeddingSet) -> list[str]:
    """Projector metadata: one label per line, or a header and label + columns with tabs."""
    if not eset.metadata:
        return [_cell(label) for label in eset.labels]
    names = ["label", *eset.metadata]
    columns = [eset.labels, *(np.asarray(v).tolist() for v in eset.metadata.values())]
    lines = ["\t".join(_cell(n) for n in names)]
    lines += ["\t".join(_cell(_plain(c[i])) for c in columns) for i in range(len(eset))]
    return lines


def _plain(value: object) -> object:
    return "" if isinstance(value, float) and np.isnan(value) else value


def write_projector(eset: EmbeddingSet, path: Path) -> list[Path]:
    """``X_tensors.tsv`` (or ``X.tsv``) and ``X_metadata.tsv`` beside it."""
    stem = path.name.removesuffix(".tsv").removesuffix("_tensors")
    meta = path.with_name(f"{stem}_metadata.tsv")
    lines = _metadata_lines(eset)
    with _atomic(path) as tmp:
        np.savetxt(tmp, np.asarray(eset.vectors), fmt="%.9g", delimiter="\t")
        with _atomic(meta) as tmp_meta:
            tmp_meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path, meta]


def write_numpy(eset: EmbeddingSet, path: Path) -> list[Path]:
    """``X.npy`` and ``X_metadata.tsv`` beside it (labels, and a header + columns if any)."""
    side = path.with_name(f"{path.name.split('.')[0]}_metadata.tsv")
    lines = _metadata_lines(eset)
    with _atomic(path) as tmp:
        with open(tmp, "wb") as f:
            np.save(f, np.asarray(eset.vectors, dtype=np.float32))
        with _atomic(side) as tmp_side:
            tmp_side.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path, side]


def _table_columns(eset: EmbeddingSet) -> tuple[list[str], list[list[object]]]:
    names = ["label", *eset.metadata]
    columns = [list(eset.labels), *(np.asarray(v).tolist() for v in eset.metadata.values())]
    return names, columns


def write_csv(eset: EmbeddingSet, path: Path) -> list[Path]:
    """label, metadata columns, then one column per dimension (d0, d1, ...)."""
    names, columns = _table_columns(eset)
    dims = [f"d{i}" for i in range(eset.dims)]
    vectors = np.asarray(eset.vectors, dtype=np.float32)
    with _atomic(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(names + dims)
        for i in range(len(eset)):
            row = [_plain(c[i]) for c in columns]
            writer.writerow(row + [f"{v:.9g}" for v in vectors[i].tolist()])
    return [path]


def write_parquet(eset: EmbeddingSet, path: Path) -> list[Path]:
    """label, metadata columns and one fixed-size-list column 'vector' (float32)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise EmbvizError(
            "Writing Parquet needs pyarrow: pip install 'embviz[parquet]' (or pip install pyarrow)."
        ) from None
    names, columns = _table_columns(eset)
    vectors = np.ascontiguousarray(eset.vectors, dtype=np.float32)
    arrays = [pa.array(c) for c in columns]
    arrays.append(pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), eset.dims))
    with _atomic(path) as tmp:
        pq.write_table(pa.table(arrays, names=[*names, "vector"]), tmp)
    return [path]


def _w2v(binary: bool) -> Callable[[EmbeddingSet, Path], list[Path]]:
    def write(eset: EmbeddingSet, path: Path) -> list[Path]:
        with _atomic(path) as tmp:
            write_word2vec(eset, tmp, binary=binary)
        return [path]

    return write


def _npz(eset: EmbeddingSet, path: Path) -> list[Path]:
    with _atomic(path) as tmp:
        write_npz(eset, tmp)
    return [path]


WRITERS: dict[str, Callable[[EmbeddingSet, Path], list[Path]]] = {
    "projector": write_projector,
    "word2vec-binary": _w2v(True),
    "word2vec-text": _w2v(False),
    "numpy": write_numpy,
    "numpy-npz": _npz,
    "csv": write_csv,
    "parquet": write_parquet,
}


def format_for(path: str | Path, to: str | None = None) -> str:
    """The export format: ``to`` when given, else from the file's extension."""
    if to is not None:
        if to not in WRITERS:
            raise EmbvizError(f"Unknown export format {to!r}; choose one of: {', '.join(WRITERS)}.")
        return to
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise EmbvizError(
            f"Cannot tell the format of {path} from its extension {suffix or '(none)'!r}: "
            f"use one of {', '.join(EXTENSIONS)}, or name it with --to ({', '.join(WRITERS)})."
        )
    return EXTENSIONS[suffix]


def export(eset: EmbeddingSet, path: str | Path, to: str | None = None) -> list[Path]:
    """Write ``eset`` to ``path``; returns the files written (a pair for projector and .npy)."""
    return WRITERS[format_for(path, to)](eset, Path(path))


def write_coords_csv(eset: EmbeddingSet, coords: np.ndarray, path: str | Path) -> list[Path]:
    """A projection's coordinates: label, x, y (, z), then the set's metadata columns."""
    coords = np.asarray(coords)
    if coords.shape[0] != len(eset):
        raise EmbvizError(f"The map has {coords.shape[0]} points but the set {len(eset)} rows.")
    axes = ["x", "y", "z"][: coords.shape[1]]
    names, columns = _table_columns(eset)
    path = Path(path)
    with _atomic(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(names[:1] + axes + names[1:])
        for i, xy in enumerate(coords.tolist()):
            row = [_plain(c[i]) for c in columns]
            writer.writerow(row[:1] + [f"{v:.9g}" for v in xy] + row[1:])
    return [path]
