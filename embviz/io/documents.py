"""Tables of documents: CSV, TSV, JSON Lines and Parquet, read into a :class:`DocumentTable`.

The files are parsed by pyarrow (multi-threaded C++, so a million rows take seconds); when pyarrow
refuses a file, the same file is read again by Python's own readers to find the row that is wrong
and say so. Columns are typed by :mod:`embviz.io.document_columns`. Which column holds the text is
guessed (the string column with the longest mean length) unless given; every column and its kind
is listed so that a window can offer the choice, and :meth:`DocumentTable.choose` changes it
without reading the file again.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import LoadError
from embviz.io.document_columns import CATEGORY, TEXT, VECTOR, arrow_column, string_column
from embviz.io.guards import check_memory, check_regular_file, reason, size_text
from embviz.io.table import read_parquet_checked
from embviz.io.titles import document_titles

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".json", ".parquet", ".pq")
TEXT_FACTOR = 6  # memory per byte of a text table: Arrow buffers, then Python strings
DOCUMENTS_HINT = (
    "A document table is a CSV/TSV file with a header row, a JSON Lines file (one object per "
    "line), or a Parquet file, with one document per row."
)


@dataclass
class DocumentTable:
    """The rows of a document table, typed, with the chosen text and title columns."""

    path: Path
    columns: dict[str, np.ndarray]  # every column but the vector column, in file order
    kinds: dict[str, str]  # column -> text, category, number, date (vector columns too)
    text_column: str
    title_column: str | None = None
    vector_column: str | None = None
    vectors: np.ndarray | None = None  # N x D float32 from the vector column, or None
    titles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    schema_metadata: dict[str, str] = field(default_factory=dict)  # Parquet key/values
    _vector_columns: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.columns[self.text_column])

    @property
    def texts(self) -> list[str]:
        values: list[str] = self.columns[self.text_column].tolist()
        return values

    def column_choices(self) -> list[tuple[str, str]]:
        """(name, kind) of every column in file order, for a person to choose from."""
        return list(self.kinds.items())

    def text_candidates(self) -> list[str]:
        """Columns that can hold the documents' text, most likely first."""
        strings = [c for c, k in self.kinds.items() if k in (TEXT, CATEGORY)]
        return sorted(strings, key=lambda c: -_mean_length(self.columns[c]))

    def choose(
        self,
        *,
        text_column: str | None = None,
        title_column: str | None = None,
        vector_column: str | None = None,
    ) -> DocumentTable:
        """The same rows with other text/title/vector columns (nothing is read again)."""
        text = text_column or self.text_column
        _check_choice(self.path, self.kinds, text, "text", (TEXT, CATEGORY))
        if title_column is not None:
            _check_choice(self.path, self.kinds, title_column, "title", tuple(self.kinds.values()))
        vectors = self.vectors
        if vector_column is not None:
            _check_choice(self.path, self.kinds, vector_column, "vector", (VECTOR,))
            vectors = self._vector_columns[vector_column]
        else:
            vector_column = self.vector_column
        kinds = dict(self.kinds)
        kinds[text] = TEXT
        titles = document_titles(self, text, title_column)
        return dataclasses.replace(
            self,
            kinds=kinds,
            text_column=text,
            title_column=title_column,
            vector_column=vector_column,
            vectors=vectors,
            titles=titles,
        )


def _mean_length(values: np.ndarray) -> float:
    sample = values[:20000]
    return float(np.mean([len(str(v)) for v in sample])) if len(sample) else 0.0


def _check_choice(
    path: Path, kinds: dict[str, str], name: str, role: str, ok: tuple[str, ...]
) -> None:
    if name not in kinds:
        raise LoadError(
            path,
            f"there is no column {name!r} to use as the {role} column.",
            hint=f"Columns: {', '.join(repr(c) for c in kinds)}.",
        )
    if kinds[name] not in ok:
        raise LoadError(
            path,
            f"column {name!r} holds {kinds[name]} values and cannot be the {role} column.",
            hint=f"Choose one of: {', '.join(c for c, k in kinds.items() if k in ok) or 'none'}.",
        )


def read_document_table(
    path: str | Path,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    vector_column: str | None = None,
    limit: int | None = None,
    encoding: str = "utf-8",
) -> DocumentTable:
    """Read a table of documents; LoadError (file, row, what, what to do) when it cannot be.

    ``encoding``: of a CSV/TSV file (JSON Lines and Parquet are UTF-8); bytes that are not valid
    in it are replaced, and a warning names the first line that had some."""
    path = Path(path)
    check_regular_file(path)
    fmt = table_format(path)
    warnings: list[str] = []
    names, arrow_columns, schema_metadata = _read_arrow(path, fmt, limit, encoding, warnings)
    if not names:
        raise LoadError(path, "the table has no columns.", hint=DOCUMENTS_HINT)
    if len(arrow_columns[0]) == 0:
        raise LoadError(path, "the table has a header but no rows.", row=1, hint=DOCUMENTS_HINT)
    columns: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    vector_columns: dict[str, np.ndarray] = {}
    for name, column in zip(names, arrow_columns, strict=True):
        kind, values = arrow_column(path, name, column, warnings)
        kinds[name] = kind
        if kind == VECTOR:
            vector_columns[name] = values
        else:
            columns[name] = values
    table = DocumentTable(
        path=path,
        columns=columns,
        kinds=kinds,
        text_column="",
        warnings=warnings,
        format=fmt,
        schema_metadata=schema_metadata,
        _vector_columns=vector_columns,
    )
    candidates = table.text_candidates()
    if text_column is None and not candidates:
        found = ", ".join(f"{c} ({k})" for c, k in kinds.items())
        raise LoadError(
            path,
            f"no column holds text (the columns are: {found}).",
            hint="A document table needs a column with each document's text.",
        )
    table.text_column = text_column or candidates[0]
    if vector_column is None and vector_columns:
        vector_column = next(iter(vector_columns))
    if vector_column is not None and vector_column not in vector_columns:
        _check_choice(path, kinds, vector_column, "vector", (VECTOR,))
    return table.choose(
        text_column=table.text_column, title_column=title_column, vector_column=vector_column
    )


