"""Tables of vectors: CSV / TSV (header row) and Parquet (through pyarrow, an optional extra).

A table has a label column and either one list-valued vector column (``[0.1, 0.2]`` or
``0.1 0.2`` in text; a list column in Parquet) or D numeric columns. Other columns become metadata.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.guards import check_memory, reason, size_text
from embviz.io.metadata import delimiter_of, label_column, read_delimited, typed
from embviz.io.textparse import drop_duplicates, flag_nonfinite, has_control_bytes

PARQUET_MAGIC = b"PAR1"
DIM_NAME = re.compile(r"^[A-Za-z_]{0,10}\d+$")  # d0, dim_1, x2, 3, ...
VECTOR_NAMES = ("vector", "vectors", "embedding", "embeddings", "emb", "values")
DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*$")
METADATA_NAMES = re.compile(r"(^|_)(metadata|labels)\.tsv$", re.IGNORECASE)
# memory a table read as text takes per byte of the file: a Python string per cell, lists of
# them by row and by column, then float64 values (measured: ~6-8x; 8 to be safe)
TEXT_TABLE_FACTOR = 8
TABLE_HINT = (
    "A table needs a header, a label column, and either one vector column (e.g. '[0.1, 0.2]') "
    "or one numeric column per dimension."
)


def read_parquet_checked(path: Path, factor: int, how: str) -> Any:
    """pyarrow's table of a Parquet file, after checking that ``factor`` x its uncompressed size
    fits in memory; a damaged file gives a LoadError that says so (pyarrow must be installed)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        expands = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        check_memory(
            path,
            factor * expands,
            f"the Parquet table ({size_text(path.stat().st_size)} on disk, "
            f"{size_text(expands)} uncompressed, {how})",
        )
        return pq.read_table(path)
    except LoadError:
        raise
    except Exception as exc:  # pyarrow raises many kinds for damaged files
        raise LoadError(
            path,
            f"not a readable Parquet file ({reason(exc)}).",
            hint="It may be cut short or damaged: export or download it again.",
        ) from None


def _as_list(cell: str) -> list[str]:
    return cell.strip().strip("[]()").replace(",", " ").split()


