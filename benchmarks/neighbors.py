"""Exact neighbour search against the memory-bandwidth floor, and the approximate index's recall.

For N x 300 float32 (N = 100k and 1M): the median latency of one query (label query, cosine,
k=10) next to the floor, the median time of ONE numpy pass over the same unit-vector matrix
(``unit @ q``, the least work any exact search must do), measured in the same run. Then a pynndescent
index on 100k rows: build time, recall@10 against exact search, and query latency.

    python benchmarks/neighbors.py [--sizes 100000 1000000] [--ann-rows 100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.neighbors import index_for
from embviz.core.tasks import run_task


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def _make(n: int, dims: int, seed: int = 0) -> EmbeddingSet:
    rng = np.random.default_rng(seed)
    vectors = np.empty((n, dims), dtype=np.float32)
    for start in range(0, n, 100_000):  # clustered, so neighbours mean something
        stop = min(start + 100_000, n)
        centres = rng.normal(size=(64, dims)).astype(np.float32)
        vectors[start:stop] = centres[rng.integers(0, 64, stop - start)]
        vectors[start:stop] += 0.5 * rng.standard_normal((stop - start, dims), dtype=np.float32)
    return EmbeddingSet([f"w{i}" for i in range(n)], vectors)


def exact(n: int, dims: int, repeat: int) -> None:
    eset = _make(n, dims)
    index = index_for(eset)
    unit = eset.unit_vectors()  # normalised once, cached: not part of a query
    q = unit[n // 3].copy()
    labels = [eset.labels[(i * 7919) % n] for i in range(repeat)]
    index.search(labels[0], k=10)  # warm-up
    floor = _median_ms(lambda: unit @ q, repeat)
    it = iter(labels * 2)
    ours = _median_ms(lambda: index.search(next(it), k=10), repeat)
    print(
        f"exact  {n:>9,} x {dims}: query {ours:7.1f} ms   floor (one numpy pass) {floor:7.1f} ms"
        f"   ratio {ours / floor:4.2f}"
    )


def approximate(n: int, dims: int, queries: int) -> None:
    from embviz.core.ann import build_task

    eset = _make(n, dims, seed=1)
    start = time.perf_counter()
    approx = run_task(build_task(eset, recall_queries=queries))
    build = time.perf_counter() - start
    index = index_for(eset)
    labels = [eset.labels[(i * 7919) % n] for i in range(50)]
    it = iter(labels)
    ann_ms = _median_ms(lambda: index.search(next(it), k=10), 50)
    index.approximate = None
    it = iter(labels)
    exact_ms = _median_ms(lambda: index.search(next(it), k=10), 50)
    print(
        f"ANN    {n:>9,} x {dims}: recall@10 {approx.recall:.3f} ({approx.queries_measured} "
        f"queries)   query {ann_ms:.2f} ms vs exact {exact_ms:.1f} ms   build {build:.0f} s "
        "(includes numba compilation)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--ann-rows", type=int, default=100_000, help="0 skips the ANN part")
    args = parser.parse_args()
    for n in args.sizes:
        exact(n, args.dims, args.repeat)
    if args.ann_rows:
        approximate(args.ann_rows, args.dims, queries=200)


if __name__ == "__main__":
    main()
