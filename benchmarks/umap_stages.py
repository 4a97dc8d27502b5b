"""Where embviz's UMAP spends its time, stage by stage (wall and CPU seconds; CPU counts every
thread of the process), warm and with an empty numba cache.

    python benchmarks/umap_stages.py [--n 10000] [--parts warm,cold] [--set demo|random]

- warm: in this process, after a 500-row fit (numba's kernels compiled or loaded): the stages of
  ``umap_fit.fit`` (unit rows, exact neighbours, fuzzy graph, start, a/b, SGD epochs), then the
  whole task as the app runs it (``run_task``: PCA preview, .npy files, the worker process),
  whose excess over the stages is the task's overhead.
- cold: a new process with an empty numba cache (NUMBA_CACHE_DIR in a new folder): the imports,
  each kernel's first call on a tiny input (its compilation), then the same stages.

Rows: a random sample of the demo's MiniLM word vectors (as benchmarks/umap_speed.py), or
``--set random``: Gaussian blobs (a second, unlike set). The load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def __call__(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args, **kwargs)
        self.rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
        return result

    def show(self, title: str) -> None:
        print(f"\n{title} (load average {os.getloadavg()[0]:.2f})")
        for name, wall, cpu in self.rows:
            print(f"  {name:34s} wall {wall:7.2f} s  CPU {cpu:7.2f} s")
        total_wall = sum(r[1] for r in self.rows)
        total_cpu = sum(r[2] for r in self.rows)
        print(f"  {'total':34s} wall {total_wall:7.2f} s  CPU {total_cpu:7.2f} s")


def rows_of(name: str, n: int) -> np.ndarray:
    if name == "demo":
        from tsne_speed import rows_of_demo

        return rows_of_demo(n)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(20, 64)) * 3.0
    x = centres[rng.integers(20, size=n)] + rng.normal(size=(n, 64))
    return x.astype(np.float32)


def stages(x: np.ndarray, clock: Clock, seed: int = 0) -> np.ndarray:
    """umap_fit.fit's stages one by one (cosine, 15 neighbours, min_dist 0.1, seeded)."""
    from embviz.reduce import umap_fit, umap_graph
    from embviz.reduce.umap_sgd import Optimiser
    from embviz.reduce.umap_sgd_staged import STAGED_MAX_ROWS

    n = len(x)
    n_epochs = umap_graph.default_epochs(n)
    x = clock("unit rows", umap_fit.unit_matrix, x)
    indices, distances, _ = clock(
        "exact neighbours", umap_fit.neighbours, x, 15, "cosine", seed, lambda _: None
    )
    graph = clock(
        "fuzzy graph + prune",
        lambda: umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), n_epochs),
    )
    start = clock("start (spectral)", umap_fit.start_layout, x, graph, 2, seed, "cosine")
    a, b = clock("a, b (curve_fit)", umap_graph.find_ab_params, 1.0, 0.1)
    staged = n <= STAGED_MAX_ROWS
    opt = clock("optimiser set-up", Optimiser, graph, start, n_epochs, a, b, seed, False, staged)

    def epochs() -> None:
        while opt.epoch < n_epochs:
            opt.run(opt.epoch + umap_fit.CHUNK_EPOCHS)

    clock(f"SGD ({n_epochs} epochs, staged={staged})", epochs)
    return opt.layout


def task(x: np.ndarray) -> np.ndarray:
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.tasks import run_task
    from embviz.reduce import projection_task

    eset = EmbeddingSet([f"w{i}" for i in range(len(x))], x)
    return run_task(projection_task(eset, "umap")).coords


def warm(args: argparse.Namespace) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    from embviz.reduce.quality import trustworthiness

    x = rows_of(args.set, args.n)
    stages(x[:500], Clock())  # compiled (or loaded from the disk cache) first
    clock = Clock()
    coords = stages(x, clock)
    clock.show(f"warm stages, {args.n:,} rows ({args.set}), trust {trustworthiness(x, coords):.4f}")
    task(x[:500])  # the worker process warm, as in a running app
    whole = Clock()
    coords = whole("whole task (run_task)", task, x)
    whole.show(f"warm task, trust {trustworthiness(x, coords):.4f}")
    print(
        f"  task overhead over the stages: {whole.rows[0][1] - sum(r[1] for r in clock.rows):.2f} s"
    )


def cold_child(args: argparse.Namespace) -> None:
    """Runs in a process of its own with an empty cache (see cold())."""
    clock = Clock()
    clock("import numpy, scipy.sparse", lambda: __import__("scipy.sparse.linalg"))
    clock("import numba", lambda: __import__("numba"))
    from embviz.reduce import knn, umap_sgd, umap_sgd_staged

    tiny = np.random.default_rng(0).normal(size=(300, 16)).astype(np.float32)
    clock("compile: knn merge", knn.exact_knn, tiny, 5, "cosine")
    # the SGD kernels on a tiny graph, through the same calls fit makes
    from embviz.reduce import umap_graph

    i, d = knn.exact_knn(tiny, 5, "cosine")
    graph = umap_graph.prune(umap_graph.fuzzy_graph(i, d), 10)
    start = np.random.default_rng(0).uniform(0, 10, size=(300, 2)).astype(np.float32)
    for staged in (True, False):
        opt = umap_sgd.Optimiser(graph, start, 10, 1.6, 0.9, 0, False, staged)
        clock(f"compile: SGD kernel staged={staged}", opt.run, 10)
    del umap_sgd_staged
    x = rows_of(args.set, args.n)
    stages(x, clock)
    clock.show(f"cold process, empty numba cache, {args.n:,} rows")


def cold(args: argparse.Namespace) -> None:
    cache = tempfile.mkdtemp(prefix="umap-stages-cache-")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NUMBA_CACHE_DIR=cache, XDG_CACHE_HOME=cache)
    command = [sys.executable, __file__, "--child", json.dumps(vars(args))]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, timeout=1800)
    print(f"  the cold process took {time.perf_counter() - started:.2f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--parts", default="warm,cold")
    parser.add_argument("--set", default="demo", choices=("demo", "random"))
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        cold_child(argparse.Namespace(**json.loads(args.child)))
        return
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()} at the start")
    if "warm" in args.parts:
        warm(args)
    if "cold" in args.parts:
        cold(args)


if __name__ == "__main__":
    main()
