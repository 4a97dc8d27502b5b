"""Write documents (all, or chosen rows) as a table: their columns, vector, map position and
topics, to CSV or Parquet, through the safe writer (no overwrite without force, all or nothing).

Columns: ``label`` (the title), every metadata column (the input's columns, ``row``, ``cluster``
and ``cluster_label`` when topics were found), ``x`` and ``y`` (empty where the map has no
position), and the vector: one ``vector`` column (list of float32) in Parquet, one column per
dimension (``d0``, ``d1``, ...) in CSV, as embviz's other table exports write it.

The Parquet of a corpus is an atlas (:mod:`embviz.io.atlas_parquet`): no ``label`` column (titles
come from the text or title column again), and the ``embviz`` record in its schema metadata, so
it opens in the window on its own map with its topics, and ``embviz search`` works on it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.corpus import ROW_COLUMN
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.io.safe_write import atomic_write

FORMATS = {".csv": "csv", ".parquet": "parquet"}
PROGRESS_ROWS = 20_000


def export_documents_task(
    eset: EmbeddingSet,
    path: str | Path,
    rows: np.ndarray | None = None,
    coords: np.ndarray | None = None,
    *,
    layout: dict[str, Any] | None = None,
    force: bool = False,
) -> Task[list[Path]]:
    """Write ``rows`` (None: all) of ``eset`` to ``path`` (.csv or .parquet); ``layout``: the
    map's method and parameters, recorded in an atlas Parquet."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise EmbvizError(f"{path}: choose a name ending in .csv or .parquet.")
    chosen = np.arange(len(eset)) if rows is None else np.asarray(rows, dtype=np.int64)
    if chosen.size == 0:
        raise EmbvizError("No rows to export: select some documents first.")
    atlas = kind == "parquet" and eset.corpus is not None
    names, columns = _columns(eset, chosen, coords, atlas)
    record = _atlas_record(eset, chosen, layout) if atlas else None
    vectors = np.ascontiguousarray(np.asarray(eset.vectors)[chosen], dtype=np.float32)
    yield Progress(0.0, f"Writing {len(chosen):,} documents to {path.name}")
    with atomic_write([path], force=force) as (temp,):
        if kind == "parquet":
            _write_parquet(temp, names, columns, vectors, record)
        else:
            yield from _write_csv(temp, names, columns, vectors)
    return [path]


def _columns(
    eset: EmbeddingSet, rows: np.ndarray, coords: np.ndarray | None, atlas: bool = False
) -> tuple[list[str], list[np.ndarray]]:
    """An atlas leaves out the titles (made again from the text or title column) and, when
    every row is written, the row index (the file's own order)."""
    every_row = len(rows) == len(eset) and bool(np.all(rows == np.arange(len(eset))))
    skip = {ROW_COLUMN} if atlas and every_row else set()
    kept = [name for name in eset.metadata if name not in skip]
    names = kept if atlas else ["label", *kept]
    columns = [] if atlas else [np.asarray(eset.labels, dtype=object)[rows]]
    columns += [np.asarray(eset.metadata[name])[rows] for name in kept]
    xy = np.full((len(rows), 2), np.nan)
    if coords is not None and len(coords) == len(eset):
        xy = np.asarray(coords, dtype=np.float64)[rows, :2]
    for axis, name in enumerate(("x", "y")):
        if name not in names:
            names.append(name)
            columns.append(xy[:, axis])
    return names, columns


def _atlas_record(
    eset: EmbeddingSet, rows: np.ndarray, layout: dict[str, Any] | None
) -> dict[str, Any]:
    """What ``embviz atlas`` records, so the file opens as an atlas and ``embviz search`` can
    embed queries: only a sentence model is named (it embeds a query the same way whatever rows
    are kept; a TF-IDF, LSA or Doc2Vec model fitted on all rows cannot be rebuilt from some)."""
    corpus = eset.corpus
    assert corpus is not None
    name = corpus.embedder.split(":", 1)[0]
    return {
        "kind": "atlas",
        "version": 1,
        "text_column": corpus.text_column,
        "title_column": corpus.title_column,
        "embedder": corpus.embedder,
        "embedder_name": name if name == "sentence" else "",
        "settings": dict(corpus.settings),
        "dims": eset.dims,
        "rows": int(len(rows)),
        "projection": dict(layout or {}),
        "source": eset.name,
        "exported_from": f"{len(rows):,} of {len(eset):,} rows of {eset.name}",
    }


def _write_parquet(
    temp: Path,
    names: list[str],
    columns: list[np.ndarray],
    vectors: np.ndarray,
    record: dict[str, Any] | None = None,
) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise EmbvizError(
            "Writing Parquet needs pyarrow: pip install 'embviz[parquet]' (or pip install pyarrow)."
        ) from None
    arrays = []
    for values in columns:
        if values.dtype.kind == "O":
            arrays.append(pa.array([None if _missing(v) else str(v) for v in values.tolist()]))
        else:
            arrays.append(pa.array(values, from_pandas=True))  # NaN / NaT -> null
    flat = pa.array(vectors.reshape(-1), type=pa.float32())
    offsets = np.arange(0, vectors.size + 1, max(vectors.shape[1], 1), dtype=np.int32)
    arrays.append(pa.ListArray.from_arrays(offsets, flat))  # list<float32>, as the atlas writes
    table = pa.table(arrays, names=[*names, "vector"])
    if record is not None:  # the atlas's self-description (embviz.io.atlas_parquet)
        text = json.dumps(record, default=str, ensure_ascii=False)
        table = table.replace_schema_metadata({b"embviz": text.encode()})
    pq.write_table(table, temp)


def _write_csv(
    temp: Path, names: list[str], columns: list[np.ndarray], vectors: np.ndarray
) -> Task[None]:
    cells = [_cell_texts(values) for values in columns]
    with open(temp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names + [f"d{i}" for i in range(vectors.shape[1])])
        for i in range(len(vectors)):
            writer.writerow([c[i] for c in cells] + [f"{v:.9g}" for v in vectors[i].tolist()])
            if i % PROGRESS_ROWS == PROGRESS_ROWS - 1:
                yield Progress(i / len(vectors), f"Writing row {i + 1:,}")


def _cell_texts(values: np.ndarray) -> list[str]:
    if values.dtype.kind == "M":
        return ["" if np.isnat(v) else str(v) for v in values]
    if values.dtype.kind == "f":
        return ["" if not np.isfinite(v) else f"{v:.9g}" for v in values.tolist()]
    return ["" if _missing(v) else str(v) for v in values.tolist()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
