"""The built-in writers: projector TSV pair, word2vec binary/text, .npy + metadata TSV, .npz,
CSV and Parquet tables.

A writer has ``name``, ``title``, ``extensions``, ``outputs(path) -> [paths]`` (the file and its
sidecars, all written or none), ``size(eset) -> bytes | None`` (for the free-space check; None
when it cannot be known in advance) and ``write(eset, temps)``, which writes each output to the
temporary path given for it (see :mod:`embviz.io.safe_write`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.io.writers import write_npz, write_word2vec


def _cell(value: object) -> str:
    text = str(value)
    if any(ch in text for ch in "\t\n\r"):
        raise EmbvizError(
            f"Cannot write {text[:40]!r} to a TSV file: it holds a tab or a line break. "
            "Replace those characters first."
        )
    return text


def plain(value: object) -> object:
    """A cell as a table shows it: NaN (a missing value) as an empty cell."""
    return "" if isinstance(value, float) and np.isnan(value) else value


def metadata_lines(eset: EmbeddingSet) -> list[str]:
    """Projector metadata: one label per line, or a header and label + columns with tabs."""
    if not eset.metadata:
        return [_cell(label) for label in eset.labels]
    names = ["label", *eset.metadata]
    columns = [eset.labels, *(np.asarray(v).tolist() for v in eset.metadata.values())]
    lines = ["\t".join(_cell(n) for n in names)]
    lines += ["\t".join(_cell(plain(c[i])) for c in columns) for i in range(len(eset))]
    return lines


def table_columns(eset: EmbeddingSet) -> tuple[list[str], list[list[object]]]:
    names = ["label", *eset.metadata]
    columns = [list(eset.labels), *(np.asarray(v).tolist() for v in eset.metadata.values())]
    return names, columns


def _label_bytes(eset: EmbeddingSet) -> int:
    return sum(len(label.encode("utf-8")) + 1 for label in eset.labels)


class ProjectorWriter:
    name = "projector"
    title = "Projector TSV pair: tensors + metadata"
    extensions = (".tsv",)

    def outputs(self, path: Path) -> list[Path]:
        """``X_tensors.tsv`` (or ``X.tsv``) and ``X_metadata.tsv`` beside it."""
        stem = path.name.removesuffix(".tsv").removesuffix("_tensors")
        return [path, path.with_name(f"{stem}_metadata.tsv")]

    def size(self, eset: EmbeddingSet) -> int | None:
        return None  # text: depends on the values

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        lines = metadata_lines(eset)  # checked before the big file is written
        np.savetxt(temps[0], np.asarray(eset.vectors), fmt="%.9g", delimiter="\t")
        temps[1].write_text("\n".join(lines) + "\n", encoding="utf-8")


class NumpyWriter:
    name = "numpy"
    title = "NumPy .npy + labels/metadata TSV"
    extensions = (".npy",)

    def outputs(self, path: Path) -> list[Path]:
        """``X.npy`` and ``X_metadata.tsv`` beside it (labels, and a header + columns if any)."""
        return [path, path.with_name(f"{path.name.split('.')[0]}_metadata.tsv")]

    def size(self, eset: EmbeddingSet) -> int | None:
        return len(eset) * eset.dims * 4 + 128 + _label_bytes(eset)

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        lines = metadata_lines(eset)
        with open(temps[0], "wb") as f:  # a file object keeps numpy from adding '.npy'
            np.save(f, np.asarray(eset.vectors, dtype=np.float32))
        temps[1].write_text("\n".join(lines) + "\n", encoding="utf-8")


class NpzWriter:
    name = "numpy-npz"
    title = "NumPy archive"
    extensions = (".npz",)

    def outputs(self, path: Path) -> list[Path]:
        return [path]

    def size(self, eset: EmbeddingSet) -> int | None:
        return len(eset) * eset.dims * 4 + 4 * _label_bytes(eset)  # labels as UTF-32

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        write_npz(eset, temps[0])


class Word2VecWriter:
    def __init__(self, binary: bool) -> None:
        self.binary = binary
        self.name = "word2vec-binary" if binary else "word2vec-text"
        self.title = "word2vec binary" if binary else "word2vec text"
        self.extensions = (".bin",) if binary else (".vec", ".txt")

    def outputs(self, path: Path) -> list[Path]:
        return [path]

    def size(self, eset: EmbeddingSet) -> int | None:
        return len(eset) * eset.dims * 4 + _label_bytes(eset) if self.binary else None

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        write_word2vec(eset, temps[0], binary=self.binary)


class CsvWriter:
    name = "csv"
    title = "CSV table: label, metadata, vector"
    extensions = (".csv",)

    def outputs(self, path: Path) -> list[Path]:
        return [path]

    def size(self, eset: EmbeddingSet) -> int | None:
        return None

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        """label, metadata columns, then one column per dimension (d0, d1, ...)."""
        names, columns = table_columns(eset)
        dims = [f"d{i}" for i in range(eset.dims)]
        vectors = np.asarray(eset.vectors, dtype=np.float32)
        with open(temps[0], "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(names + dims)
            for i in range(len(eset)):
                row = [plain(c[i]) for c in columns]
                writer.writerow(row + [f"{v:.9g}" for v in vectors[i].tolist()])


class ParquetWriter:
    name = "parquet"
    title = "Parquet table"
    extensions = (".parquet",)

    def outputs(self, path: Path) -> list[Path]:
        return [path]

    def size(self, eset: EmbeddingSet) -> int | None:
        return None  # compressed

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None:
        """label, metadata columns and one fixed-size-list column 'vector' (float32)."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise EmbvizError(
                "Writing Parquet needs pyarrow: pip install 'embviz[parquet]' "
                "(or pip install pyarrow)."
            ) from None
        names, columns = table_columns(eset)
        vectors = np.ascontiguousarray(eset.vectors, dtype=np.float32)
        arrays = [pa.array(c) for c in columns]
        arrays.append(pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), eset.dims))
        pq.write_table(pa.table(arrays, names=[*names, "vector"]), temps[0])


def builtin_writers() -> list[Any]:
    return [
        ProjectorWriter(),
        Word2VecWriter(binary=True),
        Word2VecWriter(binary=False),
        NumpyWriter(),
        NpzWriter(),
        CsvWriter(),
        ParquetWriter(),
    ]
