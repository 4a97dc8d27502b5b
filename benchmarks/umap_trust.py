"""UMAP's trustworthiness against umap-learn's, factor by factor, over several sets and seeds.

    python benchmarks/umap_trust.py [--sets demo:0,demo:1] [--seeds 0-4] [--variants ...]
        [--n 10000] [--jobs 1] [--out trust.jsonl] [--summary trust.jsonl ...]

Every (set, variant, seed) is one fit of ``--n`` rows (15 neighbours, min_dist 0.1, 2-D), its
trustworthiness at k = 10 by embviz.reduce.quality (cosine; the demo's rows are unit length, so
euclidean ranks are the same: see ``--check-metric``). Variants (umap-learn and embviz in the
same run, so the load is the same for both):

- ``learn-default``: umap-learn's defaults (euclidean, NN-descent) with ``random_state=seed``
  (seeded: one thread, reproducible; unseeded it runs the same update on every core);
- ``learn-cosine``: the same with metric cosine (embviz's metric);
- ``learn-exact``: umap-learn (cosine) given embviz's exact neighbours (``precomputed_knn``);
- ``learn-exact-euc``: umap-learn's defaults given exact euclidean neighbours;
- ``ev``: embviz's fit as the app runs it (``umap_fit.fit``: exact neighbours, the entries that
  share no neighbour with their row left out (``umap_graph.drop_unshared``), and for a seeded
  fit up to ``STAGED_MAX_ROWS`` rows the staged every-core schedule);
- ``ev-nodrop``: the same with every entry kept (``DROP_MIN_SHARED = 0``: umap-learn's graph);
- ``ev-inorder`` / ``ev-drop-inorder``: embviz's graph (every entry / unshared ones dropped) and
  start with umap-learn's in-order update (umap_sgd, one thread);
- ``ev-approx`` / ``ev-approx-staged`` / ``ev-approx-drop``: embviz's graph, start and update
  (in order / staged / in order with unshared entries dropped) on umap-learn's own NN-descent
  neighbours for that seed (its ``nearest_neighbors``, cosine).

kNN recall@10 (the share of each row's 10 nearest rows that stay among its 10 nearest on the
map) is printed beside it, so that a gain in one is not a loss in the other unseen.

So ``learn-cosine - learn-exact`` is the neighbours' share within umap-learn,
``learn-exact - ev-inorder`` the implementation's (same graph: see tests/reduce), ``ev-inorder -
ev`` the staged schedule's, and ``learn-default - learn-cosine`` the metric's.

Sets: ``demo:S`` is a random ``--n`` rows of the demo's MiniLM words (numpy's default_rng(S);
``demo:0`` is benchmarks/umap_speed.py's sample); ``blobs`` the Gaussian blobs of
benchmarks/umap_stages.py (not unit rows: every variant then uses euclidean, and so does the
trustworthiness); ``mixed:S`` 10,000 rows of benchmarks/umap_large.py's denser words (the demo's
rows plus points between neighbours), seed S.

Results go to ``--out`` as JSON lines as they finish (a run cut short keeps what it did);
``--summary`` prints the table of one or more such files: per set and variant the mean, the
seed-to-seed standard deviation and the CPU seconds, then each factor's difference with its
standard error (sqrt(s1^2/n1 + s2^2/n2)). The load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
VARIANTS = (
    "learn-default",
    "learn-cosine",
    "learn-exact",
    "learn-exact-euc",
    "ev",
    "ev-nodrop",
    "ev-inorder",
    "ev-drop-inorder",
    "ev-approx",
    "ev-approx-staged",
    "ev-approx-drop",
)
FACTORS = (  # (name, a, b): a - b is that factor's share
    ("embviz - umap-learn defaults", "ev", "learn-default"),
    ("metric (euclidean - cosine), umap-learn", "learn-default", "learn-cosine"),
    ("neighbours (NN-descent - exact), umap-learn", "learn-cosine", "learn-exact"),
    ("neighbours (NN-descent - exact), embviz", "ev-approx", "ev-inorder"),
    ("implementation (umap-learn - embviz in order)", "learn-exact", "ev-inorder"),
    ("schedule (in order - staged), exact", "ev-inorder", "ev"),
    ("schedule (in order - staged), NN-descent", "ev-approx", "ev-approx-staged"),
    ("unshared entries dropped, staged (exact)", "ev", "ev-nodrop"),
    ("unshared entries dropped, in order (exact)", "ev-drop-inorder", "ev-inorder"),
    ("unshared entries dropped, in order (NN-descent)", "ev-approx-drop", "ev-approx"),
    ("embviz before the drop - umap-learn defaults", "ev-nodrop", "learn-default"),
)


def rows_of(name: str, n: int) -> tuple[np.ndarray, str]:
    """(rows, metric) of a set named as in the module's note."""
    kind, _, arg = name.partition(":")
    seed = int(arg or 0)
    if kind == "demo":
        import embviz
        from embviz.core.paths import demo_path

        demo = embviz.load(demo_path())
        rows = np.sort(np.random.default_rng(seed).choice(len(demo), n, replace=False))
        return np.asarray(demo.vectors[rows], dtype=np.float32), "cosine"
    if kind == "blobs":
        sys.path.insert(0, str(HERE))
        from umap_stages import rows_of as stage_rows

        return stage_rows("random", n), "euclidean"
    if kind == "mixed":
        sys.path.insert(0, str(HERE))
        from umap_large import large_rows

        x = large_rows(4 * n, seed)
        pick = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
        return np.ascontiguousarray(x[pick]), "cosine"
    raise SystemExit(f"unknown set {name!r}: demo:S, blobs or mixed:S")


