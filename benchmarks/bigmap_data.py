"""Write a synthetic partitioned atlas (the layout of embviz.io.atlas_partitions) of N rows.

Coordinates are a mixture of 40 Gaussian clusters of different sizes and spreads (a map with
dense cores and sparse outskirts, as a real layout has); each row has a unique title, a category
(12 values), a cluster id and name, and a small vector (its cluster's centre plus noise, so that
neighbours mean something). Parts of ``--part-rows`` rows, row groups of 65,536 rows, zstd, the
record written last, as the contract says.

    python benchmarks/bigmap_data.py OUT_DIR [--rows 10000000] [--dims 8] [--part-rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

CLUSTERS = 40
CATEGORIES = [f"source-{i}" for i in range(12)]


def centres(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    where = rng.uniform(-40, 40, size=(CLUSTERS, 2))
    spread = rng.uniform(0.5, 4.0, size=CLUSTERS)
    weight = rng.dirichlet(np.full(CLUSTERS, 0.7))
    return where, spread, weight


def part_table(start: int, rows: int, dims: int, seed: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    where, spread, weight = centres()
    rng = np.random.default_rng(seed)
    cluster = rng.choice(CLUSTERS, size=rows, p=weight)
    xy = where[cluster] + rng.normal(size=(rows, 2)) * spread[cluster, None]
    basis = np.random.default_rng(1).normal(size=(CLUSTERS, dims)).astype(np.float32)
    vectors = basis[cluster] + 0.7 * rng.normal(size=(rows, dims)).astype(np.float32)
    ids = pa.array(np.arange(start, start + rows)).cast(pa.string())
    titles = pc.binary_join_element_wise(pa.scalar("document "), ids, "")
    category = pa.DictionaryArray.from_arrays(
        pa.array(rng.integers(0, len(CATEGORIES), rows).astype(np.int32)), pa.array(CATEGORIES)
    ).cast(pa.string())
    names = pa.array([f"topic {c}" for c in range(CLUSTERS)])
    return pa.table(
        {
            "title": titles,
            "category": category,
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), dims).cast(
                pa.list_(pa.float32())
            ),
            "x": xy[:, 0].astype(np.float32),
            "y": xy[:, 1].astype(np.float32),
            "cluster": cluster.astype(np.int64),
            "cluster_label": names.take(pa.array(cluster)),
        }
    )


def write(out: Path, rows: int, dims: int, part_rows: int) -> Path:
    import pyarrow.parquet as pq

    from embviz.io.atlas_partitions import ROW_GROUP_ROWS, part_name, write_record

    out.mkdir(parents=True, exist_ok=True)
    record = {
        "kind": "atlas",
        "version": 1,
        "embedder": "synthetic",
        "text_column": "title",
        "title_column": "title",
        "projection": {"method": "synthetic", "params": {"clusters": CLUSTERS}},
    }
    meta = {b"embviz": json.dumps(record).encode()}
    parts = []
    for i, start in enumerate(range(0, rows, part_rows)):
        n = min(part_rows, rows - start)
        table = part_table(start, n, dims, seed=1000 + i).replace_schema_metadata(meta)
        pq.write_table(table, out / part_name(i), row_group_size=ROW_GROUP_ROWS, compression="zstd")
        parts.append({"file": part_name(i), "rows": n})
    write_record(
        out, {**record, "layout": "partitioned", "rows": rows, "dims": dims, "partitions": parts}
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dims", type=int, default=8)
    parser.add_argument("--part-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    start = time.perf_counter()
    write(args.out, args.rows, args.dims, args.part_rows)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.rows:,} rows in {time.perf_counter() - start:.1f} s, {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
