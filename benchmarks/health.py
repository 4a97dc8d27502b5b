"""The health report at scale: every stage's time, and the approximate graph's measured recall.

For N x D float32 clustered vectors (default 1,000,000 x 64; synthetic, since no real set that
large ships with embviz or its dependencies): the report with an approximate neighbour graph
(pynndescent), its recall@k measured against exact search on sampled rows, and, as the peer in the
same run, scikit-learn's exact brute-force kNN and scikit-dimension's TwoNN on a random sample,
with the ratio of their time to ours on that sample.

    python benchmarks/health.py [--rows 1000000] [--dims 64] [--sample 20000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.health.report import HealthOptions, health_task
from embviz.core.tasks import run_task


def _make(n: int, dims: int, seed: int = 0) -> EmbeddingSet:
    rng = np.random.default_rng(seed)
    vectors = np.empty((n, dims), dtype=np.float32)
    centres = rng.normal(size=(256, dims)).astype(np.float32)
    for start in range(0, n, 100_000):  # clustered, so neighbours mean something
        stop = min(start + 100_000, n)
        vectors[start:stop] = centres[rng.integers(0, 256, stop - start)]
        vectors[start:stop] += 0.6 * rng.standard_normal((stop - start, dims), dtype=np.float32)
    return EmbeddingSet([f"w{i}" for i in range(n)], vectors, name=f"synthetic-{n}")


def _timed(task):
    marks = []
    start = time.perf_counter()
    result = run_task(task, lambda p: marks.append((time.perf_counter() - start, p.message)))
    return result, time.perf_counter() - start, marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    eset = _make(args.rows, args.dims)
    report, seconds, marks = _timed(health_task(eset, HealthOptions(k=args.k, knn="auto")))
    last = None
    for t, message in marks:
        if message != last:
            print(f"  {t:8.1f} s  {message}")
            last = message
    print(
        f"{args.rows:,} x {args.dims}: health report in {seconds:.1f} s; {report.graph.describe()}"
    )
    print(f"  skewness {report.hubness.skewness:.3f}, TwoNN {report.twonn.dimension:.2f}, "
          f"mean cosine {report.anisotropy['mean_pairwise_cosine']:.4f}")  # fmt: skip

    # the peers, on a random sample (exact neighbours both sides)
    rng = np.random.default_rng(1)
    rows = np.sort(rng.choice(args.rows, size=args.sample, replace=False))
    sample = EmbeddingSet([eset.labels[r] for r in rows], eset.vectors[rows], name="sample")
    ours, our_s, _ = _timed(health_task(sample, HealthOptions(k=args.k, knn="exact")))
    from sklearn.neighbors import NearestNeighbors

    start = time.perf_counter()
    _, nn = NearestNeighbors(n_neighbors=args.k, metric="cosine").fit(sample.vectors).kneighbors()
    sk_s = time.perf_counter() - start
    same = float(np.mean(ours.graph.rows == nn))
    print(f"sample {args.sample:,}: our whole report {our_s:.1f} s; scikit-learn's exact kNN alone "
          f"{sk_s:.1f} s (ratio {sk_s / our_s:.2f}); same neighbours {same:.4f}")  # fmt: skip
    try:
        import skdim
    except ImportError:
        return
    start = time.perf_counter()
    unit = sample.unit_vectors().astype(np.float64)
    twonn = skdim.id.TwoNN().fit(unit).dimension_
    print(
        f"  scikit-dimension TwoNN {twonn:.4f} in {time.perf_counter() - start:.1f} s; "
        f"ours {ours.twonn.dimension:.4f}"
    )


if __name__ == "__main__":
    main()
