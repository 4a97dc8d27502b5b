"""2-D map: frame time while panning and zooming, and hover latency, at 100k and 1M points.

The peer, in the same process and on the same points and view changes, is a plain pyqtgraph
PlotWidget with one ScatterPlotItem (what embviz drew before level of detail). Then
`embviz render` of a 1M-point 2-D .npy against a 10k one (goal: at most twice the time).

    python benchmarks/render2d.py [--sizes 100000 1000000] [--frames 20] [--no-cli]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def frames(widget, vb, n: int, app) -> list[float]:
    """Pan and zoom ``n`` times; a frame: change the range, process events until it is painted."""
    counter = PaintCounter()
    widget.viewport().installEventFilter(counter)
    times = []
    for i in range(n):
        start = time.perf_counter()
        before = counter.paints
        if i % 2:
            vb.scaleBy((0.9, 0.9) if i % 4 == 1 else (1 / 0.9, 1 / 0.9))
        else:
            vb.translateBy(x=0.02 * (1 if i % 4 == 0 else -1), y=0.01)
        for _ in range(100):
            app.processEvents()
            if counter.paints > before:
                break
        times.append(time.perf_counter() - start)
    widget.viewport().removeEventFilter(counter)
    return times


def bench(n: int, frame_count: int, app) -> None:
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF

    from embviz.gui.views.scatter2d import ScatterView

    rng = np.random.default_rng(0)
    coords = rng.normal(size=(n, 2)).astype(np.float32)
    labels = [f"w{i}" for i in range(n)]
    ours = ScatterView()
    ours.resize(1100, 800)
    ours.show()
    ours.set_points(coords, labels)
    assert ours.index.tree is not None  # wait for the background k-d tree
    app.processEvents()
    t_ours = frames(ours, ours.plotItem.vb, frame_count, app)
    scene = ours.plotItem.vb.mapViewToScene(QPointF(float(coords[7, 0]), float(coords[7, 1])))
    hover = []
    for _ in range(50):
        start = time.perf_counter()
        ours.row_at(scene)
        hover.append(time.perf_counter() - start)
    ours.close()

    peer = pg.PlotWidget()
    peer.resize(1100, 800)
    peer.show()
    item = pg.ScatterPlotItem(x=coords[:, 0], y=coords[:, 1], size=5, pen=None)
    peer.addItem(item)
    app.processEvents()
    peer_frames = max(3, frame_count // 5) if n > 200_000 else frame_count
    t_peer = frames(peer, peer.plotItem.vb, peer_frames, app)
    start = time.perf_counter()
    item.pointsAt(QPointF(float(coords[7, 0]), float(coords[7, 1])))
    peer_hover_first = time.perf_counter() - start
    start = time.perf_counter()
    item.pointsAt(QPointF(float(coords[9, 0]), float(coords[9, 1])))
    peer_hover = time.perf_counter() - start
    peer.close()
    mo, mp = statistics.median(t_ours), statistics.median(t_peer)
    ho = statistics.median(hover)
    print(f"{n:>9,} points  frame: embviz {mo * 1000:7.1f} ms ({1 / mo:5.1f} fps, worst "
          f"{max(t_ours) * 1000:.0f} ms)   pyqtgraph {mp * 1000:7.1f} ms   ratio peer/ours {mp / mo:6.1f}")  # fmt: skip
    print(f"{'':>16} hover: embviz {ho * 1000:7.3f} ms   pyqtgraph first {peer_hover_first * 1000:.0f} ms, "
          f"then {peer_hover * 1000:.1f} ms   ratio {peer_hover / ho:6.0f}")  # fmt: skip


def cli_render(n: int, folder: Path) -> float:
    path = folder / f"plane{n}.npy"
    np.save(path, np.random.default_rng(1).normal(size=(n, 2)).astype(np.float32))
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY",)}
    env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "embviz", "render", str(path), "-o", str(folder / f"r{n}.png")],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args()
    from embviz.gui.app import make_application

    app = make_application()
    for n in args.sizes:
        bench(n, args.frames, app)
    if not args.no_cli:
        with tempfile.TemporaryDirectory() as tmp:
            small = min(cli_render(10_000, Path(tmp)) for _ in range(2))
            big = min(cli_render(1_000_000, Path(tmp)) for _ in range(2))
        print(f"embviz render: 10k points {small:.2f} s, 1M points {big:.2f} s, "
              f"ratio {big / small:.2f} (goal <= 2)")  # fmt: skip


if __name__ == "__main__":
    main()
