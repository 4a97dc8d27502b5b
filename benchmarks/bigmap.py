"""The 2-D map of a partitioned atlas at 10M rows against the same at 1M, in the real window.

For each folder (written by benchmarks/bigmap_data.py when missing): the time to open it (the
folder dropped on the window until its map is drawn and the window idle), the frame time while
panning and zooming (as benchmarks/render2d.py measures it), the time from the last movement
until every point is drawn again, the hover pick, the longest the GUI thread was blocked, and the
process's memory. Then the first neighbour search (reads the vectors, in a worker). The ratios
10M / 1M say whether the big map is as fluid as the 1M-point one.

    python benchmarks/bigmap.py [--folder DIR ...] [--rows 1000000 10000000] [--frames 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from render2d import PaintCounter, frames  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Stalls:
    """The longest gap between two turns of the GUI thread's event loop (a 5 ms timer)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst, self.last = 0.0, time.perf_counter()
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst, self.last = max(self.worst, now - self.last), now

    def start(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def wait(app, until, timeout: float = 600.0) -> float:
    start = time.perf_counter()
    while not until():
        app.processEvents()
        time.sleep(0.002)
        if time.perf_counter() - start > timeout:
            raise TimeoutError
    return time.perf_counter() - start


def settle_time(window, app) -> float:
    """From the last movement until every point is drawn again (the settle paint done)."""
    view = window.view
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    view.plotItem.vb.translateBy(x=0.01, y=0.0)
    start = time.perf_counter()
    # a big layer at rest shows its subsample until a thread has made the image of every point
    wait(app, lambda: counter.paints > 0 and not view._settle.isActive() and not view.cloud.moving
         and view.cloud.complete)  # fmt: skip
    view.viewport().removeEventFilter(counter)
    return time.perf_counter() - start


def bench_vectors(folder: Path) -> None:
    """Reading the vectors from the parts (what the first neighbour search does) against a
    float32 .npy cache of them read back through a memory map and touched once (what a cache
    would save on the next opening)."""
    import tempfile

    from embviz.core.tasks import run_task
    from embviz.io.atlas_dataset import PartitionedAtlas

    atlas = PartitionedAtlas(folder)
    for _attempt in range(2):
        start = time.perf_counter()
        vectors = run_task(atlas.read_vectors())
        parts = time.perf_counter() - start
        with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
            path = Path(tmp) / "vectors.npy"
            start = time.perf_counter()
            np.save(path, vectors)
            written = time.perf_counter() - start
            os.system(f"sync; cat {path} > /dev/null")  # in the page cache, as the parts are
            start = time.perf_counter()
            cached = np.load(path, mmap_mode="r")
            total = float(np.asarray(cached, dtype=np.float64).sum(dtype=np.float64))
            mapped = time.perf_counter() - start
            start = time.perf_counter()
            total2 = float(vectors.sum(dtype=np.float64))
            touched = time.perf_counter() - start
        print(
            f"vectors {vectors.shape[0]:,} x {vectors.shape[1]}: from the parts {parts:.2f} s; "
            f".npy cache: written {written:.2f} s, memmap read + one pass {mapped:.2f} s "
            f"(one pass over the array in memory {touched:.2f} s; sums equal "
            f"{abs(total - total2) < 1e-3 * abs(total2) + 1e-3})",
            flush=True,
        )


def bench_bare(folder: Path, frame_count: int, app) -> dict:
    """The map widget alone (as render2d.py measures it), on the atlas's own layout, coloured by
    its topics: what the map costs without the panels around it."""
    from PySide6.QtCore import QPointF

    from embviz.core.colors import colouring_for
    from embviz.core.model import SHOWN
    from embviz.core.raster import GRID_KEY
    from embviz.core.tasks import run_task
    from embviz.gui.views.scatter2d import ScatterView
    from embviz.io.registry import load_task

    start = time.perf_counter()
    eset = run_task(load_task(folder))
    loaded = time.perf_counter() - start
    coords = eset.peek_derived(SHOWN).coords
    view = ScatterView()
    view.resize(1100, 800)
    view.show()
    start = time.perf_counter()
    view.set_points(coords, eset.labels, grid=eset.peek_derived(GRID_KEY))
    view.set_colouring(colouring_for(eset, "cluster_label"))
    app.processEvents()
    shown = time.perf_counter() - start
    early_at = view.plotItem.vb.mapViewToScene(QPointF(*map(float, coords[len(coords) // 2])))
    building = view.index is not None and view.index.building
    t = time.perf_counter()
    early_row = view.row_at(early_at)  # the pointer on a point before the k-d tree is built
    early = time.perf_counter() - t
    assert view.index is not None and view.index.tree is not None
    times = frames(view, view.plotItem.vb, frame_count, app)

    class Holder:
        pass

    holder = Holder()
    holder.view = view
    back = min(settle_time(holder, app) for _ in range(3))
    scene = view.plotItem.vb.mapViewToScene(QPointF(*map(float, coords[len(coords) // 3])))
    hover = []
    for _ in range(50):
        t = time.perf_counter()
        view.row_at(scene)
        hover.append(time.perf_counter() - t)
    view.close()
    return {"rows": len(eset), "loaded": loaded, "shown": shown, "early": early,
            "early_row": early_row, "building": building, "frame": statistics.median(times),
            "worst_frame": max(times), "back": back, "hover": statistics.median(hover)}  # fmt: skip


def bench(folder: Path, frame_count: int, app) -> dict:
    from PySide6.QtCore import QPointF, QSettings

    from embviz.gui.main_window import MainWindow
    from embviz.io.atlas_dataset import VECTOR_READS

    settings = QSettings(str(folder.parent / "bigmap-bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    stalls = Stalls()
    base = rss_mb()
    stalls.start()
    start = time.perf_counter()
    window.open_paths([folder], remember=False)
    wait(app, lambda: window.session.current is not None)
    shown = time.perf_counter() - start
    wait(app, window.is_idle)
    idle = time.perf_counter() - start
    blocked_open = stalls.stop()
    eset = window.session.current
    assert VECTOR_READS[str(folder)] == 0, "opening read the vectors"
    view = window.view
    if view.index is not None:
        view.index.tree  # noqa: B018  # the k-d tree for picking is built in the background
    memory = rss_mb() - base
    stalls.start()
    times = frames(view, view.plotItem.vb, frame_count, app)
    blocked_pan = stalls.stop()
    back = min(settle_time(window, app) for _ in range(3))
    row = len(eset) // 3
    scene = view.plotItem.vb.mapViewToScene(QPointF(*map(float, view.coords[row])))
    hover = []
    for _ in range(50):
        t = time.perf_counter()
        view.row_at(scene)
        hover.append(time.perf_counter() - t)
    panel = window.panels["neighbors"]
    stalls.start()
    t = time.perf_counter()
    panel.query.setText(eset.labels[row])
    panel.find_neighbours()
    wait(app, lambda: panel.result is not None)
    neighbours = time.perf_counter() - t
    blocked_nn = stalls.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    window.deleteLater()
    app.processEvents()
    return {
        "rows": len(eset), "shown": shown, "idle": idle, "blocked_open": blocked_open,
        "frame": statistics.median(times), "worst_frame": max(times), "blocked_pan": blocked_pan,
        "back": back, "hover": statistics.median(hover), "memory": memory, "peak": peak,
        "neighbours": neighbours, "blocked_nn": blocked_nn,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, nargs="*", help="atlas folders (default: written)")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/embviz-bigmap"))
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--bare", action="store_true", help="the map widget alone, no window")
    parser.add_argument("--vectors", action="store_true", help="parts vs a .npy cache")
    args = parser.parse_args()
    from bigmap_data import write

    from embviz.gui.app import make_application

    folders = args.folder or []
    if not folders:
        for rows in args.rows:
            folder = args.data / f"atlas-{rows}"
            if not (folder / "_embviz.json").exists():
                print(f"writing {rows:,} rows to {folder}…", flush=True)
                write(folder, rows, 8, min(rows, 1_000_000))
            folders.append(folder)
    if args.vectors:
        for folder in folders:
            bench_vectors(folder)
        print(f"load average {os.getloadavg()}")
        return
    app = make_application()
    if args.bare:
        bare = [bench_bare(folder, args.frames, app) for folder in folders]
        for r in bare:
            print(
                f"{r['rows']:>11,} rows  map alone: read {r['loaded']:.2f} s, drawn "
                f"{r['shown']:.2f} s; frame {r['frame'] * 1000:.1f} ms median (worst "
                f"{r['worst_frame'] * 1000:.0f} ms); every point back {r['back'] * 1000:.0f} ms; "
                f"hover pick {r['hover'] * 1000:.3f} ms (before the k-d tree was built: "
                f"{r['early'] * 1000:.1f} ms, tree building {r['building']}, row {r['early_row']})",
                flush=True,
            )
        if len(bare) == 2:
            small, big = bare
            print(
                f"ratio {big['rows'] // small['rows']}x rows: frame "
                f"{big['frame'] / small['frame']:.2f}, points back {big['back'] / small['back']:.2f}"
            )
        print(f"load average {os.getloadavg()}")
        return
    results = []
    for folder in folders:
        r = bench(folder, args.frames, app)
        results.append(r)
        print(
            f"{r['rows']:>11,} rows  open: map shown {r['shown']:.2f} s, idle {r['idle']:.2f} s "
            f"(GUI thread blocked at most {r['blocked_open'] * 1000:.0f} ms)\n"
            f"{'':>17}pan/zoom frame {r['frame'] * 1000:.1f} ms median, worst "
            f"{r['worst_frame'] * 1000:.0f} ms; every point back {r['back'] * 1000:.0f} ms after "
            f"the last movement; hover pick {r['hover'] * 1000:.3f} ms\n"
            f"{'':>17}memory +{r['memory']:.0f} MB after opening (peak RSS {r['peak']:.0f} MB); "
            f"first neighbours (reads the vectors) {r['neighbours']:.2f} s, GUI blocked at most "
            f"{r['blocked_nn'] * 1000:.0f} ms",
            flush=True,
        )
    if len(results) == 2:
        small, big = results
        print(
            f"ratio {big['rows'] // small['rows']}x rows: frame {big['frame'] / small['frame']:.2f}, "
            f"points back {big['back'] / small['back']:.2f}, hover {big['hover'] / small['hover']:.2f}"
        )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
