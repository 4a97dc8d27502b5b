"""t-SNE between 10k and 100k rows against openTSNE and scikit-learn, in the same run.

    python benchmarks/tsne_mid.py [--sizes 20000,50000] [--repeats 1] [--methods ...]
                                  [--sklearn-max 20000]

Rows (benchmarks/umap_large.py's ``large_rows``): up to 21,721 a random sample of the demo's real
MiniLM word vectors; beyond, those words plus points between a word and one of its 15 nearest
words, renormalised (no larger real set ships). Methods (benchmarks/tsne_speed.py's, plus):

- ``embviz``: the task the GUI and CLI run, with its defaults (above ``fit_sample`` rows: fit a
  sample, place the rest with openTSNE's transform);
- ``embviz full``: the same task fitting every row (``fit_sample`` 0);
- ``embviz sample N``: fitting a sample of N rows;
- ``openTSNE defaults`` (FFT above 10k, Annoy neighbours) and ``openTSNE FFT`` (exact cosine
  neighbours); ``scikit-learn 1 thread`` (its default Barnes-Hut, one OpenMP thread: on a busy
  2-core machine its threads wait on each other). scikit-learn is skipped above
  ``--sklearn-max`` rows: at 20,000 rows it had not finished after 33 minutes here (load 7-12).

``--limit S`` stops any run after S seconds and prints the CPU time it had used: a lower bound
for a peer that cannot finish in the time there is.

The order rotates every round so that load falls on every method alike; each run prints its wall
and CPU seconds, the load average when it ended, and trustworthiness (k = 10,
embviz.reduce.quality). Above 12,000 rows trustworthiness is estimated on the same 5,000 random
query rows (seed 0) for every method, ranked against all rows; from 100,000 rows it is computed
within the same random subset of 5,000 rows. Printed at the end: medians and the ratios the goal
names (embviz / openTSNE's best setting, embviz / scikit-learn) with trustworthiness differences.

One confound, in openTSNE's favour: embviz routes openTSNE's FFTs through scipy.fft with all
cores (embviz.reduce.tsne_fft), a process-wide patch, so openTSNE's FFT runs in this process get
threaded FFTs too once embviz has run (it runs once, untimed, before any timed run).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tsne_speed import METHODS as SPEED_METHODS  # noqa: E402
from tsne_speed import embviz_tsne  # noqa: E402
from umap_large import large_rows  # noqa: E402

Fit = Callable[[np.ndarray], tuple[np.ndarray, dict[str, float]]]


def method(name: str) -> Fit:
    if name == "embviz full":
        return lambda x: embviz_tsne(x, {"fit_sample": 0})
    if name.startswith("embviz sample "):
        size = int(name.rsplit(" ", 1)[1])
        return lambda x: embviz_tsne(x, {"fit_sample": size})
    if name not in SPEED_METHODS:
        raise SystemExit(f"unknown method {name!r}; known: {', '.join(SPEED_METHODS)}")
    return SPEED_METHODS[name]


def trust(x: np.ndarray, coords: np.ndarray) -> float:
    """Trustworthiness, k = 10: every row up to 12,000, else 5,000 query rows (seed 0, the same
    rows for every method), or within a 5,000-row subset from 100,000 rows."""
    from embviz.core.tasks import run_task
    from embviz.reduce.quality import quality_task

    return run_task(quality_task(x, coords, k=10, seed=0)).trustworthiness


class RunTooLong(Exception):
    pass


def limited(fit: Fit, x: np.ndarray, seconds: float) -> tuple[np.ndarray, dict[str, float]]:
    """``fit(x)``, stopped after ``seconds`` (0: never) by SIGALRM: scikit-learn's and openTSNE's
    optimisers return to Python every iteration, and embviz's task waits in the main thread, so
    the exception lands within an iteration (embviz's task then stops its optimiser thread)."""
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        return fit(x)

    def expire(signum: int, frame: object) -> None:
        raise RunTooLong

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fit(x)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,50000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--methods",
        default="embviz,embviz full,openTSNE defaults,openTSNE FFT,scikit-learn 1 thread",
    )
    parser.add_argument("--sklearn-max", type=int, default=20_000)
    parser.add_argument(
        "--limit", type=float, default=0, help="seconds a run may take (0: no limit)"
    )
    args = parser.parse_args()
    names = args.methods.split(",")
    fits = {name: method(name) for name in names}
    print(f"{os.cpu_count()} cores, load average {load():.1f} at the start", flush=True)
    warm = large_rows(300)
    for name in names:  # imports, first-call costs and the FFT patch out of the timed runs
        fits[name](warm)
    summary = []
    for n in (int(s) for s in args.sizes.split(",")):
        x = large_rows(n)
        here = [m for m in names if not (m.startswith("scikit-learn") and n > args.sklearn_max)]
        if len(here) < len(names):
            print(f"{n:>7,} scikit-learn not run above {args.sklearn_max:,} rows", flush=True)
        times: dict[str, list[float]] = {m: [] for m in here}
        cpu: dict[str, list[float]] = {m: [] for m in here}
        tw: dict[str, list[float]] = {m: [] for m in here}
        loads: list[float] = []
        unfinished: set[str] = set()
        for round_ in range(args.repeats):
            order = here[round_ % len(here) :] + here[: round_ % len(here)]
            for name in order:
                started, cpu_started = time.perf_counter(), time.process_time()
                try:
                    coords, extra = limited(fits[name], x, args.limit)
                except RunTooLong:
                    print(
                        f"{n:>7,} {name:22s} not finished in {args.limit:.0f} s "
                        f"(CPU {time.process_time() - cpu_started:.1f} s so far)  "
                        f"load {load():.1f}",
                        flush=True,
                    )
                    unfinished.add(name)
                    loads.append(load())
                    continue
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - cpu_started)
                tw[name].append(trust(x, coords))
                loads.append(load())
                more = "".join(f"  {k} {v:.2f}" for k, v in extra.items())
                print(
                    f"{n:>7,} {name:22s} {times[name][-1]:8.1f} s  CPU {cpu[name][-1]:8.1f} s  "
                    f"trust {tw[name][-1]:.4f}  load {loads[-1]:.1f}{more}",
                    flush=True,
                )
        here = [m for m in here if times[m]]  # a method that never finished has no medians
        med = {m: statistics.median(times[m]) for m in here}
        cp = {m: statistics.median(cpu[m]) for m in here}
        tr = {m: statistics.median(tw[m]) for m in here}
        summary.append((n, here, med, cp, tr, min(loads), max(loads), unfinished))
    print("\nmedians: wall s / CPU s (trustworthiness, k=10); ratios are of wall time")
    for n, here, med, cp, tr, low, high, unfinished in summary:
        print(f"{n:>7,}  load {low:.1f}-{high:.1f}")
        if unfinished:
            print(f"{'':9}not finished within --limit: {', '.join(sorted(unfinished))}")
        for m in here:
            print(f"{'':9}{m:22s} {med[m]:8.1f} / {cp[m]:8.1f}  ({tr[m]:.4f})")
        peers = [m for m in here if m.startswith("openTSNE")]
        sklearns = [m for m in here if m.startswith("scikit-learn")]
        for ours in (m for m in here if m.startswith("embviz")):
            for group in (peers, sklearns):
                if not group:
                    continue
                best = min(group, key=lambda m: med[m])
                print(
                    f"{'':9}{ours} / {best}: wall {med[ours] / med[best]:.2f}x, "
                    f"CPU {cp[ours] / cp[best]:.2f}x, trust {tr[ours] - tr[best]:+.4f}"
                )


if __name__ == "__main__":
    main()
