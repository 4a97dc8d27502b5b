"""t-SNE on large sets: time, peak memory against the matrix, trustworthiness.

    python benchmarks/tsne_large.py [--rows 100000] [--dims 384] [--peer] [--stages] [--trace]

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
same way, and the ratio is printed. The load average is printed with the numbers. With --stages,
each stage's peak (VmHWM reset as it starts, over the RSS when the run started, so the matrix is
not counted) and its wall and CPU seconds, for embviz and for the peer. embviz's compiled
symmetrisation (numba) is loaded before the run, as in an app that has run t-SNE before; the
memory that takes (numba and llvmlite, about 100 MiB whatever the size) is printed apart. With
--trace, openTSNE's gradient is timed call by call in both runs (benchmarks/tsne_trajectory.py's
Recorder): CPU per gradient and between gradients, and the layout's extent, which sets the FFT
grid, by blocks of 125 iterations.
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


def current_rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Stages:
    """Peak memory and time of each wrapped function (a stage), VmHWM reset as each starts. A
    stage inside another hands its peak up to it. Peaks are printed over the RSS when the run
    started (``base``), as multiples of the matrix."""

    def __init__(self, matrix_bytes: int) -> None:
        self.matrix = matrix_bytes
        self.base = current_rss_bytes()
        self.stack: list[list[Any]] = []
        self.rows: list[tuple[int, str, float, float, float]] = []
        self.undo: list[Callable[[], None]] = []
        self.peaks: list[int] = []  # each stage's VmHWM (bytes)

    def _enter(self, name: str) -> None:
        if self.stack:
            self.stack[-1][1] = max(self.stack[-1][1], peak_rss_bytes())
        self.stack.append([name, 0, time.perf_counter(), time.process_time()])
        reset_peak_rss()

    def _leave(self) -> None:
        name, peak, started, cpu_started = self.stack.pop()
        peak = max(peak, peak_rss_bytes())
        self.peaks.append(peak)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        self.rows.append((len(self.stack), name, (peak - self.base) / self.matrix, seconds, cpu))
        if self.stack:
            self.stack[-1][1] = max(self.stack[-1][1], peak)

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        original = getattr(owner, attr)

        def staged(*args: Any, **kwargs: Any) -> Any:
            self._enter(name)
            try:
                return original(*args, **kwargs)
            finally:
                self._leave()

        setattr(owner, attr, staged)
        self.undo.append(lambda: setattr(owner, attr, original))

    def report(self, title: str) -> None:
        for undo in reversed(self.undo):
            undo()
        print(f"  {title}, by stage (peak over the RSS at the start of the run; wall, CPU):")
        for depth, name, peak, seconds, cpu in self.rows:
            print(f"    {'  ' * depth}{name:<34} {peak:5.2f}x {seconds:8.1f} s {cpu:8.1f} s")


def our_stages(matrix_bytes: int) -> Stages:
    import embviz.reduce.tsne as tsne
    import embviz.reduce.tsne_affinity as affinity
    from embviz.reduce.tsne_stream import OptimisationStream

    stages = Stages(matrix_bytes)
    for owner, attr, name in (
        (tsne, "blocked_pca", "PCA (preview and start)"),
        (tsne, "preview_coords", "PCA preview"),
        (tsne, "initial_layout", "start layout"),
        (affinity, "annoy_neighbors", "neighbours (Annoy)"),
        (affinity, "conditional_probabilities", "p(j|i) (perplexity)"),
        (affinity, "joint_probabilities", "P (symmetrised)"),
        (tsne, "nearest_fitted", "nearest fitted row (sampled)"),
        (OptimisationStream, "_optimise", "optimiser"),
    ):
        stages.wrap(owner, attr, name)
    return stages


def peer_stages(matrix_bytes: int) -> Stages:
    from openTSNE import affinity, initialization, nearest_neighbors
    from openTSNE.tsne import TSNEEmbedding

    stages = Stages(matrix_bytes)
    for owner, attr, name in (
        (affinity, "get_knn_index", "index set-up"),
        (nearest_neighbors.Annoy, "build", "neighbours (Annoy)"),
        (affinity, "joint_probabilities_nn", "P (symmetrised)"),
        (initialization, "pca", "PCA start"),
        (TSNEEmbedding, "optimize", "optimiser (each phase)"),
    ):
        stages.wrap(owner, attr, name)
    return stages


def traced() -> Callable[[str], None]:
    """openTSNE's gradients timed from now on; the returned function prints them and stops."""
    import openTSNE.tsne as otsne
    from tsne_trajectory import Recorder

    originals = otsne.kl_divergence_fft, otsne.kl_divergence_bh
    recorders = Recorder(originals[0]), Recorder(originals[1])
    otsne.kl_divergence_fft, otsne.kl_divergence_bh = recorders

    def report(title: str) -> None:
        otsne.kl_divergence_fft, otsne.kl_divergence_bh = originals
        for recorder in recorders:
            if recorder.calls:
                print(f"  {title}, openTSNE's gradient call by call:")
                recorder.report(125)

    return report


