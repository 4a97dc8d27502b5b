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
from embviz.io.atlas_parquet import VECTOR, X, Y

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


def _big_strings(column: Any) -> np.ndarray | None:
    """An object array of a string column's cells through a dictionary, or None when it has too
    many distinct values to be worth holding."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from embviz.io.atlas_dataset import MAX_CATEGORIES

    if not pa.types.is_dictionary(column.type):
        head = column.slice(0, 200_000)
        distinct = pc.count_distinct(head).as_py()
        if distinct > min(MAX_CATEGORIES, len(head) // 2):  # categories repeat; these do not
            return None
    encoded = column.dictionary_encode() if not pa.types.is_dictionary(column.type) else column
    encoded = pa.chunked_array(encoded.chunks, type=encoded.type).unify_dictionaries()
    dictionary = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], pa.string())
    if len(dictionary) > MAX_CATEGORIES:
        return None
    words = np.empty(len(dictionary) + 1, dtype=object)
    words[:-1] = ["" if v is None else str(v) for v in dictionary.to_pylist()]
    words[-1] = ""  # a missing cell
    codes = np.concatenate(
        [c.indices.fill_null(len(dictionary)).to_numpy() for c in encoded.chunks]
    ).astype(np.intp)
    out: np.ndarray = words[codes]
    return out


def metadata_columns(atlas: PartitionedAtlas, warnings: list[str]) -> Task[Columns]:
    """((metadata, N x 2 float32 coordinates), the title column as Arrow strings)."""
    from embviz.io.atlas_dataset import SMALL_ROWS, ArrowStrings
    from embviz.io.document_columns import arrow_column

    schema, record, n = atlas.parts.schema, atlas.record, len(atlas)
    title = record.get("title_column")
    wanted = [
        name for name in schema.names if name != VECTOR and not _is_list(schema.field(name).type)
    ]
    if n > SMALL_ROWS:  # the text stays on disk; titles are kept as Arrow strings
        text = record.get("text_column")
        wanted = [name for name in wanted if name != text or name == title]
    columns = yield from atlas.read_columns(wanted, "the map")
    yield Progress(0.8, "Typing the columns")
    coords = np.empty((n, 2), dtype=np.float32)
    for i, name in enumerate((X, Y)):
        coords[:, i] = columns.pop(name).to_numpy().astype(np.float32, copy=False)
    strings = {title: ArrowStrings(columns[title])} if title in columns else {}
    metadata: dict[str, np.ndarray] = {}
    left_out: list[str] = []
    for name, column in columns.items():
        if n <= SMALL_ROWS:
            kind, values = arrow_column(atlas.directory, name, column, warnings)
            if kind != "vector":
                metadata[name] = values
            continue
        if _is_string(column.type):
            categories = _big_strings(column)
            if categories is None:
                if name != title:  # the titles are kept, as Arrow strings
                    left_out.append(name)
                continue
            metadata[name] = categories
        else:
            kind, values = arrow_column(atlas.directory, name, column, warnings)
            if kind != "vector":
                metadata[name] = values
    text = record.get("text_column")
    if n > SMALL_ROWS and text and text != title:
        left_out.insert(0, str(text))
    if left_out:
        warnings.append(
            f"{len(left_out)} column(s) with many different texts stay on disk, not in memory, "
            f"at {n:,} rows: {', '.join(repr(c) for c in left_out)}; the map names each "
            "document by its title or row."
        )
    return (metadata, coords), strings
