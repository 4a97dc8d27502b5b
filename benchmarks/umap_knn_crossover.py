"""Where exact neighbours stop being cheaper than NN-descent for UMAP's graph.

    python benchmarks/umap_knn_crossover.py [--sizes 5000,10000,20000,30000,50000] [--repeats 2]

For each size, in the same run and alternating: embviz's exact search (embviz.reduce.knn, one
chunked float32 matrix product and a partial sort per row) and NN-descent with the settings
embviz's UMAP uses (pynndescent; umap-learn's own), timed three ways:

- ``warm``: NN-descent already compiled in this process (a UMAP process that has run one before);
- ``fresh``: the first NN-descent in a fresh Python process whose numba cache is warm (what the
  app's UMAP process pays the first time a set is above the switch: the import and loading of
  the compiled code count, Python's own start does not);
- recall@15 of NN-descent against the exact neighbours, on every row.

Rows: the demo's real MiniLM word vectors, and above 21,721 rows the points between neighbouring
words of benchmarks/umap_large.py. The switch (``EXACT_KNN_MAX`` in embviz/reduce/umap_fit.py)
belongs where exact search costs as much as NN-descent's ``fresh`` time: a fit above it pays
NN-descent's load once per process, and its recall < 1 besides.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

FRESH = r"""
import json, sys, time
import numpy as np
x = np.load(sys.argv[1])
started = time.perf_counter()
from embviz.reduce.umap_fit import approximate_neighbours
indices, _, _ = approximate_neighbours(x, 15, "cosine", 0)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def fresh_nndescent(path: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", FRESH, str(path)], env=env, capture_output=True, text=True,
        timeout=3600, check=True,
    )  # fmt: skip
    seconds: float = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def main() -> None:
    from umap_large import large_rows

    from embviz.reduce.knn import exact_knn, recall
    from embviz.reduce.umap_fit import approximate_neighbours

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,10000,20000,30000,50000")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    approximate_neighbours(large_rows(3000), 15, "cosine", 0)  # compiled (or loaded) here
    work = Path(tempfile.mkdtemp(prefix="knn-crossover-"))
    print(f"{'rows':>8} {'exact':>9} {'NN-d warm':>10} {'NN-d fresh':>11} {'recall@15':>10}  "
          "exact/warm exact/fresh  load")  # fmt: skip
    for n in (int(s) for s in args.sizes.split(",")):
        x = large_rows(n)
        path = work / "x.npy"
        np.save(path, x)
        exact_t, warm_t, fresh_t = [], [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            exact, _ = exact_knn(x, 15, "cosine")
            exact_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            found, _, _ = approximate_neighbours(x, 15, "cosine", 0)
            warm_t.append(time.perf_counter() - started)
            fresh_t.append(fresh_nndescent(path))
        share = recall(found, exact)
        e, w, f = (statistics.median(t) for t in (exact_t, warm_t, fresh_t))
        print(
            f"{n:>8,} {e:>8.2f}s {w:>9.2f}s {f:>10.2f}s {share:>10.4f}  "
            f"{e / w:>9.2f}x {e / f:>10.2f}x  {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