def measured(
    run: Callable[[], Any], matrix_bytes: int, stages: Stages | None = None
) -> tuple[Any, dict[str, float]]:
    """The run's time and peak; with ``stages``, which reset VmHWM as each stage starts, the peak
    is the largest of theirs and of the VmHWM left at the end."""
    reset_peak_rss()
    rss_before = peak_rss_bytes()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = max([peak_rss_bytes()] + ([] if stages is None else stages.peaks))
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
    parser.add_argument("--stages", action="store_true", help="memory and time by stage")
    parser.add_argument("--trace", action="store_true", help="gradient CPU and extent by block")
    args = parser.parse_args()
    import openTSNE  # noqa: F401  # imported before measuring, as in an app that ran t-SNE before
    import scipy.fft  # noqa: F401
    import sklearn.decomposition  # noqa: F401

    from embviz.core.dataset import EmbeddingSet
    from embviz.core.tasks import run_task
    from embviz.reduce import projection_task
    from embviz.reduce.quality import quality_task
    from embviz.reduce.tsne_affinity import joint_probabilities

    # The symmetrisation kernel (numba) compiled or loaded from its disk cache before the run,
    # as in an app that has run t-SNE before; its memory (numba, llvmlite) is printed apart.
    before = current_rss_bytes()
    joint_probabilities(np.array([[1], [0]]), np.ones((2, 1)))
    kernel = current_rss_bytes() - before
    x = clustered(args.rows, args.dims)
    eset = EmbeddingSet([f"r{i}" for i in range(len(x))], x)
    matrix = x.nbytes
    print(
        f"{args.rows:,} x {args.dims} float32 ({matrix / 2**20:.0f} MiB), {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; numba kernel loaded before: "
        f"{kernel / 2**20:.0f} MiB",
        flush=True,
    )
    partials = []

    def ours() -> Any:
        task = projection_task(eset, "tsne")
        return run_task(task, lambda p: partials.append(1) if p.partial is not None else None)

    stages = our_stages(matrix) if args.stages else None
    tracing = traced() if args.trace else None
    projection, m = measured(ours, matrix, stages)
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
    if stages is not None:
        stages.report("embviz")
    if tracing is not None:
        tracing(f"embviz, trust {quality.trustworthiness:.4f}")
    if args.peer:
        from openTSNE import TSNE

        def theirs() -> np.ndarray:
            return np.asarray(TSNE(random_state=0).fit(x))

        stages = peer_stages(matrix) if args.stages else None
        tracing = traced() if args.trace else None
        peer, pm = measured(theirs, matrix, stages)
        if stages is not None:
            stages.report("openTSNE")
        if tracing is not None:
            tracing("openTSNE")
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
