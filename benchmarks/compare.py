"""Comparing two spaces: the neighbour overlap against scikit-learn, and CSLS's memory.

For N shared words x 300 dims (two clustered spaces, the second a noisy rotation of the first):

- neighbour overlap@10: embviz's blockwise exact search (``compare``) next to scikit-learn's
  ``NearestNeighbors(metric="cosine", algorithm="brute")`` on both spaces plus a set
  intersection per word, in the same run; the two overlaps must agree exactly;
- CSLS's ``r`` of every target word (|B| x |A| similarities): time and the peak of memory that
  numpy allocated (tracemalloc), next to the size of the full similarity matrix it never holds.

    python benchmarks/compare.py [--n 20000] [--dims 300]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from embviz.core.compare import align, compare, pair_sets, prepare_csls_task
from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task


def _spaces(n: int, dims: int) -> tuple[EmbeddingSet, EmbeddingSet]:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(64, dims)).astype(np.float32)
    x = centres[rng.integers(0, 64, n)] + 0.5 * rng.standard_normal((n, dims), dtype=np.float32)
    q, r = np.linalg.qr(rng.normal(size=(dims, dims)))
    y = (x @ (q * np.sign(np.diag(r)))).astype(np.float32)
    y += 0.1 * rng.standard_normal(y.shape, dtype=np.float32)
    labels = [f"w{i}" for i in range(n)]
    return EmbeddingSet(labels, x), EmbeddingSet(labels, y)


def _sklearn_overlap(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    def knn(m: np.ndarray) -> np.ndarray:
        found = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(m)
        rows = found.kneighbors(m, return_distance=False)
        return np.array([[j for j in row if j != i][:k] for i, row in enumerate(rows)])

    nx, ny = knn(x), knn(y)
    return np.array([len(set(a) & set(b)) / k for a, b in zip(nx, ny, strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dims", type=int, default=300)
    args = parser.parse_args()
    a, b = _spaces(args.n, args.dims)
    pairing = pair_sets(a, b)
    alignment = align(pairing, "procrustes")

    start = time.perf_counter()
    result = compare(a, b, pairing, alignment, k=10)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    peer = _sklearn_overlap(a.vectors, b.vectors, 10)
    theirs = time.perf_counter() - start
    same = np.mean(np.isclose(result.neighbor_overlap, peer))
    print(
        f"overlap@10, {args.n:,} words x {args.dims}: embviz {ours:.2f} s (all measures), "
        f"scikit-learn {theirs:.2f} s (overlap only): ratio {theirs / ours:.2f}x; "
        f"same overlap for {same:.2%} of words (ties may order differently)"
    )

    tracemalloc.start()
    start = time.perf_counter()
    run_task(prepare_csls_task(alignment, 10))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    full = args.n * args.n * 4
    print(
        f"CSLS r of {args.n:,} targets over {args.n:,} mapped sources: {seconds:.2f} s, "
        f"peak {peak / 2**20:.0f} MiB allocated vs {full / 2**20:,.0f} MiB for the full matrix"
    )


if __name__ == "__main__":
    main()
