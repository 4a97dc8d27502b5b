"""The columns a partitioned atlas opens with: x/y and the small metadata, typed as a single-file
atlas types them (:func:`embviz.io.document_columns.arrow_column`).

Above :data:`~embviz.io.atlas_dataset.SMALL_ROWS` rows a string column costs a Python object per
row, so it is dictionary-encoded in Arrow first: few distinct values (a category, a cluster name)
become one object array that points at the few strings; many (the text, unique titles) stay on
disk and out of the metadata, and a warning says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.tasks import Progress, Task
from embviz.io.atlas_parquet import INT_COLUMNS, X, Y

if TYPE_CHECKING:
    from embviz.io.atlas_dataset import ArrowStrings, PartitionedAtlas

Columns = tuple[tuple[dict[str, np.ndarray], np.ndarray], dict[str, "ArrowStrings"]]


def _is_string(kind: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or (pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type))
    )


def _is_list(kind: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    )


def _categories(column: Any) -> np.ndarray:
    """An object array of a category column's cells: one str per distinct value, pointed at
    (not a str per row)."""
    import pyarrow as pa

    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    encoded = pa.chunked_array(encoded.chunks, type=encoded.type).unify_dictionaries()
    dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], pa.string())
    words = np.empty(len(dictionary) + 1, dtype=object)
    words[:-1] = ["" if v is None else str(v) for v in dictionary.to_pylist()]
    words[-1] = ""  # a missing cell
    codes = np.concatenate(
        [c.indices.fill_null(len(dictionary)).to_numpy() for c in encoded.chunks]
    ).astype(np.intp)
    out: np.ndarray = words[codes]
    return out


def metadata_columns(atlas: PartitionedAtlas, warnings: list[str]) -> Task[Columns]:
    """((metadata, N x 2 float32 coordinates), the title column as Arrow strings when every
    column is read)."""
    from embviz.io.atlas_dataset import SMALL_ROWS, ArrowStrings
    from embviz.io.document_columns import arrow_column

    schema, record, n = atlas.dataset.schema, atlas.record, len(atlas)
    title, text = record.get("title_column"), record.get("text_column")
    wanted = [name for name in schema.names if not _is_list(schema.field(name).type)]
    left_out: list[str] = []
    if n > SMALL_ROWS:  # text and titles stay on disk, and so does any other unique-ish text
        left_out = [name for name in wanted if _is_string(schema.field(name).type) and
                    name not in (title, text) and not _repeats(atlas, name)]  # fmt: skip
        wanted = [name for name in wanted if name not in (title, text, *left_out)]
        if text and text != title:
            left_out.insert(0, str(text))
    columns = yield from atlas.read_columns(wanted, "the map")
    yield Progress(0.8, "Typing the columns")
    coords = np.empty((n, 2), dtype=np.float32)
    for i, name in enumerate((X, Y)):
        coords[:, i] = columns.pop(name).to_numpy().astype(np.float32, copy=False)
    strings = {title: ArrowStrings(columns[title])} if title in columns else {}
    metadata: dict[str, np.ndarray] = {}
    for name, column in columns.items():
        if n > SMALL_ROWS and name in INT_COLUMNS and column.null_count == 0:
            metadata[name] = column.to_numpy().astype(np.int64, copy=False)
        elif n > SMALL_ROWS and _is_string(column.type):
            metadata[name] = _categories(column)
        else:
            if _is_string(column.type):
                column = column.cast("string")  # read as a dictionary
            kind, values = arrow_column(atlas.directory, name, column, warnings)
            if kind != "vector":
                metadata[name] = values
    if left_out:
        warnings.append(
            f"{len(left_out)} column(s) with many different texts stay on disk, not in memory, "
            f"at {n:,} rows: {', '.join(repr(c) for c in left_out)}; the map names each "
            "document by its title and row, the document panel reads its text when shown."
        )
    return (metadata, coords), strings


def _repeats(atlas: PartitionedAtlas, name: str) -> bool:
    """Whether a string column holds categories (values that repeat): judged on its first row
    group, so that a column of unique texts is never hashed whole."""
    import pyarrow.compute as pc

    from embviz.io.atlas_dataset import MAX_CATEGORIES

    first = atlas.fragments[0].subset(row_group_ids=[0])
    head = atlas._read(first, atlas.parts.paths[0], [name]).column(0)
    distinct = int(pc.count_distinct(head.cast("string")).as_py())
    return distinct <= min(MAX_CATEGORIES, max(1, len(head) // 2))
