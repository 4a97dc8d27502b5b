"""The cluster atlas plan, run by the driver (``embviz atlas TABLE --cluster ... -o OUT_DIR``).

1. The table is read here and split into partitions of ``partition_rows`` rows, in row order.
2. A sample of ``sample_rows`` rows (``numpy.random.default_rng(seed)``, sorted) is embedded on
   the workers, in chunks of ``partition_rows``, and gathered here.
3. The layout is fitted on the sample here, exactly as a single run fits a whole set, and its
   topics are found and named on it (:func:`embviz.core.topics.find_topics_task`, the minimum
   cluster size scaled to the sample).
4. Each partition is one task on a worker: embed its rows that are not in the sample (those come
   with the broadcast sample), place them on the sample's map, give them their clusters (see
   :mod:`embviz.cluster.placement`), write ``part-NNNNN.parquet``. So every row is embedded once,
   and a worker holds one partition's vectors at a time, not the whole corpus's.
5. The record ``_embviz.json`` is written last, in a temporary directory that then replaces
   ``OUT_DIR`` (:mod:`embviz.io.atlas_partitions`).

Every result is a function of the data, the seed, ``partition_rows`` and ``sample_rows`` only.
With ``sample_rows >= rows`` the layout and the topics are those of a single run.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.cluster.engine import Engine
from embviz.cluster.placement import PLACE_K
from embviz.core.errors import EmbvizError

DEFAULT_PARTITION_ROWS = 100_000
DEFAULT_SAMPLE_ROWS = 50_000
EMBEDDERS = ("sentence", "column")


@dataclass
class ClusterOptions:
    table: str
    output: str
    text: str | None = None
    title: str | None = None
    encoding: str = "utf-8"
    embedder: str = "sentence"
    model: str = "default"
    batch_size: int = 32
    chunk_tokens: int = 0
    chunk_overlap: int = 32
    method: str = "umap"
    seed: int = 0
    clusters_on: str = "layout"
    min_cluster_size: int | None = None
    language: str = "english"
    partition_rows: int = DEFAULT_PARTITION_ROWS
    sample_rows: int = DEFAULT_SAMPLE_ROWS
    force: bool = False
    warnings: list[str] = field(default_factory=list)


def partition_bounds(rows: int, partition_rows: int) -> list[tuple[int, int]]:
    if partition_rows < 1:
        raise EmbvizError(f"--partition-rows must be 1 or more, not {partition_rows}.")
    return [(a, min(a + partition_rows, rows)) for a in range(0, rows, partition_rows)] or [(0, 0)]


def sample_of(rows: int, sample_rows: int, seed: int) -> np.ndarray:
    """The sampled rows, sorted: a function of (rows, sample_rows, seed) only."""
    if sample_rows < 4:
        raise EmbvizError(f"--sample-rows must be 4 or more, not {sample_rows}.")
    if sample_rows >= rows:
        return np.arange(rows, dtype=np.int64)
    chosen = np.random.default_rng(seed).choice(rows, sample_rows, replace=False)
    return np.sort(chosen).astype(np.int64)


def check_directory(output: str, force: bool) -> Path:
    out = Path(output)
    if out.suffix.lower() in (".parquet", ".pq"):
        raise EmbvizError(
            f"{output}: a cluster run writes a directory of parts; name a directory (OUT_DIR)."
        )
    if out.exists() and not (out.is_dir() and not any(out.iterdir())) and not force:
        raise EmbvizError(f"{output} exists; add --force to replace it, or choose another name.")
    if not out.parent.is_dir():
        raise EmbvizError(f"{out.parent}: no such directory to write {out.name} in.")
    return out


def run_plan(options: ClusterOptions, engine: Engine, report: Any = None) -> dict[str, Any]:
    """Run the plan on ``engine``; returns a summary (rows, timings, topics, output)."""
    from embviz.cluster import work
    from embviz.io.atlas_parquet import input_columns
    from embviz.io.documents import read_document_table

    if options.embedder not in EMBEDDERS:
        raise EmbvizError(
            f"--cluster embeds with --embedder sentence (or uses the table's vector column: "
            f"column), not {options.embedder!r}: lsa, doc2vec and tfidf-average fit on the whole "
            "corpus at once; run those without --cluster."
        )
    out = check_directory(options.output, options.force)
    say = report or (lambda message: None)
    started = time.perf_counter()
    table = read_document_table(
        options.table,
        text_column=options.text,
        title_column=options.title,
        encoding=options.encoding,
    )
    import pyarrow as pa

    inputs = pa.table(input_columns(table, options.warnings))
    n = len(table)
    bounds = partition_bounds(n, options.partition_rows)
    spec: dict[str, Any] = {"embedder": options.embedder}
    given: np.ndarray | None = None
    if options.embedder == "sentence":
        spec["params"] = {
            "model": options.model,
            "batch_size": options.batch_size,
            "chunk_tokens": options.chunk_tokens,
            "chunk_overlap": options.chunk_overlap,
        }
    else:
        if table.vector_column is None:
            raise EmbvizError(f"{options.table}: --embedder column needs a vector column.")
        given = table._vector_columns[table.vector_column]
        spec["title"] = f"column:{table.vector_column}"
    texts = table.texts
    sample = sample_of(n, options.sample_rows, options.seed)
    say(f"Embedding the {len(sample):,} sampled rows on {engine.description}")
    chunks = partition_bounds(len(sample), options.partition_rows)
    firsts = engine.gather(
        [
            engine.submit(
                work.embed_partition,
                spec,
                [texts[i] for i in sample[a:b].tolist()],
                None if given is None else given[sample[a:b]],
                name=f"embed sampled rows, chunk {c} ({b - a:,} rows)",
            )
            for c, (a, b) in enumerate(chunks)
        ]
    )
    metas = [{k: v for k, v in m.items() if k != "vectors"} for m in firsts]
    sample_vectors = np.concatenate([m["vectors"] for m in firsts]).astype(np.float32)
    del firsts
    embed_done = time.perf_counter()
    say(f"Fitting the {options.method} layout on a sample of {len(sample):,} rows")
    sample_coords, layout_params = _fit_layout(sample_vectors, options)
    layout_done = time.perf_counter()
    say("Finding and naming topics on the sample")
    topics = _sample_topics(sample_vectors, sample_coords, [texts[i] for i in sample], n, options)
    topics_done = time.perf_counter()
    ref = np.isfinite(sample_coords).all(axis=1)
    ref_pos = np.cumsum(ref) - 1
    shared = engine.broadcast(
        {
            "sample_vectors": sample_vectors[ref],
            "sample_coords": sample_coords[ref],
            "sample_levels": [level.labels[ref] for level in topics.levels],
            "names": [_names(level) for level in topics.levels],
            "columns": [_level_columns(depth) for depth in range(len(topics.levels))],
            "space": options.clusters_on,
        }
    )
    record = {
        "kind": "atlas",
        "version": 1,
        "text_column": table.text_column,
        "title_column": table.title_column,
        "embedder": metas[0]["embedder"],
        "embedder_name": "" if options.embedder == "column" else options.embedder,
        "settings": metas[0]["settings"],
        "dims": int(sample_vectors.shape[1]) if len(sample_vectors) else 0,
        "projection": {
            "method": options.method,
            "params": layout_params,
            "fit_rows": len(sample),
            "placement": f"weighted mean of the {PLACE_K} nearest sampled rows (cosine)",
        },
        "topics": {
            **topics.settings,
            "fit_rows": len(sample),
            "assigned": "cluster of the nearest sampled row",
        },
        "source": Path(options.table).name,
        "embviz_version": _version(),
        "cluster": {
            "engine": "dask distributed" if engine.description != "in process" else "in process",
            "partition_rows": options.partition_rows,
            "sample_rows": options.sample_rows,
            "seed": options.seed,
        },
    }
    temp = out.with_name(f".{out.name}.partial")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    try:
        written = _partitions(
            engine,
            spec,
            texts,
            given,
            inputs,
            shared,
            bounds,
            sample,
            ref,
            ref_pos,
            temp,
            record,
            say,
        )
        from embviz.io.atlas_partitions import PARTITIONED, part_name, write_record

        write_record(
            temp,
            {
                **record,
                "layout": PARTITIONED,
                "rows": n,
                "partitions": [
                    {"file": part_name(i), "rows": b - a} for i, (a, b) in enumerate(bounds)
                ],
            },
        )
        _replace(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    truncated = sorted(
        [
            int(sample[a + r])
            for (a, _), m in zip(chunks, metas, strict=True)
            for r in m["truncated"]
        ]
        + [a + r for (a, _), w in zip(bounds, written, strict=True) for r in w["truncated"]]
    )
    if truncated:
        shown = ", ".join(map(str, truncated[:10])) + (", …" if len(truncated) > 10 else "")
        options.warnings.append(
            f"{len(truncated):,} document(s) longer than the model's maximum of "
            f"{metas[0].get('max_length')} tokens were truncated, as the model does (rows "
            f"{shown}); chunking (--chunk-tokens) embeds all of them."
        )
    coarse = topics.levels[0]
    return {
        "output": str(out),
        "rows": n,
        "dims": record["dims"],
        "partitions": len(bounds),
        "sample_rows": len(sample),
        "workers": engine.workers,
        "engine": engine.description,
        "clusters": coarse.n_clusters,
        "seconds": {
            "total": time.perf_counter() - started,
            "sample_embed_wall": embed_done - started,
            "layout_fit": layout_done - embed_done,
            "topics_fit": topics_done - layout_done,
            "partitions_wall": time.perf_counter() - topics_done,
            "embed_task": sum(m["seconds"] for m in metas)
            + sum(w["seconds"]["embed"] for w in written),
            **{k: sum(w["seconds"][k] for w in written) for k in ("place", "assign", "write")},
        },
    }


def _partitions(
    engine: Engine,
    spec: dict[str, Any],
    texts: list[str],
    given: np.ndarray | None,
    inputs: Any,
    shared: Any,
    bounds: list[tuple[int, int]],
    sample: np.ndarray,
    ref: np.ndarray,
    ref_pos: np.ndarray,
    temp: Path,
    record: dict[str, Any],
    say: Any,
) -> list[dict[str, Any]]:
    from embviz.cluster import work
    from embviz.io.atlas_partitions import part_name

    say(f"Embedding, placing and writing {len(bounds)} partition(s)")
    handles = []
    for i, (a, b) in enumerate(bounds):
        lo, hi = np.searchsorted(sample, [a, b])
        in_sample = np.arange(lo, hi)[ref[lo:hi]]
        part = {
            "index": i,
            "first_row": a,
            "sampled": sample[in_sample] - a,
            "sample_index": ref_pos[in_sample],
            "path": str((temp / part_name(i)).resolve()),
            "record": {
                **record,
                "rows": b - a,
                "part": {"index": i, "first_row": a, "of": len(bounds)},
            },
        }
        handles.append(
            engine.submit(
                work.embed_place_write,
                spec,
                list(texts[a:b]),
                None if given is None else given[a:b],
                inputs.slice(a, b - a),
                shared,
                part,
                name=f"partition {i} (rows {a:,}-{b - 1:,})",
            )
        )
    return engine.gather(handles)


def _fit_layout(
    sample_vectors: np.ndarray, options: ClusterOptions
) -> tuple[np.ndarray, dict[str, Any]]:
    from embviz.cli.atlas import layout
    from embviz.core.dataset import EmbeddingSet

    eset = EmbeddingSet([str(i) for i in range(len(sample_vectors))], sample_vectors)
    coords, params, warnings = layout(eset, options.method, options.seed)
    options.warnings.extend(warnings)
    return np.asarray(coords, dtype=np.float32), params


def _sample_topics(
    vectors: np.ndarray, coords: np.ndarray, texts: list[str], rows: int, options: ClusterOptions
) -> Any:
    from embviz.core.tasks import run_task
    from embviz.core.topics import find_topics_task

    placed = np.isfinite(coords).all(axis=1)
    where = np.where(placed[:, None], coords, 0.0)
    size = options.min_cluster_size
    if size is not None and len(vectors) < rows:  # the sample's share of the asked size
        size = max(2, round(size * len(vectors) / rows))
    topics = run_task(
        find_topics_task(
            where if options.clusters_on == "layout" else vectors,
            texts,
            layout=where,
            space=options.clusters_on,
            min_cluster_size=size,
            language=options.language,
            seed=options.seed,
        )
    )
    for level in topics.levels:  # rows the layout left out belong to no topic
        level.labels[~placed] = -1
    return topics


def _names(level: Any) -> list[str]:
    from embviz.core.topics import UNCLUSTERED

    top = max([t.id for t in level.topics] + [-1])
    names = [UNCLUSTERED] + [f"Cluster {i}" for i in range(top + 1)]
    for topic in level.topics:
        if topic.id >= 0:
            names[topic.id + 1] = topic.name
    return names


def _level_columns(depth: int) -> tuple[str, str]:
    from embviz.core.topics import level_columns

    return level_columns(depth)


def _replace(temp: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old")
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    temp.rename(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def _version() -> str:
    from embviz import __version__

    return __version__