def table_format(path: Path) -> str:
    """csv, tsv, jsonl or parquet: by content first (Parquet's magic bytes, a JSON object on the
    first line), then by the extension."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    suffixes = "".join(path.suffixes).lower().removesuffix(".gz").removesuffix(".bz2")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") or suffixes.endswith(
        (".jsonl", ".ndjson", ".json")
    ):
        return "jsonl"
    first = head.split(b"\n", 1)[0]
    return "tsv" if b"\t" in first or suffixes.endswith((".tsv", ".tab")) else "csv"


def _read_arrow(
    path: Path, fmt: str, limit: int | None, encoding: str, warnings: list[str]
) -> tuple[list[str], list[Any], dict[str, str]]:
    """(column names, pyarrow columns, schema key/values) of the file."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise LoadError(
            path,
            "reading document tables needs pyarrow, which is not installed.",
            hint="Install it: pip install 'embviz[parquet]' (or pip install pyarrow).",
        ) from None
    size = path.stat().st_size
    if fmt == "parquet":
        table = _read_parquet(path)
    else:
        check_memory(
            path,
            size * TEXT_FACTOR,
            f"reading this {size_text(size)} table (about {TEXT_FACTOR}x its size)",
            hint="Convert it to Parquet, or split it.",
        )
        if fmt == "jsonl":
            table = _read_jsonl(path)
        else:
            table = _read_delimited(path, fmt, encoding, warnings)
    if limit:
        table = table.slice(0, limit)
    meta = {
        k.decode("utf-8", "replace"): v.decode("utf-8", "replace")
        for k, v in (table.schema.metadata or {}).items()
    }
    return list(table.column_names), list(table.columns), meta


def _read_parquet(path: Path) -> Any:
    return read_parquet_checked(path, 3, "read into Arrow, then typed columns")


def _read_delimited(path: Path, fmt: str, encoding: str, warnings: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from embviz.io.metadata import delimiter_of, read_text_head

    delimiter = "\t" if fmt == "tsv" else delimiter_of(read_text_head(path))
    header = _header(path, delimiter)
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return _read_delimited_python(path, encoding, warnings)
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except Exception as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):  # read again, replacing what is invalid
            return _read_delimited_python(path, encoding, warnings)
        _locate_delimited_error(path, exc)
        raise  # pragma: no cover - _locate raises


def _read_delimited_python(path: Path, encoding: str, warnings: list[str]) -> Any:
    """Python's csv reader: any encoding, invalid bytes replaced (and warned)."""
    import pyarrow as pa

    from embviz.io.metadata import read_delimited

    header, rows = read_delimited(path, encoding=encoding, warnings=warnings)
    return pa.table(
        {name: pa.array([row[c] for row in rows], pa.string()) for c, name in enumerate(header)}
    )


def _header(path: Path, delimiter: str) -> list[str]:
    import csv

    from embviz.io.metadata import read_text_head

    header = next(csv.reader([read_text_head(path)], delimiter=delimiter), [])
    if len(set(header)) != len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        raise LoadError(
            path,
            f"the header names column(s) {', '.join(map(repr, twice))} more than once.",
            line=1,
            hint="Give every column its own name.",
        )
    return header


def _locate_delimited_error(path: Path, exc: Exception) -> None:
    """Read the file again with Python's csv module, which names the bad row."""
    from embviz.io.metadata import read_delimited

    read_delimited(path)  # raises LoadError with the row when a row is wrong
    raise LoadError(
        path, f"cannot be read as a table ({reason(exc)}).", hint=DOCUMENTS_HINT
    ) from None


def _read_jsonl(path: Path) -> Any:
    import pyarrow.json as pajson

    try:
        return pajson.read_json(path, read_options=pajson.ReadOptions(block_size=1 << 24))
    except Exception:
        return _read_jsonl_python(path)


def _read_jsonl_python(path: Path) -> Any:
    """JSON Lines read line by line: names the line pyarrow could not read, and takes columns
    whose values change type (a number here, a string there) as text."""
    import pyarrow as pa

    from embviz.io.metadata import _text_lines

    rows: list[dict[str, Any]] = []
    names: dict[str, None] = {}
    for number, line in enumerate(_text_lines(path), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LoadError(
                path,
                f"not valid JSON ({exc.msg} at character {exc.colno}).",
                line=number,
                hint="JSON Lines holds one JSON object per line; fix or remove this line.",
            ) from None
        if not isinstance(row, dict):
            raise LoadError(
                path,
                f"the line holds a JSON {type(row).__name__}, not an object.",
                line=number,
                hint='Each line must be an object such as {"text": "...", "label": "..."}.',
            )
        names.update(dict.fromkeys(row))
        rows.append(row)
    arrays = {}
    for name in names:
        cells = [row.get(name) for row in rows]
        try:
            arrays[name] = pa.array(cells)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[name] = pa.array(
                [None if c is None else _as_text(c) for c in cells], pa.string()
            )
    return pa.table(arrays)


def _as_text(cell: Any) -> str:
    return cell if isinstance(cell, str) else json.dumps(cell, ensure_ascii=False)


__all__ = ["DocumentTable", "read_document_table", "string_column"]
