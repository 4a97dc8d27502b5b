"""Metadata tables: projector-style TSV sidecars, CSV/TSV attached by label or by row order.

Columns are typed: a column whose every non-empty cell is a number is *numeric* (float64, empty
cells NaN); anything else is *categorical* (strings). Values are numpy arrays of one per row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task

LABEL_NAMES = ("label", "labels", "word", "words", "token", "name", "text", "id", "key")


def invalid_text_warning(path: Path, count: int, first_line: int, encoding: str) -> str:
    return (
        f"{path.name}: {count} line(s) had bytes that are not valid {encoding} (the first on line "
        f"{first_line}); they were replaced with '\ufffd'. Save the file as UTF-8, or give its "
        "encoding (e.g. --encoding cp1252)."
    )


def read_text(path: Path, warnings: list[str] | None = None) -> str:
    """The file as text: BOM dropped, CRLF as LF, invalid UTF-8 replaced (and said in
    ``warnings`` when given)."""
    from embviz.io.compression import open_binary

    with open_binary(path) as f:
        data = f.read().removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        if warnings is not None:
            bad = sum(1 for line in data.split(b"\n") if not _is_utf8(line))
            line = data.count(b"\n", 0, exc.start) + 1
            warnings.append(invalid_text_warning(path, bad, line, "UTF-8"))
    return text.replace("\r\n", "\n")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def typed(values: list[str]) -> np.ndarray:
    """Numeric (float64, '' -> NaN) when every non-empty value is a number, else strings."""
    try:
        return np.array([float(v) if v.strip() else np.nan for v in values], dtype=np.float64)
    except ValueError:
        return np.array(values, dtype=str)


def column_kind(values: np.ndarray) -> str:
    return "numeric" if np.asarray(values).dtype.kind in "fiub" else "categorical"


def read_projector_metadata(
    path: Path, warnings: list[str] | None = None
) -> tuple[list[str] | None, list[list[str]]]:
    """(header or None, columns) of a projector metadata TSV.

    As the projector reads it: blank lines are skipped, and the first line is a header only when
    it has a tab (a single-column file has no header, so a label 'word' is never taken for one).
    """
    lines = list(filter(None, read_text(path, warnings).split("\n")))  # a million lines: ~50 ms
    if any(not line.strip() for line in lines[:1] + lines[-1:]):
        lines = [line for line in lines if line.strip()]
    if not lines:
        raise LoadError(path, "the metadata file is empty.", hint="Give one line per vector.")
    if "\t" not in lines[0]:
        return None, [lines]
    header = lines[0].split("\t")
    rows = [line.split("\t") for line in lines[1:]]
    for i, cells in enumerate(rows):
        if len(cells) != len(header):
            raise LoadError(
                path,
                f"row has {len(cells)} columns but the header has {len(header)}.",
                line=_line_of(path, i + 1),
                hint="Give every row one value per header column, separated by tabs.",
            )
    return header, [list(col) for col in zip(*rows, strict=True)] or [[] for _ in header]


def _line_of(path: Path, nonblank_index: int) -> int:
    """1-based line number of the nonblank line with this index (blank lines are skipped)."""
    seen = -1
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if line.strip():
            seen += 1
            if seen == nonblank_index:
                return number
    return nonblank_index + 1


def delimiter_of(first: str) -> str:
    """The delimiter of a CSV/TSV file from its first non-blank line."""
    return "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","


def _text_lines(path: Path, encoding: str = "utf-8", bad: list[int] | None = None) -> Iterator[str]:
    """The file's lines as text (BOM dropped), read a block at a time. Undecodable bytes are
    replaced; ``bad`` gets the line number of each line that had some."""
    from embviz.io.compression import open_binary

    with open_binary(path) as f:
        carry, first, number = b"", True, 0
        while True:
            chunk = f.read(1 << 20)
            data = carry + chunk
            if first:
                data, first = data.removeprefix(b"\xef\xbb\xbf"), False
            lines = data.split(b"\n")
            carry = lines.pop() if chunk else b""
            for line in lines:
                number += 1
                try:
                    yield line.decode(encoding) + "\n"
                except UnicodeDecodeError:
                    if bad is not None:
                        bad.append(number)
                    yield line.decode(encoding, errors="replace") + "\n"
            if not chunk:
                return


def read_text_head(path: Path) -> str:
    """The first non-blank line of a text file."""
    return next((line for line in _text_lines(path) if line.strip()), "")


def read_delimited(
    path: Path,
    limit: int | None = None,
    check: Callable[[list[str], list[list[str]]], None] | None = None,
    encoding: str = "utf-8",
    warnings: list[str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a CSV or TSV file with a header row (the delimiter is sniffed).

    Rows are read as they come: a row of the wrong width stops reading at once; ``check(header,
    first_rows)`` is called once on the first 1,000 rows so that a file that is not this kind of
    table is refused before the rest of it is read.
    """
    try:
        "".encode(encoding)
    except LookupError:
        raise LoadError(
            path, f"unknown encoding {encoding!r}.", hint="Use a name such as utf-8 or cp1252."
        ) from None
    bad: list[int] = []
    lines = _text_lines(path, encoding, bad)
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise LoadError(path, "the file is empty.", hint="Give a header row and one row per item.")
    delimiter = delimiter_of(first)
    body: list[list[str]] = []
    try:
        header = next(csv.reader([first], delimiter=delimiter))
        rows = csv.reader(lines, delimiter=delimiter)
        _rows_into(path, header, body, rows, delimiter, limit, check)
    except csv.Error as exc:
        raise LoadError(
            path,
            f"cannot be read as a table ({exc}).",
            row=len(body) + 1,
            hint="A carriage return (CR) or quote inside a value must be quoted; export it again.",
        ) from None
    if bad and warnings is not None:
        warnings.append(invalid_text_warning(path, len(bad), bad[0], encoding))
    return header, body