def _vector_column(header: list[str], columns: list[list[str]]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for c, values in enumerate(columns):
        if lowered[c] in VECTOR_NAMES or (values and len(_as_list(values[0])) > 1):
            if all(len(_as_list(v)) > 1 for v in values[:20]):
                return c
    return None


def _parse_vectors(path: Path, cells: list[list[str]], first_row: int) -> np.ndarray:
    dims = len(cells[0])
    try:
        with np.errstate(over="ignore"):  # beyond float32: inf, flagged by flag_nonfinite
            return np.array(cells, dtype=np.float64).astype(np.float32)
    except ValueError:
        for r, row in enumerate(cells):
            if len(row) != dims:
                raise LoadError(
                    path,
                    f"vector has {len(row)} values, expected {dims}.",
                    row=first_row + r,
                    hint=TABLE_HINT,
                ) from None
            for value in row:
                try:
                    float(value)
                except ValueError:
                    raise LoadError(
                        path, f"{value[:40]!r} is not a number.", row=first_row + r, hint=TABLE_HINT
                    ) from None
        raise


def build_table_set(
    path: Path, header: list[str], columns: list[Any], fmt: str, lists: np.ndarray | None = None
) -> EmbeddingSet:
    """Find the label and vector columns in ``columns`` (strings, or a list column's array)."""
    text = [["" if v is None else str(v) for v in col] for col in columns]
    key = label_column(header, text)
    if lists is not None:
        vec_cols, vectors = [], lists
    else:
        vcol = _vector_column(header, text)
        if vcol is not None:
            vec_cols = [vcol]
            vectors = _parse_vectors(path, [_as_list(v) for v in text[vcol]], 1)
        else:
            vec_cols = [c for c, h in enumerate(header) if c != key and DIM_NAME.match(h.strip())]
            if len(vec_cols) < 2:  # no d0, d1, ... names: every numeric column is a dimension
                vec_cols = [
                    c for c, col in enumerate(text) if c != key and typed(col).dtype.kind == "f"
                ]
            if not vec_cols:
                raise LoadError(path, "no numeric columns hold vectors.", hint=TABLE_HINT)
            _refuse_metadata_file(path, header, text, key, vec_cols)
            cells = [[text[c][r] for c in vec_cols] for r in range(len(text[0]))]
            vectors = _parse_vectors(path, cells, 1)
    warnings: list[str] = []
    if METADATA_NAMES.search(path.name):
        warnings.append(
            f"{path.name} is named like Embedding Projector metadata; its {vectors.shape[1]} "
            "numeric column(s) were read as the vectors."
        )
    rows = vectors.shape[0]
    labels = [str(v) for v in text[key]] if key is not None else [str(i) for i in range(rows)]
    metadata = {
        header[c]: typed(col) for c, col in enumerate(text) if c != key and c not in vec_cols
    }
    index = {label: i for i, label in reversed(list(enumerate(labels)))}
    keep = sorted(index.values())
    labels, vectors = drop_duplicates(labels, vectors, warnings)
    metadata = {k: v[keep] for k, v in metadata.items()}
    flag_nonfinite(labels, vectors, warnings)
    source = Source(str(path), fmt, "text" if fmt != "parquet" else "parquet", warnings)
    return EmbeddingSet(labels, vectors, metadata, source=source)


def _refuse_metadata_file(
    path: Path, header: list[str], text: list[list[str]], key: int | None, vec_cols: list[int]
) -> None:
    """A table of labels and one number per row (a projector metadata TSV: word, count) holds
    no vectors: opening it as N x 1 'embeddings' of counts would be nonsense."""
    if len(vec_cols) != 1 or DIM_NAME.match(header[vec_cols[0]].strip()):
        return
    others = [header[c] for c in range(len(header)) if c not in vec_cols]
    raise LoadError(
        path,
        f"looks like a metadata file, not vectors: besides {', '.join(map(repr, others))} it has "
        f"one numeric column ({header[vec_cols[0]]!r}), and one number per row is not an "
        "embedding.",
        hint="Open the vectors instead (a tensors .tsv/.bytes with its projector config, a .npy "
        "or .vec); a metadata file named like them (X_metadata.tsv) is attached, or add it with "
        "File > Add metadata.",
    )


def _decimal_commas(
    path: Path, header: list[str], rows: list[list[str]], delimiter: str, warnings: list[str]
) -> None:
    """Columns whose numbers use a decimal comma ('0,5', as spreadsheets in many European
    locales export, with ';' between columns): read as numbers, and said so."""
    if delimiter == "," or not rows:
        return
    sample = rows[:1000]
    fixed = []
    for c, name in enumerate(header):
        if name.strip().lower() in VECTOR_NAMES:
            continue
        cells = [row[c] for row in sample if row[c].strip()]
        if cells and all(DECIMAL_COMMA.match(v) or _number(v) for v in cells):
            if any("," in v for v in cells):
                fixed.append(c)
    for row in rows:
        for c in fixed:
            row[c] = row[c].replace(",", ".")
    if fixed:
        example = next(sample[0][c] for c in fixed)
        warnings.append(
            f"the file separates columns with {delimiter!r} and writes decimals with a comma (as "
            f"spreadsheets in many European locales export); {len(fixed)} column(s) were read "
            f"that way (e.g. {example!r} as {example.replace(',', '.')})."
        )


class TableFormat:
    name = "table"
    title = "CSV / TSV table with a header (.csv, .tsv)"
    extensions = (".csv", ".tsv", ".csv.gz", ".tsv.gz")

    def sniff(self, path: Path, head: bytes) -> float:
        head = head.removeprefix(b"\xef\xbb\xbf")
        if has_control_bytes(head[:4096]):
            return 0.0
        lines = [ln for ln in head.split(b"\n")[:10] if ln.strip()]
        if len(lines) > 2 and not head.endswith(b"\n"):
            lines = lines[:-1]  # cut off by the end of the sniffed head
        if len(lines) < 2:
            return 0.0
        text = b"\n".join(lines).decode("utf-8", "replace").replace("\r", "")
        first = text.split("\n", 1)[0]
        sep = "\t" if "\t" in first else "," if "," in first else ";" if ";" in first else None
        if sep is None:
            return 0.0
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        names = [c.strip() for c in rows[0]]
        if len(names) < 2 or any(_number(n) or len(n) > 100 for n in names):
            return 0.0  # a header names columns; numbers in the first row mean there is none
        if len(rows[1]) != len(names):
            return 0.0
        if not any(_number(c) or len(_as_list(c)) > 1 for c in rows[1]):
            return 0.0  # no numbers: not vectors
        return 0.7 if all(len(r) == len(names) for r in rows[2:]) else 0.5

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Reading {path.name}")
        limit = options.get("limit")
        if not limit:
            from embviz.io.compression import compression_of

            size = path.stat().st_size * (1 if compression_of(path) is None else 4)
            check_memory(
                path,
                size * TEXT_TABLE_FACTOR,
                f"reading this {size_text(size)} table as text (about {TEXT_TABLE_FACTOR}x its "
                "size)",
                hint="Read only the first rows (--limit N), or convert it to .npy or Parquet.",
            )
        warnings: list[str] = []

        def probe(header: list[str], first: list[list[str]]) -> None:
            """Refuse a file that is not a table of vectors after its first rows, not its last."""
            if len(header) < 2:
                raise LoadError(
                    path,
                    "the first line has a single column (no ',', ';' or tab between values): "
                    "it is not a table with a header.",
                    line=1,
                    hint=TABLE_HINT,
                )
            rows = [list(r) for r in first]
            _decimal_commas(path, header, rows, delimiter, [])
            build_table_set(path, header, [[r[c] for r in rows] for c in range(len(header))], "")

        from embviz.io.metadata import read_text_head

        delimiter = delimiter_of(read_text_head(path))
        header, rows = read_delimited(
            path,
            limit=limit,
            check=probe,
            encoding=options.get("encoding") or "utf-8",
            warnings=warnings,
        )
        if not rows:
            raise LoadError(path, "the table has a header but no rows.", line=2, hint=TABLE_HINT)
        _decimal_commas(path, header, rows, delimiter, warnings)
        columns = [[row[c] for row in rows] for c in range(len(header))]
        del rows
        eset = build_table_set(path, header, columns, self.name)
        eset.source.warnings[:0] = warnings
        return eset


class ParquetFormat:
    name = "parquet"
    title = "Parquet table (.parquet; needs pyarrow)"
    extensions = (".parquet", ".pq")

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.95 if head.startswith(PARQUET_MAGIC) else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Reading {path.name}")
        if importlib.util.find_spec("pyarrow") is None:
            raise LoadError(
                path,
                "reading Parquet needs pyarrow, which is not installed.",
                hint="Install it: pip install 'embviz[parquet]' (or pip install pyarrow).",
            )
        table = read_parquet_checked(path, 2, "read into Arrow then numpy")
        if table.num_rows == 0 or table.num_columns == 0:
            what = "no rows" if table.num_columns else "no columns"
            raise LoadError(
                path,
                f"the Parquet file holds {what} ({table.num_rows} rows, {table.num_columns} "
                "columns).",
                hint="Choose a file with at least one row of vectors.",
            )
        limit = options.get("limit")
        if limit:
            table = table.slice(0, limit)
        import pyarrow as pa
        import pyarrow.compute  # noqa: F401 - pa.compute

        header, columns, lists = [], [], None
        for name, column in zip(table.column_names, table.columns, strict=True):
            if pa.types.is_list(column.type) or pa.types.is_fixed_size_list(column.type):
                lists = _list_column(path, name, column)
                continue
            header.append(name)
            columns.append(column.to_pylist())
        return build_table_set(path, header, columns, self.name, lists)


def _list_column(path: Path, name: str, column: Any) -> np.ndarray:
    """The vectors of a Parquet list column: lists of numbers, all of one length, no nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type.value_type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        raise LoadError(
            path,
            f"column {name!r} holds lists of {kind}, not lists of numbers.",
            hint="Store each vector as a list of floats (e.g. list<float32>).",
        )
    values = column.combine_chunks()
    lengths = pc.list_value_length(values).to_numpy(zero_copy_only=False)
    if values.null_count or (len(lengths) and (lengths != lengths[0]).any()):
        bad = int(np.flatnonzero(np.isnan(lengths.astype(float)) | (lengths != lengths[0]))[0])
        raise LoadError(
            path,
            f"vectors in column {name!r} differ in length or are missing "
            f"(row {bad + 1} has {values[bad].as_py()!r:.60}).",
            row=bad + 1,
            hint="Give every row a vector of the same length.",
        )
    flat = values.flatten().to_numpy(zero_copy_only=False)
    with np.errstate(over="ignore", invalid="ignore"):
        vectors: np.ndarray = flat.astype(np.float32).reshape(len(values), -1)
    return vectors


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
