"""Two parts of every UMAP (and t-SNE's neighbours) against their peers, in the same run:

- exact neighbours (embviz.reduce.knn.exact_knn) against scikit-learn's brute-force search
  (``NearestNeighbors(algorithm="brute", n_jobs=-1)``), the same rows, metric and k;
- the spectral start (embviz.reduce.umap_graph.spectral_start) against umap-learn's
  ``spectral_layout`` on the same fuzzy graph, with the correlation of their eigenvectors.

    python benchmarks/knn_and_start.py [--sizes 10000,21721] [--k 15] [--repeats 3]

Rows: the demo's MiniLM word vectors (the first N). Best of the repeats, wall and CPU seconds, the
load average printed; ratios above 1 mean embviz is faster.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np


def timed(fn, repeats):  # (best wall, its CPU, the last result)
    best, result = (float("inf"), 0.0), None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best[0], best[1], result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,21721")
    parser.add_argument("--k", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from sklearn.neighbors import NearestNeighbors
    from umap.spectral import spectral_layout

    from embviz.core.paths import demo_path
    from embviz.reduce import umap_graph
    from embviz.reduce.knn import exact_knn

    with np.load(demo_path(), allow_pickle=False) as data:
        name = next(key for key in data.files if data[key].ndim == 2)
        words = np.asarray(data[name], dtype=np.float32)
    exact_knn(words[:500], args.k, "cosine")  # numba's kernel compiled or loaded first
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    for n in (int(size) for size in args.sizes.split(",")):
        x = words[:n]
        ours = timed(lambda x=x: exact_knn(x, args.k, "cosine"), args.repeats)
        search = NearestNeighbors(n_neighbors=args.k, metric="cosine", algorithm="brute", n_jobs=-1)
        theirs = timed(lambda x=x, s=search: s.fit(x).kneighbors(), args.repeats)
        same = np.mean(ours[2][0][:, 1:] == theirs[2][1][:, : args.k - 1])
        print(
            f"{n:>7,} exact neighbours  embviz {ours[0]:6.2f} s (CPU {ours[1]:6.2f})  "
            f"scikit-learn brute {theirs[0]:6.2f} s (CPU {theirs[1]:6.2f})  "
            f"ratio {theirs[0] / ours[0]:.2f}x  same neighbours {same:.4f}  "
            f"load {os.getloadavg()[0]:.1f}"
        )
        graph = umap_graph.fuzzy_graph(*ours[2]).tocsr()
        start = timed(lambda g=graph: umap_graph.spectral_start(g, 2, 0), args.repeats)
        reference = timed(
            lambda x=x, g=graph: spectral_layout(x, g, 2, np.random.RandomState(0)), args.repeats
        )
        if start[2] is None:
            print(f"{n:>7,} spectral start: the graph has several components; not compared")
            continue
        corr = min(abs(np.corrcoef(start[2][:, a], reference[2][:, a])[0, 1]) for a in range(2))
        print(
            f"{n:>7,} spectral start   embviz {start[0]:6.2f} s (CPU {start[1]:6.2f})  "
            f"umap-learn {reference[0]:6.2f} s (CPU {reference[1]:6.2f})  "
            f"ratio {reference[0] / start[0]:.2f}x  eigenvector correlation {corr:.6f}  "
            f"load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