def _rows_into(
    path: Path,
    header: list[str],
    body: list[list[str]],
    reader: Iterator[list[str]],
    delimiter: str,
    limit: int | None,
    check: Callable[[list[str], list[list[str]]], None] | None,
) -> None:
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise LoadError(
                path,
                f"row has {len(row)} columns but the header has {len(header)}.",
                row=len(body) + 1,
                hint=f"Give every row one value per column, separated by {delimiter!r}.",
            )
        body.append(row)
        if check is not None and len(body) == 1000:
            check(header, body)
            check = None
        if limit is not None and len(body) >= limit:
            break
    if check is not None and body:
        check(header, body)


def label_column(header: list[str], columns: list[list[str]]) -> int | None:
    """The column that names the rows: a conventional name, else the first unique text column."""
    lowered = [h.strip().lower() for h in header]
    for name in LABEL_NAMES:
        if name in lowered and len(set(columns[lowered.index(name)])) == len(columns[0]):
            return lowered.index(name)
    for c, values in enumerate(columns):
        if typed(values).dtype.kind == "U" and len(set(values)) == len(values):
            return c
    return None


def attach_metadata(eset: EmbeddingSet, path: str | Path, by: str = "auto") -> EmbeddingSet:
    """A new set with the columns of ``path`` added; ``eset`` itself is left unchanged.

    ``by='label'`` matches the file's label column to the set's labels (rows the file does not
    name get '' or NaN); ``by='row'`` takes the file's rows in order (counts must agree);
    ``'auto'`` matches by label when a column holds at least half of the set's labels.
    """
    path = Path(path)
    header, rows = read_delimited(path)
    if not rows:
        raise LoadError(path, "the file has a header but no rows.", line=2, hint="Add rows.")
    columns = [[row[c] for row in rows] for c in range(len(header))]
    warnings: list[str] = []
    key = _matching_column(eset, columns) if by in ("auto", "label") else None
    if by == "label" and key is None:
        raise LoadError(
            path,
            "no column holds the labels of the set.",
            hint="Put the labels in the first column, or attach by row order.",
        )
    if key is None:
        if len(rows) != len(eset):
            raise LoadError(
                path,
                f"has {len(rows)} rows but the set has {len(eset)}; rows cannot be matched by order.",
                row=min(len(rows), len(eset)) + 1,
                hint="Give one row per vector, in the same order, or include a label column.",
            )
        new = {h: typed(col) for h, col in zip(header, columns, strict=True)}
    else:
        where = {label: i for i, label in reversed(list(enumerate(columns[key])))}
        order = np.array([where.get(label, -1) for label in eset.labels])
        missing = int((order < 0).sum())
        if missing:
            warnings.append(f"{missing} row(s) of the set are not in {path.name}; left empty.")
        new = {}
        for c, (name, col) in enumerate(zip(header, columns, strict=True)):
            if c == key:
                continue
            values = typed(col + [""])  # index -1 picks the empty cell
            new[name] = values[order]
    metadata = dict(eset.metadata)
    for name, values in new.items():
        while name in metadata:
            name += "_2"
        metadata[name] = values
    src = eset.source
    source = Source(src.path, src.format, src.dtype_on_disk, [*src.warnings, *warnings])
    return EmbeddingSet(
        eset.labels, eset.vectors, metadata, source=source, name=eset.name, model=eset.model
    )


def _matching_column(eset: EmbeddingSet, columns: list[list[str]]) -> int | None:
    labels = set(eset.labels)
    best, best_hits = None, 0
    for c, values in enumerate(columns):
        hits = len(labels.intersection(values))
        if hits > best_hits:
            best, best_hits = c, hits
    return best if best_hits >= max(1, min(len(eset), len(columns[0])) // 2) else None


def attach_task(eset: EmbeddingSet, path: str | Path, by: str = "auto") -> Task[EmbeddingSet]:
    yield Progress(None, f"Reading {Path(path).name}")
    return attach_metadata(eset, path, by)


def attach_sidecar(eset: EmbeddingSet, path: Path) -> EmbeddingSet:
    """Add the columns of ``X_metadata.tsv`` beside ``X.vec`` (projector convention): matched by
    label when it has a label column, else by row order. A sidecar that does not fit is reported
    as a warning; the vectors still load."""
    side = path.with_name(f"{path.name.split('.')[0]}_metadata.tsv")
    if not side.is_file() or eset.metadata:
        return eset
    header, columns = read_projector_metadata(side)
    if header is None:
        return eset  # labels only: the vector file has its own
    key = _matching_column(eset, columns)
    if key is None and len(columns[0]) != len(eset):
        eset.source.warnings.append(
            f"{side.name} was not attached: it has {len(columns[0])} rows, the set {len(eset)}, "
            "and no column of labels. Use File > Add metadata to attach it by row order."
        )
        return eset
    if key is None:
        eset.metadata = {n: typed(c) for n, c in zip(header, columns, strict=True)}
        return eset
    where = {label: i for i, label in reversed(list(enumerate(columns[key])))}
    order = np.array([where.get(label, -1) for label in eset.labels])
    eset.metadata = {
        n: typed(c + [""])[order]
        for i, (n, c) in enumerate(zip(header, columns, strict=True))
        if i != key
    }
    return eset
