"""The tasks that run on the workers: embed the sampled rows (a chunk at a time), then, per
partition, embed its other rows, place them on the sample's map, give them its clusters and
write the partition's Parquet file.

Each worker loads a model once (:func:`embviz.models.hf_loading.load` keeps one per process) and
gives torch as many threads as the worker has task slots (one per slot: several workers on one
machine do not fight over the cores), unless ``EMBVIZ_THREADS`` says otherwise.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from embviz.cluster.placement import assign, nearest_in_layout, place


def _worker_threads() -> None:
    if "EMBVIZ_THREADS" in os.environ:
        return
    try:
        distributed: Any = importlib.import_module("distributed")
        threads = int(distributed.get_worker().state.nthreads)
        os.environ["EMBVIZ_THREADS"] = str(max(1, threads))
    except (ImportError, ValueError, AttributeError):
        pass  # not on a Dask worker: this process's cores, as a single run uses


def embed_partition(
    spec: dict[str, Any], texts: list[str], given: np.ndarray | None
) -> dict[str, Any]:
    """{"vectors", "settings", "embedder", "truncated" (rows of this partition), "seconds"}."""
    started = time.perf_counter()
    if spec["embedder"] == "column":
        assert given is not None
        vectors = np.ascontiguousarray(given, dtype=np.float32)
        return {
            "vectors": vectors,
            "settings": {},
            "embedder": spec.get("title", "column"),
            "truncated": [],
            "seconds": time.perf_counter() - started,
        }
    from embviz.core.params import as_dict, check
    from embviz.core.tasks import run_task
    from embviz.models.documents.sentence import (
        SentenceParams,
        encode_texts,
        identity,
        model_title,
        quiet_length_warning,
    )
    from embviz.models.hf_loading import load

    _worker_threads()
    params = check(SentenceParams(**spec["params"]))
    loaded = load(params.model)  # once per worker process
    quiet_length_warning(loaded)
    truncated: list[int] = []
    texts = ["" if t is None else str(t) for t in texts]
    vectors = run_task(encode_texts(loaded, texts, params, truncated))
    settings = {k: v for k, v in as_dict(params).items() if k != "batch_size"}
    settings["model"] = params.model
    settings["weights_sha256"] = identity(loaded, params)["weights_sha256"]
    return {
        "vectors": np.ascontiguousarray(vectors, dtype=np.float32),
        "settings": settings,
        "embedder": f"sentence:{model_title(params.model)}",
        "truncated": truncated,
        "max_length": loaded.max_length,
        "seconds": time.perf_counter() - started,
    }


def embed_place_write(
    spec: dict[str, Any],
    texts: list[str],
    given: np.ndarray | None,
    inputs: Any,
    shared: dict[str, Any],
    part: dict[str, Any],
) -> dict[str, Any]:
    """One partition start to end: embed its rows (those in the sample come from the sample,
    embedded before), place them, give them their clusters, write the part. Its vectors live only
    as long as this task."""
    started = time.perf_counter()
    sampled = np.asarray(part["sampled"], dtype=np.int64)
    if given is not None:
        vectors = np.ascontiguousarray(given, dtype=np.float32)
        meta: dict[str, Any] = {"truncated": [], "seconds": 0.0}
    else:
        known: np.ndarray = shared["sample_vectors"]
        vectors = np.empty((len(texts), known.shape[1]), dtype=np.float32)
        vectors[sampled] = known[np.asarray(part["sample_index"], dtype=np.int64)]
        rest = np.setdiff1d(np.arange(len(texts)), sampled)
        meta = {"truncated": [], "seconds": 0.0}
        if len(rest):
            meta = embed_partition(spec, [texts[i] for i in rest.tolist()], None)
            vectors[rest] = meta["vectors"]
            meta["truncated"] = [int(rest[i]) for i in meta["truncated"]]
    embed_s = time.perf_counter() - started
    written = place_and_write({"vectors": vectors}, inputs, shared, part)
    written["seconds"]["embed"] = embed_s
    written["embedded"] = len(texts) - (0 if given is not None else len(sampled))
    written["truncated"] = meta["truncated"]
    return written


def place_and_write(
    embedded: dict[str, Any],
    inputs: Any,
    shared: dict[str, Any],
    part: dict[str, Any],
) -> dict[str, Any]:
    """Place, assign and write one partition; returns {"rows", "seconds": {...}}.

    ``shared``: ``sample_vectors``, ``sample_coords``, ``sample_levels`` (labels per level of the
    sampled rows), ``names`` (per level, the names of
    clusters -1, 0, 1, ...), ``space``, ``columns`` (per level, (id
    column, name column)). ``part``: ``index``, ``first_row``, ``sampled`` (rows of this
    partition that are in the sample) and ``sample_index`` (their rows in the sample), ``path``,
    ``record``.
    """
    vectors: np.ndarray = embedded["vectors"]
    times: dict[str, float] = {}
    started = time.perf_counter()
    coords, nearest = place(vectors, shared["sample_vectors"], shared["sample_coords"])
    sampled = np.asarray(part["sampled"], dtype=np.int64)
    sample_index = np.asarray(part["sample_index"], dtype=np.int64)
    coords[sampled] = shared["sample_coords"][sample_index]  # sampled rows keep the fit
    times["place"] = time.perf_counter() - started
    started = time.perf_counter()
    if shared["space"] == "layout":
        nearest = nearest_in_layout(coords, shared["sample_coords"])
    nearest[sampled] = sample_index
    topics: dict[str, np.ndarray] = {}
    for (id_column, name_column), labels, names in zip(
        shared["columns"], shared["sample_levels"], shared["names"], strict=True
    ):
        ids = assign(nearest, labels)
        topics[id_column] = ids
        topics[name_column] = np.asarray(names, dtype=object)[ids + 1]
    times["assign"] = time.perf_counter() - started
    started = time.perf_counter()
    write_part(part["path"], inputs, vectors, coords, topics, part["record"])
    times["write"] = time.perf_counter() - started
    return {"rows": len(vectors), "seconds": times}


def write_part(
    path: str,
    inputs: Any,
    vectors: np.ndarray,
    coords: np.ndarray,
    topics: dict[str, np.ndarray],
    record: dict[str, Any],
) -> None:
    """One partition as an atlas Parquet file (columns of :mod:`embviz.io.atlas_parquet`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from embviz.io.atlas_parquet import METADATA_KEY, VECTOR, X, Y, _arrow
    from embviz.io.atlas_partitions import ROW_GROUP_ROWS

    columns = {name: inputs.column(name) for name in inputs.column_names}
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel())
    columns[VECTOR] = pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1]).cast(
        pa.list_(pa.float32())
    )
    columns[X] = pa.array(coords[:, 0].astype(np.float32))
    columns[Y] = pa.array(coords[:, 1].astype(np.float32))
    for name, values in topics.items():
        columns[name] = _arrow(values)
    table = pa.table(columns)
    meta = {METADATA_KEY.encode(): json.dumps(record, default=str, ensure_ascii=False).encode()}
    table = table.replace_schema_metadata(meta)
    temp = Path(path).with_name(Path(path).name + ".tmp")
    pq.write_table(table, temp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    temp.replace(path)
