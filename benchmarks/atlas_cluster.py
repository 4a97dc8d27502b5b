"""Rows per second of `embviz atlas --cluster` with 1 and 2 local Dask workers, and of the
single-file `embviz atlas` (one process, every core), in the same run.

Short real documents (gensim's Pang & Lee reviews and the sentences of the Lee corpus, numbered
so no two are the same; as benchmarks/bench_atlas_embed.py), embedded with the bundled
all-MiniLM-L6-v2, no disk cache. The cluster runs fit the UMAP layout and the topics on a sample
of ``--sample-rows`` and place the rest; the single run fits on every row. Each cluster's start
(worker processes, ~seconds) is timed apart from the run. Also prints the per-row costs of each
step (summed task seconds / rows, one worker thread), the placement and assignment per row
against a sample of 50,000 (the default; synthetic vectors: their cost depends only on the
sizes), and how the plan's map and clusters compare with the single run's (trustworthiness,
k = 10, cosine; adjusted Rand index). Numbers for docs/scale.md.

    python benchmarks/atlas_cluster.py [--docs 3000] [--sample-rows 750] [--partition-rows 500]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def documents(n: int) -> list[str]:
    from embviz.io.sample_corpora import sample_rows

    pieces = [r["text"] for r in sample_rows("pang-lee")]
    for row in sample_rows("lee"):
        pieces += [s.strip() for s in re.split(r"(?<=[.!?])\s+", row["text"]) if s.strip()]
    return [f"{pieces[i % len(pieces)]} ({i // len(pieces)})" for i in range(n)]


def read_parts(directory: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from embviz.io.atlas_partitions import part_paths, read_partitioned_record

    record = read_partitioned_record(directory)
    return pa.concat_tables([pq.read_table(p) for p in part_paths(directory, record)])


def run_plan(table: Path, out: Path, spec: str, args: argparse.Namespace) -> dict:
    from embviz.cluster.engine import connect
    from embviz.cluster.plan import ClusterOptions, run_plan

    started = time.perf_counter()
    engine = connect(spec)
    start_s = time.perf_counter() - started
    try:
        options = ClusterOptions(
            table=str(table),
            output=str(out),
            text="text",
            partition_rows=args.partition_rows,
            sample_rows=args.sample_rows,
            force=True,
        )
        summary = run_plan(options, engine)
        if hasattr(engine, "client"):  # each worker's resident memory after the run

            def rss() -> int:
                import psutil

                return int(psutil.Process().memory_info().rss)

            summary["worker_rss_mb"] = sorted(v / 2**20 for v in engine.client.run(rss).values())
    finally:
        engine.close()
    summary["start_s"] = start_s
    return summary


def per_row_at_default_sample(rows: int = 4000, sample: int = 50_000, dims: int = 384) -> dict:
    from embviz.cluster.placement import nearest_in_layout, place

    rng = np.random.default_rng(0)
    sample_vectors = rng.normal(size=(sample, dims)).astype(np.float32)
    sample_coords = rng.normal(size=(sample, 2)).astype(np.float32)
    vectors = rng.normal(size=(rows, dims)).astype(np.float32)
    started = time.perf_counter()
    coords, _ = place(vectors, sample_vectors, sample_coords)
    placed = time.perf_counter() - started
    many = np.vstack([coords] * 10)  # a partition's worth of queries for one k-d tree
    started = time.perf_counter()
    nearest_in_layout(many, sample_coords)
    assigned = time.perf_counter() - started
    return {"place_ms": 1000 * placed / rows, "assign_ms": 1000 * assigned / len(many)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--sample-rows", type=int, default=750)
    parser.add_argument("--partition-rows", type=int, default=500)
    args = parser.parse_args(argv)

    import pyarrow.parquet as pq
    from sklearn.manifold import trustworthiness
    from sklearn.metrics import adjusted_rand_score

    from embviz.cli import main as cli

    folder = Path(tempfile.mkdtemp(prefix="embviz-atlas-cluster-"))
    table = folder / "docs.csv"
    with open(table, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text"])
        writer.writerows([t] for t in documents(args.docs))
    print(f"{args.docs:,} short documents, partitions of {args.partition_rows:,} rows, "
          f"sample {args.sample_rows:,}; cpus {os.cpu_count()}")  # fmt: skip
    results: dict[str, dict] = {}
    load: dict[str, tuple[float, float, float]] = {}
    load["start"] = os.getloadavg()
    started = time.perf_counter()
    single = folder / "single.parquet"
    code = cli(["atlas", str(table), "--text", "text", "--no-cache", "-o", str(single), "--json"])
    assert code == 0
    results["single"] = {"seconds": {"total": time.perf_counter() - started}}
    load["single"] = os.getloadavg()
    for workers in (1, 2):
        results[f"local:{workers}"] = run_plan(
            table, folder / f"w{workers}", f"local:{workers}", args
        )
        load[f"local:{workers}"] = os.getloadavg()
    costs = per_row_at_default_sample()

    print(
        "\nrun          rows/s   seconds  (cluster start)  vs single  load average (1, 5, 15 min)"
    )
    base = args.docs / results["single"]["seconds"]["total"]
    for name, result in results.items():
        seconds = result["seconds"]["total"]
        rate = args.docs / seconds
        start = f"{result['start_s']:.1f} s" if "start_s" in result else "-"
        la = ", ".join(f"{v:.1f}" for v in load[name])
        print(f"{name:10} {rate:8.1f} {seconds:9.1f}  {start:>15}  {rate / base:8.2f}x  {la}")
    two = results["local:2"]
    print(
        f"\nlocal:2 over local:1: {results['local:1']['seconds']['total'] / two['seconds']['total']:.2f}x"
    )
    print("\nper-row costs (summed task seconds / rows, 1 worker thread each):")
    for name in ("local:1", "local:2"):
        s, n = results[name]["seconds"], args.docs
        print(
            f"  {name}: embed {1000 * s['embed_task'] / n:.2f} ms, place {1000 * s['place'] / n:.3f} ms, "
            f"assign {1000 * s['assign'] / n:.3f} ms, write {1000 * s['write'] / n:.3f} ms; "
            f"layout fit on {args.sample_rows} rows {s['layout_fit']:.1f} s, topics {s['topics_fit']:.1f} s"
        )
    for name in ("local:1", "local:2"):
        mb = ", ".join(f"{v:.0f}" for v in results[name].get("worker_rss_mb", []))
        print(f"  {name}: worker resident memory after the run {mb} MiB")
    print(f"  at a 50,000-row sample (384-d): place {costs['place_ms']:.3f} ms/row, "
          f"assign {costs['assign_ms']:.3f} ms/row")  # fmt: skip

    one = pq.read_table(single)
    plan = read_parts(folder / "w2")
    v1 = np.stack(one["vector"].to_numpy(zero_copy_only=False))
    v2 = np.stack(plan["vector"].to_numpy(zero_copy_only=False))
    p1 = read_parts(folder / "w1")
    same = all(
        p1[c].to_pylist() == plan[c].to_pylist() for c in ("cluster", "cluster_fine")
    ) and np.allclose(np.stack(p1["vector"].to_numpy(zero_copy_only=False)), v2, atol=1e-5)
    xy1 = np.column_stack([one["x"].to_numpy(), one["y"].to_numpy()])
    xy2 = np.column_stack([plan["x"].to_numpy(), plan["y"].to_numpy()])
    t1 = trustworthiness(v1, xy1, n_neighbors=10, metric="cosine")
    t2 = trustworthiness(v1, xy2, n_neighbors=10, metric="cosine")
    ari = adjusted_rand_score(one["cluster"].to_numpy(), plan["cluster"].to_numpy())
    print(f"\nvectors: plan vs single max |diff| {np.abs(v1 - v2).max():.2e}; local:1 and local:2 "
          f"same vectors and clusters: {same}")  # fmt: skip
    print(f"trustworthiness (k=10): single {t1:.4f}, plan {t2:.4f}; clusters ARI plan vs single "
          f"{ari:.3f} ({len(set(one['cluster'].to_pylist()) - {-1})} vs "
          f"{len(set(plan['cluster'].to_pylist()) - {-1})} clusters)")  # fmt: skip
    print(json.dumps({k: v["seconds"] for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
