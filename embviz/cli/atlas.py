"""`embviz atlas TABLE --text COLUMN [--title COL] [--embedder NAME] [--model default|DIR]
[--method umap|tsne|pca] -o OUT.parquet`: embed a table of documents, lay it out, find and name
its topics, and write it all as one self-describing Parquet file (:mod:`embviz.io.atlas_parquet`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, run_task

EMBEDDERS = ("sentence", "average", "tfidf-average", "lsa", "doc2vec")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "atlas",
        help="embed a table of documents, map it and name its topics (writes .parquet)",
        description="Reads a CSV, TSV, JSON Lines or Parquet table with one document per row; "
        "writes its columns plus vector, x, y, cluster and cluster_label (and the fine level) to "
        "a Parquet file whose metadata records the model, settings and layout.",
    )
    p.add_argument("table", help="CSV, TSV, JSON Lines or Parquet file, one document per row")
    p.add_argument("--text", help="column holding each document's text (default: guessed)")
    p.add_argument("--title", help="column for short titles (default: the text's first words)")
    p.add_argument("--encoding", default="utf-8", help="of a CSV/TSV table (default utf-8)")
    p.add_argument(
        "--embedder",
        default="sentence",
        help=f"{', '.join(EMBEDDERS)}, or 'column' to use the table's vector column as it is "
        "(default sentence)",
    )
    p.add_argument("--model", default="default", help="sentence: 'default' or a model folder")
    p.add_argument("--chunk-tokens", type=int, default=0, help="sentence: window long documents")
    p.add_argument("--chunk-overlap", type=int, default=32, help="sentence: tokens shared")
    p.add_argument("--vectors", help="average, tfidf-average: the word vector file")
    p.add_argument("--dims", type=int, help="lsa, doc2vec: dimensions")
    p.add_argument("--method", default="umap", help="layout: umap, tsne or pca (default umap)")
    p.add_argument("--seed", type=int, default=0, help="seed of the layout and the topics")
    p.add_argument(
        "--clusters-on",
        choices=("layout", "vectors"),
        default="layout",
        help="cluster the 2-D layout (default) or the original vectors",
    )
    p.add_argument("--min-cluster-size", type=int, help="smallest topic (default: from N)")
    p.add_argument("--language", default="english", help="stop words for the topic names")
    p.add_argument("--no-cache", action="store_true", help="embed again even when cached")
    p.add_argument(
        "--cluster",
        metavar="local:N|tcp://HOST:PORT",
        help="run on a Dask cluster: N local worker processes, or a running scheduler "
        "(writes a directory of Parquet parts; see docs/scale.md). 'inprocess' runs the same "
        "plan here",
    )
    p.add_argument(
        "--partition-rows", type=int, default=100_000, help="--cluster: rows per partition"
    )
    p.add_argument(
        "--sample-rows",
        type=int,
        default=50_000,
        help="--cluster: rows the layout and the topics are fitted on (the rest are placed)",
    )
    p.add_argument("-o", "--output", required=True, help="OUT.parquet (OUT_DIR with --cluster)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(func=run)


def embedder_params(args: argparse.Namespace) -> Any:
    from embviz.models.documents.registry import get_document_embedder

    embedder = get_document_embedder(args.embedder)
    if args.embedder == "sentence":
        return embedder.params(
            model=args.model, chunk_tokens=args.chunk_tokens, chunk_overlap=args.chunk_overlap
        )
    if args.embedder in ("average", "tfidf-average"):
        if not args.vectors:
            raise EmbvizError(f"--embedder {args.embedder} needs --vectors FILE (word vectors).")
        return embedder.params(vectors=str(Path(args.vectors).resolve()))
    if args.embedder == "lsa" and args.dims is not None:
        return embedder.params(components=args.dims)
    if args.embedder == "doc2vec" and args.dims is not None:
        return embedder.params(vector_size=args.dims)
    return embedder.params()


def _progress(quiet: bool) -> Any:
    last = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if quiet or now - last[0] < 1.0 or not progress.message:
            return
        last[0] = now
        share = "" if progress.fraction is None else f" ({progress.fraction:.0%})"
        print(f"embviz: {progress.message}{share}", file=sys.stderr)

    return report


def layout(eset: Any, method: str, seed: int) -> tuple[np.ndarray, dict[str, Any], list[str]]:
    from embviz.core.params import as_dict
    from embviz.reduce.params import specs
    from embviz.reduce.registry import get_reducer, projection_task

    reducer = get_reducer(method)
    values: dict[str, Any] = {}
    if "seed" in {s.name for s in specs(reducer.params_type)}:
        values["seed"] = seed
    projection = run_task(projection_task(eset, method, values, 2))
    coords = np.asarray(projection.coords, dtype=np.float32)
    params = projection.params or values
    try:
        params = as_dict(params) if not isinstance(params, dict) else params
    except TypeError:
        pass
    return coords, dict(params), list(projection.info.get("warnings", []))


def run(args: argparse.Namespace) -> int:
    from embviz.core.topics import find_topics_task, topic_columns
    from embviz.io.atlas_parquet import atlas_table, write_atlas
    from embviz.io.corpus_set import corpus_set
    from embviz.io.documents import read_document_table
    from embviz.io.safe_write import check_outputs
    from embviz.models.documents.registry import get_document_embedder

    if args.cluster:
        return run_cluster(args)
    check_outputs([args.output], args.force)  # refused before any slow work
    if Path(args.output).suffix.lower() not in (".parquet", ".pq"):
        raise EmbvizError(f"{args.output}: an atlas is written as .parquet.")
    started = time.perf_counter()
    report = _progress(args.json)
    table = read_document_table(
        args.table, text_column=args.text, title_column=args.title, encoding=args.encoding
    )
    settings: dict[str, Any] = {}
    if args.embedder == "column":
        eset = corpus_set(table)
        embedder_name, embedder_title = "", eset.corpus.embedder if eset.corpus else "column"
        warnings: list[str] = []
    else:
        params = embedder_params(args)
        embedder = get_document_embedder(args.embedder)
        result = run_task(embedder.embed(table.texts, params, cache=not args.no_cache), report)
        eset = corpus_set(
            table,
            result.vectors,
            embedder=result.embedder,
            settings=result.settings,
            model=result.model,
        )
        embedder_name, embedder_title = args.embedder, result.embedder
        settings, warnings = result.settings, list(result.warnings)
    coords, layout_params, layout_warnings = layout(eset, args.method, args.seed)
    warnings += layout_warnings
    placed = np.isfinite(coords).all(axis=1)
    topics = run_task(
        find_topics_task(
            np.where(placed[:, None], coords, 0.0)
            if args.clusters_on == "layout"
            else eset.vectors,
            table.texts,
            layout=np.where(placed[:, None], coords, 0.0),
            space=args.clusters_on,
            min_cluster_size=args.min_cluster_size,
            language=args.language,
            seed=args.seed,
        ),
        report,
    )
    columns = topic_columns(topics)
    if not placed.all():  # rows the layout left out (e.g. zero vectors) belong to no topic
        from embviz.core.topics import UNCLUSTERED

        for name, values in columns.items():
            columns[name] = np.where(
                placed, values, -1 if values.dtype.kind == "i" else UNCLUSTERED
            )
    record = {
        "text_column": table.text_column,
        "title_column": table.title_column,
        "embedder": embedder_title,
        "embedder_name": embedder_name,
        "settings": settings,
        "dims": eset.dims,
        "rows": len(eset),
        "projection": {"method": args.method, "params": layout_params},
        "topics": topics.settings,
        "source": Path(args.table).name,
        "embviz_version": _version(),
    }
    arrow = atlas_table(table, eset.vectors, coords, columns, record, warnings)
    write_atlas(args.output, arrow, force=args.force)
    for warning in [*table.warnings, *warnings]:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    seconds = time.perf_counter() - started
    coarse = topics.levels[0]
    if args.json:
        summary = {
            "output": str(args.output),
            "rows": len(eset),
            "dims": eset.dims,
            "embedder": embedder_title,
            "method": args.method,
            "clusters": coarse.n_clusters,
            "unclustered": coarse.unclustered,
            "seconds": seconds,
        }
        print(json.dumps(summary))
    else:
        print(
            f"{len(eset):,} documents -> {eset.dims}-D ({embedder_title}) -> {args.method} map, "
            f"{coarse.n_clusters} topics ({coarse.unclustered:,} unclustered) in {seconds:.1f} s"
        )
        print(f"wrote {args.output}")
    return 0


def run_cluster(args: argparse.Namespace) -> int:
    """`embviz atlas ... --cluster SPEC -o OUT_DIR` (embviz.cluster.plan)."""
    from embviz.cluster.engine import connect
    from embviz.cluster.plan import ClusterOptions, check_directory, run_plan

    options = ClusterOptions(
        table=args.table,
        output=args.output,
        text=args.text,
        title=args.title,
        encoding=args.encoding,
        embedder=args.embedder,
        model=args.model,
        chunk_tokens=args.chunk_tokens,
        chunk_overlap=args.chunk_overlap,
        method=args.method,
        seed=args.seed,
        clusters_on=args.clusters_on,
        min_cluster_size=args.min_cluster_size,
        language=args.language,
        partition_rows=args.partition_rows,
        sample_rows=args.sample_rows,
        force=args.force,
    )
    check_directory(args.output, args.force)  # refused before the cluster starts
    if args.partition_rows < 1 or args.sample_rows < 4:
        raise EmbvizError("--partition-rows must be 1 or more and --sample-rows 4 or more.")
    engine = connect(args.cluster)
    quiet = args.json

    def say(message: str) -> None:
        if not quiet:
            print(f"embviz: {message}", file=sys.stderr)

    try:
        summary = run_plan(options, engine, say)
    finally:
        engine.close()
    for warning in options.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{summary['rows']:,} documents -> {summary['dims']}-D in {summary['partitions']} "
            f"partition(s) on {summary['engine']} -> {args.method} map fitted on "
            f"{summary['sample_rows']:,} rows, {summary['clusters']} topics in "
            f"{summary['seconds']['total']:.1f} s"
        )
        print(f"wrote {summary['output']}")
    return 0


def _version() -> str:
    from embviz import __version__

    return __version__
