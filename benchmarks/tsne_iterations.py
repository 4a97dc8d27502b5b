"""t-SNE's optimiser alone: embviz's streamed path against openTSNE's ``optimize``, same P.

    python benchmarks/tsne_iterations.py [--rows 100000] [--iters 50] [--repeat 2]

The affinities (embviz's, the same as openTSNE's from the same neighbours) of the synthetic rows
of benchmarks/tsne_large.py, the starting layout, and the layout after openTSNE's 250
early-exaggeration iterations are built once and kept in ``--cache`` (the neighbours take
minutes at 100k). Then, in the same run and interleaved (A B A B, so that the shared machine's
load falls on both alike), ``--iters`` iterations of each phase: phase 1 (exaggeration 12) from the
start, phase 2 from the layout after the early phase, fresh gains in each. Variants:

- ``embviz``: :class:`embviz.reduce.tsne_stream.OptimisationStream` as the task runs it (a worker
  thread, the per-iteration watch, scipy.fft with worker threads, embviz's learning rate);
- ``openTSNE``: ``TSNEEmbedding.optimize`` as ``TSNE().fit`` calls it (learning rate "auto":
  rows / 12, then rows; numpy's FFT; no callbacks);
- ``openTSNE lr/12``: the same with embviz's learning rate (the learning rate's share);
- ``embviz 1-fft``: embviz's path with numpy's one-thread FFT (the FFT threads' share).

(``embviz +KL``, embviz's path evaluating the KL divergence at each callback as before
tsne_stream.GradientWithoutError, went when the stream stopped using openTSNE's callbacks.)

Printed per variant and phase: wall and CPU seconds (the process's, every thread), CPU per
iteration, the layout's extent at the end (the FFT grid has max(50, extent) boxes a side) and the
load average. Then the cost of one FFT gradient by extent, to weigh the layouts' spread.

Measured here, 30 November 2026 (100k rows, 14.2M affinities; 2 shared cores): per-iteration CPU
of the same work varied 0.21-0.48 s even at load 1-2 (wall = CPU) and more at load 5-8, so only
sums over interleaved repeats say anything. At load 1.1-2.0, two repeats of 30 iterations: embviz
0.77x / 0.79x openTSNE's CPU (phase 1 / 2), embviz with the KL divergence (before
GradientWithoutError) 1.07x / 1.23x. The gradient with the divergence cost 1.6-5x one without
(medians of 6 alternated at load 5-7: 2.16 s against 0.98-1.19 s). The learning rate does not
cost: at the same extent (both under 50, so the same 50-box grid) an iteration costs the same, and
embviz's layout spreads less (27.7 against 48.4 after 30 iterations of phase 2).
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

EARLY = 250  # openTSNE's early-exaggeration iterations


def build(rows: int, path: Path) -> dict[str, Any]:
    import scipy.sparse as sp
    from openTSNE import TSNE

    from embviz.reduce.tsne import initial_layout
    from embviz.reduce.tsne_affinity import lean_affinities

    if path.exists():
        with np.load(path) as saved:
            data = dict(saved)
        if "early" in data:
            return data
        P = sp.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=(rows, rows))
        start = data["start"]
    else:
        x = clustered(rows, 384)
        P = lean_affinities(x, 30.0, "cosine", 0, 1).P
        start = initial_layout(x, 2, 0, True)
        del x
    embedding = TSNE(random_state=0, n_jobs=1, initialization=start).prepare_initial(
        affinities=_affinities(P)
    )
    embedding.optimize(EARLY, exaggeration=12, momentum=0.8, inplace=True)
    data = {
        "data": P.data,
        "indices": P.indices,
        "indptr": P.indptr,
        "start": start,
        "early": np.asarray(embedding),
    }
    np.savez(path, **data)
    return data


def _affinities(P: Any) -> Any:
    from openTSNE.affinity import Affinities

    affinities = Affinities()
    affinities.P = P
    return affinities


def extent(layout: np.ndarray) -> float:
    return float(np.ptp(layout, axis=0).max())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--iters", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cache", default="/tmp/embviz_tsne_iterations_{rows}.npz")
    parser.add_argument("--variants", default="embviz,openTSNE,openTSNE lr/12,embviz 1-fft")
    args = parser.parse_args()
    import scipy.sparse as sp
    from openTSNE import TSNE
    from openTSNE._matrix_mul import matrix_mul

    import embviz.reduce.tsne as tsne
    from embviz.reduce.tsne_fft import install_threaded_fft
    from embviz.reduce.tsne_stream import OptimisationStream

    numpy_fft = matrix_mul.np
    install_threaded_fft()
    scipy_fft = matrix_mul.np
    data = build(args.rows, Path(args.cache.format(rows=args.rows)))
    n = args.rows
    P = sp.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=(n, n))
    print(
        f"{n:,} rows, P {P.nnz:,} entries, {args.iters} iterations a phase, {os.cpu_count()} "
        f"cores, embviz's learning rate {tsne.learning_rate(n, tsne.TSNEParams()):.0f}, "
        f"openTSNE's {n / 12:.0f} then {n}, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    def embedding(start: np.ndarray, ours: bool) -> Any:
        lr = tsne.learning_rate(n, tsne.TSNEParams()) if ours else "auto"
        return TSNE(
            random_state=0,
            n_jobs=tsne._n_jobs(n) if ours else 1,
            learning_rate=lr,
            negative_gradient_method="fft",
            initialization=start,
        ).prepare_initial(affinities=_affinities(P))

    def run(variant: str, phase: int) -> np.ndarray:
        matrix_mul.np = (
            numpy_fft if variant in ("openTSNE", "openTSNE lr/12", "embviz 1-fft") else scipy_fft
        )
        start = data["start"] if phase == 1 else data["early"]
        ours = variant.startswith("embviz")
        e = embedding(start, ours)
        if ours:
            early = args.iters if phase == 1 else 0
            stream = OptimisationStream(e, early, 12.0, args.iters)
            for _ in stream.run():
                pass
            return np.asarray(stream.embedding)
        lr: Any = n / 12 if variant == "openTSNE lr/12" else "auto"
        exaggeration = 12.0 if phase == 1 else None
        e.optimize(
            args.iters, exaggeration=exaggeration, momentum=0.8, inplace=True, learning_rate=lr
        )
        return np.asarray(e)

    variants = [v.strip() for v in args.variants.split(",")]
    totals: dict[tuple[str, int], list[float]] = {}
    for rep in range(args.repeat):
        for phase in (1, 2):
            for variant in variants:
                wall, cpu = time.perf_counter(), time.process_time()
                layout = run(variant, phase)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                totals.setdefault((variant, phase), []).append(cpu)
                print(
                    f"  rep {rep} phase {phase} {variant:<15} wall {wall:7.1f} s  CPU {cpu:7.1f} s "
                    f"({cpu / args.iters:.3f} s/it)  extent {extent(layout):7.1f}  load "
                    f"{os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    matrix_mul.np = scipy_fft
    print("CPU seconds, summed over repeats, against openTSNE's:")
    for phase in (1, 2):
        base = sum(totals[("openTSNE", phase)]) if ("openTSNE", phase) in totals else None
        for variant in variants:
            cpu = sum(totals[(variant, phase)])
            ratio = f"{cpu / base:.2f}x" if base else "-"
            print(f"  phase {phase} {variant:<15} {cpu:7.1f} s  {ratio}", flush=True)

    from openTSNE.tsne import kl_divergence_fft

    print(
        "One FFT gradient by extent, CPU s: numpy FFT / scipy.fft with workers / numpy FFT and "
        "the KL divergence (what a callback's iteration costs):"
    )
    early = data["early"]
    params = {"n_interpolation_points": 3, "min_num_intervals": 50, "ints_in_interval": 1}
    for target in (25, 50, 100, 200):
        layout = np.ascontiguousarray(early * (target / extent(early)))
        row = []
        for fft, error in ((numpy_fft, False), (scipy_fft, False), (numpy_fft, True)):
            matrix_mul.np = fft
            cpu = time.process_time()
            for _ in range(3):
                kl_divergence_fft(layout, P, 1, params, should_eval_error=error)
            row.append((time.process_time() - cpu) / 3)
        print(f"  extent {target:4d}: " + " / ".join(f"{c:.3f}" for c in row), flush=True)
    matrix_mul.np = scipy_fft


if __name__ == "__main__":
    main()
