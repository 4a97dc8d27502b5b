"""Partitioned atlas folders written with pyarrow by the contract of embviz.io.atlas_partitions
(independently of embviz's own reader): a synthetic one, and a single-file atlas split in parts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

RECORD = {
    "kind": "atlas",
    "version": 1,
    "embedder": "column:vector",
    "text_column": "text",
    "title_column": "title",
    "projection": {"method": "umap", "params": {"n_neighbors": 15}},
}


def write_parts(folder: Path, tables: list[pa.Table], record: dict) -> Path:
    """Each table as part-NNNNN.parquet (record in its schema metadata), then _embviz.json."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, table in enumerate(tables):
        name = f"part-{i:05d}.parquet"
        table = table.replace_schema_metadata({b"embviz": json.dumps(record).encode()})
        pq.write_table(table, folder / name, row_group_size=64)
        entries.append({"file": name, "rows": table.num_rows})
    dims = len(tables[0].column("vector")[0].as_py())
    total = sum(t.num_rows for t in tables)
    full = {**record, "layout": "partitioned", "rows": total, "dims": dims, "partitions": entries}
    (folder / "_embviz.json").write_text(json.dumps(full), "utf-8")
    return folder


def synthetic_tables(sizes=(120, 90, 150), dims=6, seed=0) -> list[pa.Table]:
    """Parts of a small atlas: three clusters on the map, titles (two repeated), a category."""
    rng = np.random.default_rng(seed)
    tables, start = [], 0
    for size in sizes:
        rows = np.arange(start, start + size)
        cluster = rows % 3
        centres = np.array([[-4.0, 0.0], [4.0, 1.0], [0.0, 5.0]])
        xy = centres[cluster] + rng.normal(scale=0.6, size=(size, 2))
        vectors = rng.normal(size=(size, dims)).astype(np.float32) + cluster[:, None]
        titles = [f"document {r}" if r not in (7, 200) else "the same title" for r in rows]
        tables.append(
            pa.table(
                {
                    "title": titles,
                    "text": [f"the full text of document {r}, about topic {r % 3}" for r in rows],
                    "source": [("news", "blog", "forum", "paper")[r % 4] for r in rows],
                    "vector": pa.array(list(vectors), pa.list_(pa.float32())),
                    "x": xy[:, 0].astype(np.float32),
                    "y": xy[:, 1].astype(np.float32),
                    "cluster": cluster.astype(np.int64),
                    "cluster_label": [f"topic {c}" for c in cluster],
                }
            )
        )
        start += size
    return tables


def split_atlas(atlas: Path, folder: Path, parts: int = 3) -> Path:
    """A single-file atlas written again as a partitioned folder, its rows in order."""
    table = pq.read_table(atlas)
    record = json.loads(table.schema.metadata[b"embviz"])
    bounds = np.linspace(0, table.num_rows, parts + 1).astype(int)
    tables = [table.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return write_parts(folder, tables, record)