def embviz_layout(
    x: np.ndarray, indices: Any, distances: Any, seed: int, staged: bool, metric: str,
    drop: bool = False,
) -> np.ndarray:  # fmt: skip
    """umap_fit.fit's steps after the neighbours, with the schedule chosen."""
    from embviz.reduce import umap_fit, umap_graph
    from embviz.reduce.umap_sgd import Optimiser

    n_epochs = umap_graph.default_epochs(len(x))
    if drop:
        indices = umap_graph.drop_unshared(indices)
    graph = umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), n_epochs)
    start = umap_fit.start_layout(x, graph, 2, seed, metric)
    a, b = umap_graph.find_ab_params(1.0, 0.1)
    optimiser = Optimiser(graph, start, n_epochs, a, b, seed, False, staged)
    optimiser.run(n_epochs)
    return optimiser.layout.copy()


def fit(
    variant: str, x: np.ndarray, metric: str, seed: int, work: Path, set_key: str
) -> np.ndarray:
    import umap

    from embviz.reduce.umap_fit import fit as embviz_fit

    exact = lambda m: tuple(np.load(work / f"{set_key}.{m}.{p}.npy") for p in ("i", "d"))  # noqa: E731
    if variant == "learn-default":
        return umap.UMAP(random_state=seed).fit_transform(x)
    if variant == "learn-cosine":
        return umap.UMAP(metric=metric, random_state=seed).fit_transform(x)
    if variant == "learn-exact":
        knn = (*exact(metric), None)
        return umap.UMAP(metric=metric, random_state=seed, precomputed_knn=knn).fit_transform(x)
    if variant == "learn-exact-euc":
        knn = (*exact("euclidean"), None)
        return umap.UMAP(random_state=seed, precomputed_knn=knn).fit_transform(x)
    if variant in ("ev", "ev-nodrop"):
        from embviz.reduce import umap_fit

        keep = umap_fit.DROP_MIN_SHARED
        umap_fit.DROP_MIN_SHARED = 0 if variant == "ev-nodrop" else keep
        try:
            return embviz_fit(x, {"metric": metric, "random_state": seed}, lambda _: None)[0]
        finally:
            umap_fit.DROP_MIN_SHARED = keep
    if variant in ("ev-inorder", "ev-drop-inorder"):
        indices, distances = exact(metric)
        return embviz_layout(x, indices, distances, seed, False, metric, "drop" in variant)
    if variant in ("ev-approx", "ev-approx-staged", "ev-approx-drop"):
        from umap.umap_ import nearest_neighbors

        indices, distances, _ = nearest_neighbors(
            x, 15, metric, {}, False, np.random.RandomState(seed), low_memory=True, n_jobs=1
        )
        staged, drop = variant.endswith("staged"), variant.endswith("drop")
        return embviz_layout(x, indices, distances, seed, staged, metric, drop)
    raise SystemExit(f"unknown variant {variant!r}")


def job(args: tuple[str, str, int, int, str]) -> dict[str, Any]:
    set_name, variant, seed, n, work_dir = args
    warnings.filterwarnings("ignore")
    from embviz.core.tasks import run_task
    from embviz.reduce.quality import quality_task

    work = Path(work_dir)
    key = set_name.replace(":", "_")
    x = np.load(work / f"{key}.x.npy")
    metric = "euclidean" if set_name == "blobs" else "cosine"
    wall, cpu = time.perf_counter(), time.process_time()
    coords = fit(variant, x, metric, seed, work, key)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    quality = run_task(quality_task(x, coords, 10, metric, max_full=len(x) + 1))
    return {
        "set": set_name, "variant": variant, "seed": seed, "n": n,
        "trust": quality.trustworthiness, "recall": quality.knn_recall,
        "wall": wall, "cpu": cpu, "load": os.getloadavg()[0], "pid": os.getpid(),
    }  # fmt: skip


