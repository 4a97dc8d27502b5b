"""3-D map at 100k points: frame time while orbiting and zooming, and hover latency.

The peer is a bare GLViewWidget with one GLScatterPlotItem of the same points and colours. Each
runs in its own process: pyqtgraph caches its GL shader programs per class, so a second GL widget
in one process fails to draw (and would look fast). Needs an OpenGL context: run under xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX".

    python benchmarks/render3d.py [--points 100000] [--frames 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np


def frames(view, n: int, app) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        if i % 2:
            view.opts["distance"] *= 0.95 if i % 4 == 1 else 1 / 0.95
        else:
            view.orbit(3, 1)
        view.grabFramebuffer()  # renders the frame and waits for it
        app.processEvents()
        times.append(time.perf_counter() - start)
    return times


def run(which: str, n: int, frame_count: int) -> None:
    import pyqtgraph.opengl as gl

    from embviz.gui.app import make_application
    from embviz.gui.views.scatter3d import Scatter3DView

    app = make_application()
    coords = np.random.default_rng(0).normal(size=(n, 3)).astype(np.float32)
    if which == "ours":
        view = Scatter3DView()
        view.resize(1100, 800)
        view.show()
        view.set_points(coords, [f"w{i}" for i in range(n)])
    else:
        view = gl.GLViewWidget()
        view.resize(1100, 800)
        view.show()
        colours = np.tile(np.array([0.12, 0.47, 0.71, 0.7], np.float32), (n, 1))
        view.addItem(gl.GLScatterPlotItem(pos=coords, size=5, color=colours))
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        view.setCameraPosition(distance=float(np.linalg.norm(hi - lo)) * 1.3)
    app.processEvents()
    print("frame", statistics.median(frames(view, frame_count, app)))
    if which == "ours":
        moved, cached = [], []
        for i in range(10):
            view.orbit(2, 0)  # the camera moved: projection recomputed
            start = time.perf_counter()
            view.row_at(500 + i, 400)
            moved.append(time.perf_counter() - start)
            start = time.perf_counter()
            view.row_at(520 + i, 410)  # same camera: cached projection
            cached.append(time.perf_counter() - start)
        print("hover", statistics.median(moved), statistics.median(cached))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--which", choices=["ours", "peer"])
    args = parser.parse_args()
    if args.which:
        run(args.which, args.points, args.frames)
        return
    out = {}
    for which in ("ours", "peer"):
        cmd = [sys.executable, __file__, "--which", which, "--points", str(args.points)]
        text = subprocess.run(
            cmd + ["--frames", str(args.frames)], capture_output=True, text=True
        ).stdout
        out[which] = {
            line.split()[0]: [float(v) for v in line.split()[1:]] for line in text.splitlines()
        }
    mo, mp = out["ours"]["frame"][0], out["peer"]["frame"][0]
    moved, cached = out["ours"]["hover"]
    print(f"{args.points:,} points in 3-D  frame: embviz {mo * 1000:.1f} ms ({1 / mo:.1f} fps)   "
          f"GLScatterPlotItem {mp * 1000:.1f} ms   ratio ours/peer {mo / mp:.2f}")  # fmt: skip
    print(
        f"hover: after a camera move {moved * 1000:.2f} ms, then {cached * 1000:.2f} ms "
        "(pyqtgraph has no 3-D picking)"
    )


if __name__ == "__main__":
    main()
