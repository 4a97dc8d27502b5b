"""t-SNE's Cancel during the optimiser, the partial layouts' spacing, and what streaming costs.

    python benchmarks/tsne_cancel.py [--rows 10000] [--repeats 3]

The affinities and PCA start of the synthetic rows of benchmarks/tsne_large.py (cached by
benchmarks/tsne_trajectory.py's ``build``). Repeated:

- Cancel: :class:`embviz.reduce.tsne_stream.OptimisationStream` is run as the task runs it and
  closed (what the app does on Cancel) ``--after`` seconds into the optimiser, a little later each
  repeat; printed: how long ``close()`` took (the optimiser thread stopped and joined; the app's
  worker adds at most POLL_SECONDS of waiting for the task's next yield), the longest gap between
  partial layouts, and the iterations per second;
- cost: ``--iters`` iterations of phase 1, CPU seconds of the process (every thread): the stream
  against openTSNE's plain ``optimize`` (same learning rate and FFT, no thread, no callbacks),
  alternated so that the shared machine's load falls on both alike.

With ``--synthetic`` P is built in seconds from random neighbours within each of 64 clusters
(90 a row, as openTSNE's k at perplexity 30, symmetrised by embviz.reduce.tsne_affinity) and
the start is random: an iteration costs about what one on real rows of that size costs, which is
what Cancel waits for, without minutes of Annoy at 100k rows. ``--iters 0`` skips the cost.

Run it with PYTHONPATH pointing at another checkout to measure that one's stream. The load
average is printed with the numbers.
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
from tsne_trajectory import build  # noqa: E402


def synthetic(n: int, k: int = 90, clusters: int = 64) -> tuple[Any, np.ndarray]:
    """P from k random neighbours of each row within its cluster, and a random start."""
    from embviz.reduce.tsne_affinity import joint_probabilities

    rng = np.random.default_rng(0)
    cluster = rng.integers(0, clusters, n)
    order = np.argsort(cluster, kind="stable")
    bounds = np.searchsorted(cluster[order], np.arange(clusters + 1))
    lo, hi = bounds[cluster], bounds[cluster + 1]
    indices = order[(lo[:, None] + rng.random((n, k)) * (hi - lo)[:, None]).astype(np.int64)]
    conditional = rng.random((n, k))
    conditional /= conditional.sum(axis=1, keepdims=True)
    return joint_probabilities(indices, conditional), 1e-4 * rng.standard_normal((n, 2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--after", type=float, default=3.0, help="seconds before Cancel")
    parser.add_argument("--iters", type=int, default=100, help="iterations timed for the cost")
    parser.add_argument("--cache", default="/tmp/embviz_tsne_trajectory_{rows}.npz")
    parser.add_argument("--synthetic", action="store_true", help="random within-cluster P")
    args = parser.parse_args()
    from openTSNE import TSNE
    from openTSNE.affinity import Affinities

    import embviz.reduce.tsne as tsne
    from embviz.reduce.tsne_fft import install_threaded_fft
    from embviz.reduce.tsne_stream import OptimisationStream

    install_threaded_fft()
    n = args.rows
    P, start = synthetic(n) if args.synthetic else build(n, Path(args.cache.format(rows=n)))
    print(
        f"{n:,} rows, P {P.nnz:,} entries, embviz from {Path(tsne.__file__).parents[2]}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    def prepared() -> Any:
        affinities = Affinities()
        affinities.P = P.copy()
        e: Any = TSNE(
            random_state=0,
            n_jobs=tsne._n_jobs(n),
            learning_rate=tsne.learning_rate(n, tsne.TSNEParams()),
            negative_gradient_method=tsne.gradient_method(n, 2),
            initialization=start.copy(),
        ).prepare_initial(affinities=affinities)
        return e

    latency: list[float] = []
    longest: list[float] = []
    cost: dict[str, list[float]] = {"stream": [], "optimize": []}
    for rep in range(args.repeats):
        after = args.after * (1 + 0.37 * rep)  # a different point between callbacks, if any
        run = OptimisationStream(prepared(), 250, 12.0, 750).run()
        started = time.perf_counter()
        times = [started]
        iterations = 0
        for done, snapshot in run:
            iterations = done
            if snapshot is not None:
                times.append(time.perf_counter())
            if time.perf_counter() - started >= after:
                break
        closing = time.perf_counter()
        run.close()  # the app's Cancel
        latency.append(time.perf_counter() - closing)
        longest.append(float(np.diff(times).max()))
        print(
            f"  rep {rep}: Cancel {latency[-1] * 1e3:7.1f} ms after {after:.1f} s ({iterations} "
            f"iterations counted, {iterations / (closing - started):.1f}/s); longest gap between "
            f"layouts {longest[-1]:.2f} s; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if args.iters <= 0:
            continue
        for variant in ("stream", "optimize") if rep % 2 == 0 else ("optimize", "stream"):
            e = prepared()
            cpu = time.process_time()
            if variant == "stream":
                for _ in OptimisationStream(e, args.iters, 12.0, args.iters).run():
                    pass
            else:
                e.optimize(args.iters, exaggeration=12.0, momentum=0.8, inplace=True)
            cost[variant].append(time.process_time() - cpu)
        print(
            f"  rep {rep}: {args.iters} iterations, stream {cost['stream'][-1]:.2f} CPU s, "
            f"openTSNE's optimize {cost['optimize'][-1]:.2f} CPU s; load "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ratio = f"{sum(cost['stream']) / sum(cost['optimize']):.3f}x" if cost["optimize"] else "not run"
    print(
        f"summary ({n:,} rows; load average {os.getloadavg()[0]:.1f}): Cancel median "
        f"{np.median(latency) * 1e3:.0f} ms, max {max(latency) * 1e3:.0f} ms; longest gap between "
        f"layouts {max(longest):.2f} s; stream / openTSNE's optimize CPU {ratio}"
    )


if __name__ == "__main__":
    main()