def warm(work_dir: str) -> None:
    """Each worker compiles (or loads) umap-learn's and embviz's numba code on a small set, so
    no fit's CPU seconds include a compilation."""
    warnings.filterwarnings("ignore")
    import umap

    from embviz.reduce.umap_fit import fit as embviz_fit
    from embviz.reduce.umap_process import cache_kernels

    cache_kernels()
    x = np.random.default_rng(0).normal(size=(5000, 16)).astype(np.float32)
    for metric in ("euclidean", "cosine"):
        umap.UMAP(metric=metric, random_state=0, n_epochs=5).fit(x)
    embviz_fit(x[:500], {"metric": "cosine", "random_state": 0, "n_epochs": 5}, lambda _: None)
    embviz_layout(x[:500], *_knn(x[:500], "cosine"), 0, False, "cosine")


def _knn(x: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    from embviz.reduce.knn import exact_knn

    return exact_knn(x, 15, metric)


def seeds_of(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def summary(paths: list[str]) -> None:
    rows = [json.loads(line) for p in paths for line in open(p) if line.strip()]
    table: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        table[row["set"], row["variant"]].append(row)
    loads = [row["load"] for row in rows]
    print(f"\n{len(rows)} fits; load average during them {min(loads):.1f}-{max(loads):.1f}")
    print(
        f"{'set':10s} {'variant':18s} {'n':>3s} {'mean':>7s} {'sd':>7s} {'min':>7s} {'max':>7s} "
        f"{'CPU s':>7s} {'recall':>7s}"
    )
    stats: dict[tuple[str, str], tuple[float, float, int]] = {}
    for (set_name, variant), found in sorted(table.items()):
        trust = [r["trust"] for r in found]
        mean = statistics.fmean(trust)
        sd = statistics.stdev(trust) if len(trust) > 1 else float("nan")
        stats[set_name, variant] = (mean, sd, len(trust))
        cpu = statistics.median(r["cpu"] for r in found)
        recalls = [r["recall"] for r in found if "recall" in r]
        recall = f"{statistics.fmean(recalls):7.4f}" if recalls else "      -"
        print(
            f"{set_name:10s} {variant:18s} {len(trust):3d} {mean:7.4f} {sd:7.4f} "
            f"{min(trust):7.4f} {max(trust):7.4f} {cpu:7.1f} {recall}"
        )
    print("\nfactors: difference of the means +- its standard error")
    for set_name in sorted({s for s, _ in stats}):
        for name, a, b in FACTORS:
            if (set_name, a) in stats and (set_name, b) in stats:
                (ma, sa, na), (mb, sb, nb) = stats[set_name, a], stats[set_name, b]
                se = math.sqrt(sa**2 / na + sb**2 / nb) if na > 1 and nb > 1 else float("nan")
                print(f"{set_name:10s} {name:48s} {ma - mb:+.4f} +- {se:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="demo:0,demo:1")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default="")
    parser.add_argument("--summary", nargs="*", default=None)
    args = parser.parse_args()
    if args.summary is not None:
        summary(args.summary or [args.out])
        return
    if args.jobs > 1:  # each worker one thread: the workers share the cores
        os.environ["NUMBA_NUM_THREADS"] = "1"
        os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"
    sys.path.insert(0, str(HERE.parent))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()} at the start (UTC "
          f"{time.strftime('%H:%M', time.gmtime())})", flush=True)  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="umap-trust-"))
    out = Path(args.out or work / "trust.jsonl")
    sets = args.sets.split(",")
    for set_name in sets:
        key = set_name.replace(":", "_")
        x, metric = rows_of(set_name, args.n)
        np.save(work / f"{key}.x.npy", x)
        for m in {metric, "euclidean"}:
            indices, distances = _knn(x, m)
            np.save(work / f"{key}.{m}.i.npy", indices)
            np.save(work / f"{key}.{m}.d.npy", distances)
    jobs = [
        (s, v, seed, args.n, str(work))
        for seed in seeds_of(args.seeds)
        for s in sets
        for v in args.variants.split(",")
    ]
    started = time.perf_counter()
    with open(out, "a") as sink:
        if args.jobs > 1:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            with context.Pool(args.jobs, initializer=warm, initargs=(str(work),)) as pool:
                for result in pool.imap_unordered(job, jobs):
                    sink.write(json.dumps(result) + "\n")
                    sink.flush()
        else:
            warm(str(work))
            for one in jobs:
                result = job(one)
                print(json.dumps(result), flush=True)
                sink.write(json.dumps(result) + "\n")
                sink.flush()
    print(f"{len(jobs)} fits in {time.perf_counter() - started:.0f} s; load average "
          f"{os.getloadavg()} at the end; results in {out}", flush=True)  # fmt: skip
    summary([str(out)])


if __name__ == "__main__":
    main()
