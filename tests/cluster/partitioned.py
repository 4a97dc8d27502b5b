"""A tiny reader of a partitioned atlas for the tests (the real one is embviz.io's lazy reader):
the parts concatenated in the record's order."""

from __future__ import annotations

import numpy as np

from embviz.io.atlas_partitions import part_paths, read_partitioned_record


def read_parts(directory):
    import pyarrow as pa
    import pyarrow.parquet as pq

    record = read_partitioned_record(directory)
    assert record is not None, f"{directory} is not a partitioned atlas"
    table = pa.concat_tables([pq.read_table(p) for p in part_paths(directory, record)])
    return record, table


def vectors_of(table) -> np.ndarray:
    return np.stack(table["vector"].to_numpy(zero_copy_only=False)).astype(np.float32)


def coords_of(table) -> np.ndarray:
    return np.column_stack([table["x"].to_numpy(), table["y"].to_numpy()])
