"""Soak: load / project (PCA) / neighbours / close, many cycles in one process; prints the RSS curve.

Each cycle reads the file into a new EmbeddingSet, projects it with PCA (kept in the set's derived
cache, as the window does), asks neighbours (cosine and centred euclidean: both build cached
matrices), then drops every reference. A set that stays alive after its cycle is a leak, and so is
RSS that keeps growing. Issue 13 measured 0.3 GB -> 3.8 GB over 30 cycles on 50k x 300 before
derived data moved into the set (a global WeakKeyDictionary whose values held their keys).

    python benchmarks/soak.py [--rows 50000] [--dims 300] [--cycles 100] [--format bin|npy]

Growth is measured from the end of the first cycle (imports, BLAS buffers and the allocator's
first pools are one-time costs) to the end of the last; the goal is at most 10%.
With ``--window``, each cycle runs in the real MainWindow (offscreen): open the file, wait for its
PCA map and its quality (trustworthiness runs on its own runner, which ``is_idle`` does not
count), ask neighbours in the Neighbours dock, File > Close set.

Measured on the 2-core reference machine (50k x 300, 100 cycles): headless 101.8 -> 113.9 MB
(+11.9% from cycle 1, all of it in cycles 1-2; -0.9% from cycle 5 on; with --trim 96.1 -> 96.1
MB, +0.0%, so the step is glibc's pool, not live data); window 293.8 -> 276.7 MB (-5.8%; +1.1%
from cycle 5 to 100). No set outlived its cycle in either.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np

WARM_UP = 4  # cycles after which the allocator's pools have settled
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """The resident set size of this process now (Linux /proc; else the peak, from resource)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def make_file(folder: Path, rows: int, dims: int, suffix: str = ".bin", seed: int = 0) -> Path:
    """A clustered float32 set, as embviz exports it: word2vec binary (.bin, read into memory)
    or .npy + labels (memory-mapped)."""
    from embviz.core.dataset import EmbeddingSet
    from embviz.io.export import export

    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(64, dims)).astype(np.float32)
    vectors = centres[rng.integers(0, 64, rows)]
    vectors += 0.5 * rng.standard_normal((rows, dims), dtype=np.float32)
    path = folder / f"soak_{rows}x{dims}{suffix}"
    export(EmbeddingSet([f"w{i}" for i in range(rows)], vectors), path, force=True)
    return path


def cycle(path: Path) -> weakref.ref:
    """One load / project / neighbours / close; returns a weak reference to the set."""
    import embviz
    from embviz.core.neighbors import neighbors
    from embviz.core.projection import keep_projection
    from embviz.core.tasks import run_task
    from embviz.reduce.registry import projection_task

    eset = embviz.load(path)
    version = eset.version
    projection = run_task(projection_task(eset, "pca", None, 2))
    keep_projection(eset, projection, version)
    neighbors(eset, "w1", k=10)
    neighbors(eset, "w2", k=10, metric="euclidean", center=True)
    ref = weakref.ref(eset)
    del eset, projection  # "close": nothing of the set is kept anywhere
    return ref


def trim_heap() -> bool:
    """Hand freed heap memory back to the system (glibc malloc_trim); False where unavailable.

    glibc raises its mmap threshold after large blocks are freed, so later large arrays come from
    the heap, and freed heap memory stays counted in RSS: that is the allocator's pool, not live
    data. Trimming tells the two apart."""
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0) or True)
    except (OSError, AttributeError):
        return False


def _wait(app, condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not finish in time")
        app.processEvents()
        time.sleep(0.005)


def window_cycle(window, path: Path) -> weakref.ref:
    """One open / project / neighbours / close in the window; a weak reference to the set."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    quality = window.projector.quality_runner  # trustworthiness runs on its own runner

    def settled() -> bool:
        return window.is_idle() and not quality.is_busy()

    window.open_paths([path], remember=False)
    _wait(app, lambda: window.session.current is not None and settled())
    eset = window.session.current
    panel = window.panels["neighbors"]
    panel.result = None
    panel.query.setText("w1")
    panel.find_neighbours()
    _wait(app, lambda: panel.result is not None and settled())
    ref = weakref.ref(eset)
    del eset
    window.close_current_set()
    _wait(app, settled)
    for _ in range(3):
        app.processEvents()
    return ref


def make_window():
    """A MainWindow shown offscreen, with settings in a throwaway file."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from embviz.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    return app, window


def soak(
    path: Path,
    cycles: int,
    report: Callable[[int, int], None] | None = None,
    trim: bool = False,
    window: object = None,
) -> tuple[list[int], int]:
    """Run ``cycles`` cycles; returns (RSS after each cycle, number of sets still alive).

    ``trim``: measure after handing freed heap memory back (see :func:`trim_heap`);
    ``window``: run each cycle in this MainWindow (see :func:`make_window`)."""
    curve, alive = [], []
    for i in range(cycles):
        alive.append(cycle(path) if window is None else window_cycle(window, path))
        gc.collect()
        if trim:
            trim_heap()
        curve.append(rss_bytes())
        if report is not None:
            report(i + 1, curve[-1])
    still_alive = sum(ref() is not None for ref in alive)
    return curve, still_alive


def growth(curve: list[int], start: int = 0) -> float:
    """RSS growth from the end of cycle ``start + 1`` to the end of the last, as a fraction."""
    return (curve[-1] - curve[start]) / curve[start] if len(curve) > start + 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument(
        "--format", choices=("bin", "npy"), default="bin", help="bin: read into memory (default)"
    )
    parser.add_argument("--window", action="store_true", help="cycle in the real window")
    parser.add_argument(
        "--trim", action="store_true", help="measure after malloc_trim (the allocator's pool out)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="embviz-soak-") as folder:
        started = time.perf_counter()
        path = make_file(Path(folder), args.rows, args.dims, f".{args.format}")
        size = path.stat().st_size / 1e6
        print(f"set: {args.rows:,} x {args.dims} float32, {path.name} ({size:.0f} MB)")
        print(f"RSS before the first cycle: {rss_bytes() / 1e6:.0f} MB")
        every = max(1, args.cycles // 20)

        def report(i: int, rss: int) -> None:
            if i == 1 or i % every == 0 or i == args.cycles:
                print(f"cycle {i:4d}: RSS {rss / 1e6:8.1f} MB", flush=True)

        window = make_window()[1] if args.window else None
        print("in the window (offscreen)" if window is not None else "headless (core only)")
        curve, alive = soak(path, args.cycles, report, trim=args.trim, window=window)
    print(f"sets still alive after their cycle: {alive} of {args.cycles}")
    print(
        f"RSS after cycle 1: {curve[0] / 1e6:.1f} MB, after cycle {len(curve)}: "
        f"{curve[-1] / 1e6:.1f} MB, peak {max(curve) / 1e6:.1f} MB"
    )
    ratio = growth(curve)
    print(f"growth: {ratio:+.1%} (goal: at most +10%) -> {'OK' if ratio <= 0.10 else 'TOO MUCH'}")
    warm = min(WARM_UP, len(curve) - 1)
    print(f"growth after {warm + 1} warm-up cycles: {growth(curve, warm):+.1%}")
    print(f"{args.cycles} cycles in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
