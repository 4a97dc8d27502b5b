"""The atlas Parquet file: a document table with its vectors, map and topics, self-describing.

Columns: the input's columns (typed as embviz reads them: text and categories as strings,
numbers as float64, dates as timestamps), then ``vector`` (list<float32>), ``x``, ``y``,
``cluster`` (int64, -1 = unclustered), ``cluster_label`` and, when there is a fine level,
``cluster_fine`` / ``cluster_fine_label``. Rows are the input's rows in order, so a row's
position is its input row index. The schema metadata key ``embviz`` holds JSON: what embedded the
text (embedder, settings, weights checksum), which columns hold text and titles, the layout method
and parameters, and the topic settings.

:class:`AtlasFormat` opens such a file as a corpus set (vectors, typed metadata with the cluster
columns, ``corpus`` info, a query model rebuilt from the record) with its x/y kept as a ready
projection in the set's derived cache (``eset.peek_derived(ATLAS_LAYOUT_KEY)``, and under the
recorded method and parameters).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.documents import DocumentTable

METADATA_KEY = "embviz"
KIND = "atlas"
VECTOR, X, Y = "vector", "x", "y"
ATLAS_COLUMNS = (
    VECTOR,
    X,
    Y,
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
ATLAS_LAYOUT_KEY = ("atlas-layout",)
INT_COLUMNS = (CLUSTER_COLUMN, FINE_CLUSTER_COLUMN)


def _arrow(values: np.ndarray) -> Any:
    import pyarrow as pa

    if values.dtype.kind == "M":
        return pa.array(values.astype("datetime64[ms]"), pa.timestamp("ms"), from_pandas=True)
    if values.dtype.kind == "f":
        return pa.array(values, pa.float64(), from_pandas=True)  # NaN: missing
    if values.dtype.kind in "iu":
        return pa.array(values, pa.int64())
    return pa.array([None if v is None else str(v) for v in values.tolist()], pa.string())


def input_columns(table: DocumentTable, warnings: list[str]) -> dict[str, Any]:
    """The input's columns as Arrow arrays; a column named like an atlas column is renamed
    (``x`` -> ``x_input``), or dropped when the input is itself an atlas (it is recomputed)."""
    import pyarrow as pa

    columns: dict[str, Any] = {}
    rerun = METADATA_KEY in table.schema_metadata
    for name, kind in table.kinds.items():
        if kind == "vector":
            values = table._vector_columns[name]
            array = pa.FixedSizeListArray.from_arrays(
                pa.array(values.astype(np.float32).ravel()), values.shape[1]
            )
        else:
            array = _arrow(table.columns[name])
        key = name
        if name in ATLAS_COLUMNS:
            if rerun:
                continue
            while key in ATLAS_COLUMNS or key in table.kinds:
                key += "_input"
            warnings.append(f"the input's column {name!r} is written as {key!r}.")
        columns[key] = array
    return columns


def atlas_table(
    table: DocumentTable,
    vectors: np.ndarray,
    coords: np.ndarray,
    topics: dict[str, np.ndarray],
    record: dict[str, Any],
    warnings: list[str] | None = None,
) -> Any:
    """The pyarrow Table of an atlas (see the module's docstring)."""
    import pyarrow as pa

    warnings = warnings if warnings is not None else []
    columns = input_columns(table, warnings)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    columns[VECTOR] = pa.FixedSizeListArray.from_arrays(
        pa.array(vectors.ravel()), vectors.shape[1]
    ).cast(pa.list_(pa.float32()))
    columns[X] = pa.array(np.asarray(coords[:, 0], dtype=np.float32))
    columns[Y] = pa.array(np.asarray(coords[:, 1], dtype=np.float32))
    for name in ATLAS_COLUMNS[3:]:
        if name in topics:
            columns[name] = _arrow(np.asarray(topics[name]))
    arrow = pa.table(columns)
    record = {"kind": KIND, "version": 1, **record}
    meta = {METADATA_KEY.encode(): json.dumps(record, default=str, ensure_ascii=False).encode()}
    return arrow.replace_schema_metadata(meta)


def write_atlas(path: str | Path, arrow_table: Any, *, force: bool = False) -> Path:
    """Write the table atomically (all or nothing; see :mod:`embviz.io.safe_write`)."""
    import pyarrow.parquet as pq

    from embviz.io.safe_write import atomic_write

    path = Path(path)
    with atomic_write([path], force=force) as (temp,):
        pq.write_table(arrow_table, temp, compression="zstd")
    return path


def read_record(path: str | Path) -> dict[str, Any] | None:
    """The ``embviz`` record of an atlas Parquet file, or None when the file is not one."""
    try:
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
    except Exception:
        return None
    raw = meta.get(METADATA_KEY.encode())
    if raw is None:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("kind") == KIND else None


def read_atlas(path: str | Path) -> tuple[DocumentTable, dict[str, Any], np.ndarray]:
    """(the documents with the atlas's vectors, the record, x/y) of an atlas file."""
    from embviz.io.documents import read_document_table

    path = Path(path)
    record = read_record(path)
    if record is None:
        raise LoadError(
            path,
            f"not an atlas: its Parquet metadata has no {METADATA_KEY!r} record.",
            hint="Make one with `embviz atlas TABLE --text COLUMN -o OUT.parquet`.",
        )
    table = read_document_table(
        path,
        text_column=record.get("text_column"),
        title_column=record.get("title_column"),
        vector_column=VECTOR,
    )
    missing = [c for c in (X, Y) if c not in table.columns]
    if missing:
        raise LoadError(path, f"the atlas has no column {missing[0]!r}.", hint="Write it again.")
    coords = np.column_stack([table.columns.pop(X), table.columns.pop(Y)]).astype(np.float32)
    del table.kinds[X], table.kinds[Y]
    for name in INT_COLUMNS:
        if name in table.columns:
            values = table.columns[name]
            table.columns[name] = np.where(np.isnan(values), -1, values).astype(np.int64)
    for name in list(table._vector_columns):
        if name != VECTOR:  # an input's own vector column: kept in the file, not as metadata
            del table.kinds[name]
    del table.kinds[VECTOR]
    return table, record, coords


class AtlasFormat:
    """An atlas Parquet file (written by ``embviz atlas``), opened as a corpus set."""

    name = "atlas"
    title = "Corpus atlas (.parquet written by embviz atlas)"
    extensions = (".parquet",)

    def sniff(self, path: Path, head: bytes) -> float:
        if not head.startswith(b"PAR1"):
            return 0.0
        return 0.99 if read_record(path) is not None else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        from embviz.io.corpus_set import corpus_set
        from embviz.models.documents.recorded import RecordedQueries

        yield Progress(None, f"Reading {Path(path).name}")
        table, record, coords = read_atlas(path)
        model = RecordedQueries(record, table.texts) if record.get("embedder_name") else None
        eset = corpus_set(
            table,
            embedder=str(record.get("embedder", "")),
            settings=dict(record.get("settings") or {}),
            model=model,
        )
        eset.source.format = self.name
        keep_atlas_layout(eset, record, coords)
        return eset


def keep_atlas_layout(eset: EmbeddingSet, record: dict[str, Any], coords: np.ndarray) -> None:
    """Keep an atlas's x/y as the set's ready projection, under its recorded method and
    parameters, so the window opens it on the atlas's own map (single-file or partitioned)."""
    from embviz.core.model import SHOWN
    from embviz.core.projection import Projection, keep_projection

    layout = record.get("projection") or {}
    projection = Projection(
        coords=coords,
        method=str(layout.get("method", "atlas")),
        params=dict(layout.get("params") or {}),
        info={"atlas": True},
    )
    keep_projection(eset, projection, eset.version)
    eset.store_derived(ATLAS_LAYOUT_KEY, projection)
    eset.store_derived(SHOWN, projection)
