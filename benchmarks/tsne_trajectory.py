"""t-SNE's whole optimisation, iteration by iteration: CPU per gradient against the layout's extent.

    python benchmarks/tsne_trajectory.py [--rows 30000] [--variants embviz,openTSNE]

The affinities of the synthetic rows of benchmarks/tsne_large.py (embviz's, the same as
openTSNE's from the same neighbours) and the PCA start are built once and kept in ``--cache``.
Then each variant runs the whole optimisation (250 iterations with exaggeration 12, then 500),
one after the other, in the same run, on the same P and start. openTSNE's FFT gradient is
wrapped so that every call records its process CPU seconds (every thread: scipy.fft's workers
too) and the layout's extent (max - min over both coordinates: openTSNE's FFT grid is square,
with max(50, extent) boxes a side, rounded up to an FFT-friendly size). Printed per variant: CPU
in the gradient and outside it (the update, the stream's watch, the task's thread), by blocks of
iterations, with the mean extent; then the totals per phase against openTSNE's. Variants:

- ``embviz``: :class:`embviz.reduce.tsne_stream.OptimisationStream` as the task runs it
  (worker thread, per-iteration watch, scipy.fft with worker threads, embviz's learning rate);
- ``openTSNE``: ``TSNEEmbedding.optimize`` as ``TSNE().fit`` calls it (learning rate "auto":
  rows / 12, then rows; numpy's FFT; no callbacks);
- ``openTSNE lr/12``: the same with embviz's learning rate, rows / 12 in both phases;
- ``embviz lr auto``: embviz's path with openTSNE's learning rate;
- ``embviz 1-fft``: embviz's path with numpy's one-thread FFT.

Measured here, 1 December 2026 (2 shared cores, load 4-8, embviz with callbacks every 10
iterations as then; CPU per gradient of the same work varied by up to 1.4x between turns):

| rows | embviz CPU / extent at the end | openTSNE CPU / extent | ratio |
|---|---|---|---|
| 30,000 | 79.4 s / 100.4 | 100.9 s / 125.0 | 0.79x (openTSNE lr/12: 69.9 s / 99.5) |
| 50,000 | 143.3 s / 98.9 | 144.5 s / 123.5 | 0.99x |

The extents agree through the early phase (same learning rate) and part after it: openTSNE's
learning rate jumps to rows, its layout spreads 20-60% wider through phase 2 (at 50k, a mean extent
of 86 against 65 over iterations 375-499), and a gradient costs more as the grid grows (the
negative gradient alone at 100,000 rows, 64 blobs scaled to each extent, fastest of 9: 50 ms at
extent 50, 110 at 100, 270 at 200, 560-600 at 300, whichever FFT and thread). So embviz's trajectory is
the cheaper one; where embviz's gradients cost more, they did so in the early phase on the same
layouts (50k: 185 against 131 ms), with the process's other load.

At 100,000 rows (benchmarks/tsne_large.py --stages --peer --trace, 1 December 01:17-01:57 UTC,
nice 5; load 6.8-7.4 in embviz's turn, 4.2-2.1 in openTSNE's): the same picture for the extents
(embviz 18.5 / 30.5 / 46.9 / 64.1 / 83.0 / 93.8 by blocks of 125 iterations, openTSNE 19.6 /
31.2 / 56.1 / 80.0 / 93.0 / 104.5), yet embviz's gradients cost 446-555 CPU ms against 317-389,
already in the early phase on the same layouts (554 against 335 ms). So the trajectory does not
explain the whole fit's gap; the cost of the same gradient does, and it differs from turn to turn
(load; P built differently: 14.21M entries against openTSNE's 14.42M).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tsne_large import clustered  # noqa: E402

EARLY, LATE = 250, 500


def build(rows: int, path: Path) -> tuple[Any, np.ndarray]:
    import scipy.sparse as sp

    from embviz.reduce.tsne import initial_layout
    from embviz.reduce.tsne_affinity import lean_affinities

    if not path.exists():
        x = clustered(rows, 384)
        P = lean_affinities(x, 30.0, "cosine", 0, 1).P
        start = initial_layout(x, 2, 0, True)
        np.savez(path, data=P.data, indices=P.indices, indptr=P.indptr, start=start)
    with np.load(path) as saved:
        P = sp.csr_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=(rows, rows))
        return P, saved["start"]


class Recorder:
    """openTSNE's kl_divergence_fft, timed: (CPU in the call, CPU since the last call ended,
    extent) per call."""

    def __init__(self, gradient: Any) -> None:
        self.gradient = gradient
        self.calls: list[tuple[float, float, float]] = []
        self.last: float | None = None  # the end of the last call (the first has no "before")
        self.entries = 0  # P's

    def __call__(self, embedding: np.ndarray, P: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = self.gradient(embedding, P, *args, **kwargs)
        ended = time.process_time()
        spread = float(embedding.max() - embedding.min())
        self.entries = int(P.nnz)
        between = 0.0 if self.last is None else started - self.last
        self.calls.append((ended - started, between, spread))
        self.last = ended
        return result

    def report(self, block: int) -> None:
        """CPU per gradient and between gradients, and the mean extent, by blocks of calls."""
        calls = np.array(self.calls)
        print(
            f"   {len(calls)} gradients, P {self.entries:,} entries: iterations, grad CPU/it, "
            "other CPU/it, mean extent"
        )
        for lo in range(0, len(calls), block):
            part = calls[lo : lo + block]
            print(
                f"   {lo:4d}-{lo + len(part) - 1:4d}   {part[:, 0].mean() * 1e3:8.1f} ms  "
                f"{part[:, 1].mean() * 1e3:8.1f} ms   {part[:, 2].mean():8.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--variants", default="embviz,openTSNE")
    parser.add_argument("--block", type=int, default=50, help="iterations per printed row")
    parser.add_argument("--cache", default="/tmp/embviz_tsne_trajectory_{rows}.npz")
    args = parser.parse_args()
    import openTSNE.tsne as otsne
    from openTSNE import TSNE
    from openTSNE._matrix_mul import matrix_mul
    from openTSNE.affinity import Affinities

    import embviz.reduce.tsne as tsne
    from embviz.reduce.tsne_fft import install_threaded_fft
    from embviz.reduce.tsne_stream import OptimisationStream

    numpy_fft = matrix_mul.np
    install_threaded_fft()
    scipy_fft = matrix_mul.np
    n = args.rows
    P, start = build(n, Path(args.cache.format(rows=n)))
    ours_lr = tsne.learning_rate(n, tsne.TSNEParams())
    print(
        f"{n:,} rows, P {P.nnz:,} entries, {os.cpu_count()} cores, embviz's learning rate "
        f"{ours_lr:.0f}, openTSNE's {n / 12:.0f} then {n}, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    original = otsne.kl_divergence_fft
    totals: dict[str, tuple[float, float, float, float]] = {}
    for variant in [v.strip() for v in args.variants.split(",")]:
        ours = variant.startswith("embviz")
        matrix_mul.np = (
            numpy_fft if variant in ("openTSNE", "openTSNE lr/12", "embviz 1-fft") else scipy_fft
        )
        lr: Any = ours_lr if variant in ("embviz", "embviz 1-fft", "openTSNE lr/12") else "auto"
        affinities = Affinities()
        affinities.P = P.copy()
        e = TSNE(
            random_state=0,
            n_jobs=tsne._n_jobs(n) if ours else 1,
            learning_rate=lr,
            negative_gradient_method="fft",
            initialization=start.copy(),
        ).prepare_initial(affinities=affinities)
        recorder = Recorder(original)
        otsne.kl_divergence_fft = recorder
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            if ours:
                stream = OptimisationStream(e, EARLY, 12.0, EARLY + LATE)
                for _ in stream.run():
                    pass
                layout = np.asarray(stream.embedding)
            else:
                e.optimize(EARLY, exaggeration=12.0, momentum=0.8, inplace=True)
                e.optimize(LATE, momentum=0.8, inplace=True)
                layout = np.asarray(e)
        finally:
            otsne.kl_divergence_fft = original
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{variant}: wall {wall:.1f} s, CPU {cpu:.1f} s, final extent "
            f"{float(layout.max() - layout.min()):.1f}, load {os.getloadavg()[0]:.1f}"
        )
        recorder.report(args.block)
        calls = np.array(recorder.calls)
        first, second = calls[:EARLY], calls[EARLY:]
        totals[variant] = (
            float(first[:, :2].sum()),
            float(second[:, :2].sum()),
            cpu,
            float(layout.max() - layout.min()),
        )
    matrix_mul.np = scipy_fft
    base = totals.get("openTSNE")
    print(
        f"CPU seconds (gradients + between them), phase 1 / phase 2 / whole; load {os.getloadavg()[0]:.1f}"
    )
    for variant, (one, two, whole, spread) in totals.items():
        ratio = (
            ""
            if base is None
            else (
                f"  ({one / base[0]:.2f}x / {two / base[1]:.2f}x / {whole / base[2]:.2f}x openTSNE)"
            )
        )
        print(f"  {variant:<16} {one:7.1f} / {two:7.1f} / {whole:7.1f}{ratio}  extent {spread:.1f}")


if __name__ == "__main__":
    main()
