"""t-SNE at several sizes against its peers, in the same run, runs paired and repeated.

    python benchmarks/tsne_speed.py [--sizes 1000,3000,10000] [--repeats 3]

Rows are a random sample of the demo's MiniLM word vectors (unit length, so cosine and
euclidean neighbours agree). Each round runs, in turn: embviz's t-SNE (the task the GUI and CLI
run, from the PCA preview to the final layout), openTSNE with its defaults (``TSNE().fit``:
BH below 10,000 rows, FFT above, approximate neighbours above 1,000), openTSNE forced to BH and
forced to FFT (exact neighbours, as embviz), and scikit-learn's TSNE (defaults, cosine; or with
``--methods ...,scikit-learn 1 thread`` on one OpenMP thread, for a busy machine). The
order rotates every round (after one untimed warm-up call of each on 300 rows), so load on a shared machine falls on every method alike. Medians
(wall time, and CPU seconds of all the process's threads: steadier on a loaded machine)
are printed with trustworthiness (k = 10, embviz.reduce.quality; equal to
sklearn.manifold.trustworthiness) and the ratios the goals name: embviz / scikit-learn and
embviz / openTSNE's best setting for that size (the fastest of its defaults, BH and FFT).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np


def rows_of_demo(n: int) -> np.ndarray:
    import embviz
    from embviz.core.paths import demo_path

    demo = embviz.load(demo_path())
    rows = np.sort(np.random.default_rng(0).choice(len(demo), n, replace=False))
    return np.asarray(demo.vectors[rows], dtype=np.float32)


def embviz_tsne(
    x: np.ndarray, params: dict[str, int] | None = None
) -> tuple[np.ndarray, dict[str, float]]:
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.tasks import run_task
    from embviz.reduce import projection_task

    eset = EmbeddingSet([f"w{i}" for i in range(len(x))], x)
    started = time.perf_counter()
    seen: list[float] = []

    def on_progress(progress: object) -> None:
        if getattr(progress, "partial", None) is not None:
            seen.append(time.perf_counter() - started)

    projection = run_task(projection_task(eset, "tsne", params), on_progress)
    gaps = np.diff(seen[1:]) if len(seen) > 2 else np.array([0.0])
    return projection.coords, {"partials": len(seen), "longest_gap": float(gaps.max())}


def opentsne(method: str | None) -> Callable[[np.ndarray], tuple[np.ndarray, dict[str, float]]]:
    def fit(x: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
        from openTSNE import TSNE

        if method is None:  # its defaults
            return np.asarray(TSNE(random_state=0).fit(x)), {}
        tsne = TSNE(
            metric="cosine", neighbors="exact", negative_gradient_method=method, random_state=0
        )
        return np.asarray(tsne.fit(x)), {}

    return fit


def sklearn_tsne(x: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    from sklearn.manifold import TSNE

    return TSNE(metric="cosine", random_state=0).fit_transform(x), {}


def sklearn_one_thread(x: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """The same, its OpenMP gradient on one thread: on a machine busy with other work its
    threads wait on each other (1,000 rows: 211 s against 31 s, load average 12)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return sklearn_tsne(x)


METHODS: dict[str, Callable[[np.ndarray], tuple[np.ndarray, dict[str, float]]]] = {
    "embviz": embviz_tsne,
    # scikit-learn's schedule (250 + 750 iterations, against openTSNE's 250 + 500)
    "embviz 1000 iterations": lambda x: embviz_tsne(x, {"iterations": 750}),
    "openTSNE defaults": opentsne(None),
    "openTSNE BH": opentsne("bh"),
    "openTSNE FFT": opentsne("fft"),
    "scikit-learn": sklearn_tsne,
    "scikit-learn 1 thread": sklearn_one_thread,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    default = [n for n in METHODS if n not in ("embviz 1000 iterations", "scikit-learn 1 thread")]
    parser.add_argument("--methods", default=",".join(default))
    args = parser.parse_args()
    from embviz.reduce.quality import trustworthiness

    names = args.methods.split(",")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f} at the start")
    summary = []
    warm = rows_of_demo(300)
    for name in names:  # imports and first-call costs out of the timed runs
        METHODS[name](warm)
    for n in (int(s) for s in args.sizes.split(",")):
        x = rows_of_demo(n)
        times: dict[str, list[float]] = {name: [] for name in names}
        trust: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.repeats):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in order:
                started, cpu_started = time.perf_counter(), time.process_time()
                coords, extra = METHODS[name](x)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - cpu_started)
                trust[name].append(trustworthiness(x, coords, k=10))
                more = "".join(f"  {k} {v:.2f}" for k, v in extra.items())
                print(
                    f"{n:>7,} {name:18s} {times[name][-1]:7.2f} s  CPU {cpu[name][-1]:7.2f} s  "
                    f"trust {trust[name][-1]:.4f}{more}"
                )
        med = {name: statistics.median(times[name]) for name in names}
        tw = {name: statistics.median(trust[name]) for name in names}
        cp = {name: statistics.median(cpu[name]) for name in names}
        summary.append((n, med, tw, cp))
    print("\nmedians: wall s / CPU s (all threads) (trustworthiness, k=10)")
    for n, med, tw, cp in summary:
        cells = "  ".join(
            f"{name} {med[name]:.2f} / {cp[name]:.2f} ({tw[name]:.4f})" for name in names
        )
        print(f"{n:>7,}  {cells}")
        if "embviz" not in med:
            continue
        sklearns = [name for name in names if name.startswith("scikit-learn")]
        for ours in ("embviz", "embviz 1000 iterations"):
            if sklearns and ours in med:
                sk = min(sklearns, key=lambda name: med[name])  # its fastest setting
                wall, work = med[ours] / med[sk], cp[ours] / cp[sk]
                print(
                    f"{'':9}{ours} / {sk}: wall {wall:.2f}x, CPU {work:.2f}x, "
                    f"trust {tw[ours] - tw[sk]:+.4f}"
                )
        peers = [name for name in names if name.startswith("openTSNE")]
        if peers:
            best = min(peers, key=lambda name: med[name])
            wall, work = med["embviz"] / med[best], cp["embviz"] / cp[best]
            print(
                f"{'':9}embviz / openTSNE best ({best}): wall {wall:.2f}x, CPU {work:.2f}x, "
                f"trust {tw['embviz'] - tw[best]:+.4f}"
            )


if __name__ == "__main__":
    main()
