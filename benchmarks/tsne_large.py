"""t-SNE on large sets: time, peak memory against the matrix, trustworthiness.

    python benchmarks/tsne_large.py [--rows 100000] [--dims 384] [--peer]

The rows are synthetic and clustered (64 Gaussian clusters per 100k rows, so neighbours mean
something), float32, D = 384 (MiniLM's width). embviz's t-SNE task runs as the GUI and CLI run it
(defaults: every row fitted up to 100,000 rows; above, a 10,000-row sample, the other rows placed
with openTSNE's transform), from the PCA preview to the final layout. Printed: wall and CPU seconds; the process's peak RSS during the
run (VmHWM, reset before it; everything, C allocations and the input matrix included) and its
rise over the RSS before the run (the memory the run adds), each as a multiple of the matrix
(tracemalloc is not used: it made the run 3x slower; openTSNE, scipy.fft and scikit-learn are
imported before the run, as in an app that has run t-SNE before); and trustworthiness (k = 10, embviz.reduce.quality: on a random
subset of rows above 100k, as the app shows it). With --peer, openTSNE's TSNE().fit (its defaults:
approximate neighbours, FFT gradient, every row fitted) runs on the same rows afterwards, timed the
same way, and the ratio is printed. The load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def clustered(n: int, dims: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = np.empty((n, dims), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(start + 100_000, n)
        centres = rng.normal(size=(64, dims)).astype(np.float32)
        vectors[start:stop] = centres[rng.integers(0, 64, stop - start)]
        vectors[start:stop] += 0.7 * rng.standard_normal((stop - start, dims), dtype=np.float32)
    return vectors


def peak_rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def measured(run: Callable[[], Any], matrix_bytes: int) -> tuple[Any, dict[str, float]]:
    reset_peak_rss()
    rss_before = peak_rss_bytes()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = peak_rss_bytes()
    return result, {
        "wall": wall,
        "cpu": cpu,
        "peak": peak / matrix_bytes,
        "rise": (peak - rss_before) / matrix_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dims", type=int, default=384)
    parser.add_argument("--peer", action="store_true", help="also openTSNE's TSNE().fit")
    args = parser.parse_args()
    import openTSNE  # noqa: F401  # imported before measuring, as in an app that ran t-SNE before
    import scipy.fft  # noqa: F401
    import sklearn.decomposition  # noqa: F401

    from embviz.core.dataset import EmbeddingSet
    from embviz.core.tasks import run_task
    from embviz.reduce import projection_task
    from embviz.reduce.quality import quality_task

    x = clustered(args.rows, args.dims)
    eset = EmbeddingSet([f"r{i}" for i in range(len(x))], x)
    matrix = x.nbytes
    print(
        f"{args.rows:,} x {args.dims} float32 ({matrix / 2**20:.0f} MiB), {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    partials = []

    def ours() -> np.ndarray:
        task = projection_task(eset, "tsne")
        return run_task(task, lambda p: partials.append(1) if p.partial is not None else None)

    projection, m = measured(ours, matrix)
    coords = np.asarray(projection.coords)
    quality = run_task(quality_task(x, coords, k=10, metric="cosine"))
    print(
        f"embviz t-SNE: {m['wall']:.1f} s (CPU {m['cpu']:.1f} s), peak RSS {m['peak']:.2f}x the "
        f"matrix (process, matrix included), rise during the run {m['rise']:.2f}x, trust "
        f"{quality.trustworthiness:.4f} ({quality.queries:,} queries{', subset' if quality.subset else ''}), "
        f"{len(partials)} partial layouts, fit_sample {projection.info.get('fit_sample')}, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if args.peer:
        from openTSNE import TSNE

        def theirs() -> np.ndarray:
            return np.asarray(TSNE(random_state=0).fit(x))

        peer, pm = measured(theirs, matrix)
        peer_quality = run_task(quality_task(x, peer, k=10, metric="cosine"))
        print(
            f"openTSNE defaults: {pm['wall']:.1f} s (CPU {pm['cpu']:.1f} s), peak RSS "
            f"{pm['peak']:.2f}x, rise {pm['rise']:.2f}x, trust "
            f"{peer_quality.trustworthiness:.4f}, load average {os.getloadavg()[0]:.1f}\n"
            f"embviz / openTSNE: wall {m['wall'] / pm['wall']:.2f}x, CPU {m['cpu'] / pm['cpu']:.2f}x, "
            f"trust {quality.trustworthiness - peer_quality.trustworthiness:+.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
