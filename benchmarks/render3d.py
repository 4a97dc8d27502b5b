"""3-D map at a million points: frames per second while orbiting, the frame when still (every
point drawn), and hover picking, against a bare pyqtgraph GLScatterPlotItem of the same points.

Each side runs in its own process (pyqtgraph caches its GL shader programs per class, so a
second GL widget in one process can fail to draw and look fast); the two alternate, ``--repeat``
times each. A frame is the camera moved (orbit, and every fourth frame a zoom step) and the
frame on the screen (from the move to QOpenGLWidget.frameSwapped). The peer draws every point in
every frame; embviz draws a spread subsample while the camera moves and, once it is still,
brings every point back a slice a frame into a kept picture (then copies that picture). Picking: the front-most point within 8 px of the cursor after the camera moved, against
projecting every point with numpy (what the view did before; pyqtgraph has no 3-D picking).
Needs an OpenGL context: run under xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX".

    python benchmarks/render3d.py [--points 1000000] [--frames 40] [--repeat 2]

``--epoch-hover``: the first hover after a training epoch (relayout3d moved every point), on the
GUI thread, at once and 100 ms after the epoch: as the view does it (the last index answers
while the new one is sorted in a thread), as it did before (the sort starts with the epoch and
the first pick waits for it), and projecting every point with numpy (the peer); alternating in
the same run. Each answer is checked against numpy's projection of the NEW positions.

    python benchmarks/render3d.py --epoch-hover --points 100000 1000000 [--epochs 6]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SIZE = (1100, 800)


def cloud(n: int) -> np.ndarray:
    """A clustered cloud: 20 Gaussian blobs of different sizes, as an embedding layout looks."""
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=4.0, size=(20, 3))
    blob = rng.integers(0, 20, size=n)
    spread = rng.uniform(0.3, 1.2, size=20)[blob, None]
    return (centres[blob] + rng.normal(size=(n, 3)) * spread).astype(np.float32)


def orbit(view, app, frames: int, cpu: list[float] | None = None) -> list[float]:
    """Seconds from each camera move to its frame on the screen (QOpenGLWidget.frameSwapped);
    ``cpu`` gets this process's CPU seconds a frame (all its threads: llvmpipe's too)."""
    times = []
    swapped: list[bool] = []
    view.frameSwapped.connect(lambda: swapped.append(True))
    for i in range(frames):
        start, cpu_start = time.perf_counter(), time.process_time()
        swapped.clear()
        if i % 4 == 3:
            view.opts["distance"] *= 0.97 if (i // 4) % 2 else 1 / 0.97
            view.update()
        else:
            view.orbit(3, 1)
        while not swapped:
            app.processEvents()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - cpu_start)
    view.frameSwapped.disconnect()
    return times


def still_frame(view, app) -> float:
    """Seconds for a frame with the camera still (every point drawn), to the screen."""
    swapped: list[bool] = []
    view.frameSwapped.connect(lambda: swapped.append(True))
    start = time.perf_counter()
    view.update()
    while not swapped:
        app.processEvents()
    view.frameSwapped.disconnect()
    return time.perf_counter() - start


def settle(view, app) -> None:
    """Wait until the camera counts as still (the view's settle timer has fired)."""
    end = time.perf_counter() + 0.5
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def run(which: str, n: int, frame_count: int) -> dict:
    import pyqtgraph.opengl as gl

    from embviz.gui.app import make_application

    app = make_application()
    coords = cloud(n)
    out: dict = {"load": os.getloadavg()[0]}
    if which == "ours":
        from embviz.gui.views.scatter3d import Scatter3DView

        view = Scatter3DView()
        view.resize(*SIZE)
        view.show()
        view.set_points(coords, [f"w{i}" for i in range(n)])
    else:
        view = gl.GLViewWidget()
        view.resize(*SIZE)
        view.show()
        colours = np.tile(np.array([0.12, 0.47, 0.71, 0.7], np.float32), (n, 1))
        item = gl.GLScatterPlotItem(pos=coords, size=5, color=colours)
        item.setGLOptions("translucent")
        view.addItem(item)
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        view.setCameraPosition(distance=float(np.linalg.norm(hi - lo)) * 1.3)
    app.processEvents()
    view.grabFramebuffer()  # uploads the points
    out["renderer"] = renderer(view)
    orbit(view, app, 6)  # warm: the moving budget finds its size
    out["moving_cpu"] = []
    out["moving"] = orbit(view, app, frame_count, out["moving_cpu"])
    if which == "ours":
        out["moving_points"] = [d for moving, d, _ in view.frame_times[-frame_count:] if moving]
    if which == "ours":  # every point back: the settle wait, then slices into a kept picture
        # frames counted as they reach the screen (frame_times keeps only the last 100, so an
        # index into it counted old frames once it was full: the "21 slices" of a GPU run)
        shown: list[bool] = []
        view.frameSwapped.connect(lambda: shown.append(True))
        start = time.perf_counter()
        while not view.all_drawn:
            app.processEvents()
        out["back"] = time.perf_counter() - start
        out["slices"] = len(shown)
        view.frameSwapped.disconnect()
        out["still_points"] = view.scene.done if view.scene.complete else n
    settle(view, app)
    out["still"] = still_frame(view, app)  # the peer draws every point; embviz copies
    if which == "ours":
        view.progressive = False  # every point in one frame, as the peer draws them
        out["one_frame"] = still_frame(view, app)
        out.update(picking(view, coords))
    out["load_after"] = os.getloadavg()[0]
    return out


def renderer(view) -> str:
    """The OpenGL renderer that draws (llvmpipe, or a GPU's name), read in the view's context."""
    from OpenGL import GL

    view.makeCurrent()
    try:
        name = GL.glGetString(GL.GL_RENDERER)
        return name.decode() if name else "unknown"
    finally:
        view.doneCurrent()


def picking(view, coords: np.ndarray) -> dict:
    from embviz.gui.views.pick3d import to_screen
    from embviz.gui.views.scatter3d import HOVER_RADIUS_PX

    view.index._built.wait()  # built in the background after set_points
    rng = np.random.default_rng(1)
    ours, brute, same = [], [], 0
    for i in range(30):
        view.orbit(7, 2 if i % 2 else -2)  # the camera moved: nothing cached
        if i % 3 == 2:
            view.opts["distance"] *= 0.7 if i % 2 else 1 / 0.7
        x, y, w, h = view.gl_viewport()
        at = rng.uniform([0, 0], [w, h])
        if i % 2:  # half the time on a point
            xy, depth = view.project(coords[rng.integers(len(coords))][None])
            at = xy[0]
        start = time.perf_counter()
        row = view.row_at(float(at[0]), float(at[1]))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        projection, camera = view.matrices()
        xy, depth = to_screen(coords, projection @ camera, w, h)
        d2 = ((xy - at) ** 2).sum(axis=1)
        near = np.flatnonzero((d2 <= HOVER_RADIUS_PX**2) & (depth > 0))
        expected = int(near[np.argmin(depth[near] + d2[near] * 1e-9)]) if near.size else -1
        brute.append(time.perf_counter() - start)
        same += row == expected
    return {"pick": ours, "pick_brute": brute, "pick_same": same, "pick_count": len(ours)}


def brute_pick(view, coords: np.ndarray, at) -> int:
    """The front-most point within the hover radius of ``at``, projecting every point."""
    from embviz.gui.views.pick3d import to_screen
    from embviz.gui.views.scatter3d import HOVER_RADIUS_PX

    x, y, w, h = view.gl_viewport()
    projection, camera = view.matrices()
    xy, depth = to_screen(coords, projection @ camera, w, h)
    d2 = ((xy - at) ** 2).sum(axis=1)
    near = np.flatnonzero((d2 <= HOVER_RADIUS_PX**2) & (depth > 0))
    return int(near[np.argmin(depth[near] + d2[near] * 1e-9)]) if near.size else -1


def epoch_hover(n: int, epochs: int) -> None:
    """Print the first hover's GUI-thread time after each of ``epochs`` epochs (see --help)."""
    import threading

    from embviz.gui.app import make_application
    from embviz.gui.views.pick3d import VoxelIndex
    from embviz.gui.views.relayout3d import relayout3d
    from embviz.gui.views.scatter3d import Scatter3DView

    app = make_application()
    coords = cloud(n)
    view = Scatter3DView()
    view.resize(*SIZE)
    view.show()
    view.set_points(coords, [f"w{i}" for i in range(n)])
    view.grabFramebuffer()
    view.index._built.wait()
    view.orbit(-30, 10)
    rng = np.random.default_rng(2)
    results: dict[str, list[float]] = collections.defaultdict(list)
    same = count = 0
    load = os.getloadavg()[0]
    for epoch in range(2 * epochs):
        before = epoch % 2 == 1
        for when, delay in (("at once", 0.0), ("100 ms after", 0.1)):
            when = f"{'sort first (before)' if before else 'last index meanwhile'}, {when}"
            coords = coords + rng.normal(0, 0.05, coords.shape).astype(np.float32)
            relayout3d(view, coords)  # an epoch: every point moved
            if before:  # the index as relayout3d made it before: sorted at once, waited for
                view.index = VoxelIndex(view.coords, background=True)
            end = time.perf_counter() + delay
            while time.perf_counter() < end:
                app.processEvents()
                time.sleep(0.005)
            xy, _ = view.project(coords[rng.integers(n)][None])
            at = xy[0]
            start = time.perf_counter()
            row = view.row_at(float(at[0]), float(at[1]))
            results[when].append(time.perf_counter() - start)
            start = time.perf_counter()
            expected = brute_pick(view, coords, at)
            results["numpy, projecting every point"].append(time.perf_counter() - start)
            same += row == expected
            count += 1
            end = time.perf_counter() + 10
            while not view.index._built.is_set() and time.perf_counter() < end:
                app.processEvents()  # the next epoch comes once the index is whole
                time.sleep(0.01)
    threads = threading.active_count()
    print(f"{n:>9,} points, load {load:.2f} before / {os.getloadavg()[0]:.2f} after, "
          f"{epochs} epochs; threads now {threads}")  # fmt: skip
    for what, times in results.items():
        print(f"  first hover, {what:>40}: median {statistics.median(times) * 1000:7.1f} ms, "
              f"max {max(times) * 1000:7.1f} ms")  # fmt: skip
    print(f"  same point as numpy's projection of the new positions: {same}/{count}")
    view.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epoch-hover", action="store_true")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--points", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--which", choices=["ours", "peer"])
    args = parser.parse_args()
    if args.epoch_hover:
        for n in args.points:
            epoch_hover(n, args.epochs)
        return
    args.points = args.points[0]
    if args.which:
        print(json.dumps(run(args.which, args.points, args.frames)))
        return
    runs: dict[str, list[dict]] = {"ours": [], "peer": []}
    for _ in range(args.repeat):
        for which in ("ours", "peer"):
            cmd = [sys.executable, __file__, "--which", which, "--points", str(args.points)]
            cmd += ["--frames", str(args.frames)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{which} failed:\n{done.stderr[-3000:]}")
            runs[which].append(json.loads(done.stdout.strip().splitlines()[-1]))
    n = args.points
    renderers = sorted({r["renderer"] for side in runs.values() for r in side})
    print(f"{n:,} points, {SIZE[0]}x{SIZE[1]} px, OpenGL renderer: {' / '.join(renderers)}")
    for i, (ours, peer) in enumerate(zip(runs["ours"], runs["peer"], strict=True)):
        mo, mp = statistics.median(ours["moving"]), statistics.median(peer["moving"])
        drawn = statistics.median(ours["moving_points"]) if ours["moving_points"] else n
        pick, brute = ours["pick"], ours["pick_brute"]
        print(
            f"run {i + 1}  load {ours['load']:.1f}/{peer['load']:.1f} "
            f"(after {ours['load_after']:.1f}/{peer['load_after']:.1f})\n"
            f"  orbiting: embviz {1 / mo:.1f} fps ({mo * 1000:.0f} ms a frame, "
            f"{drawn:,.0f} points drawn; CPU {statistics.median(ours['moving_cpu']) * 1000:.0f} ms)"
            f"   GLScatterPlotItem {1 / mp:.1f} fps ({mp * 1000:.0f} ms; CPU "
            f"{statistics.median(peer['moving_cpu']) * 1000:.0f} ms)   "
            f"ratio {mp / mo:.1f}x the peer's frame rate\n"
            f"  still: every point back {ours['back'] * 1000:.0f} ms after the last move "
            f"({ours['still_points']:,} of {n:,} in {ours['slices']} frames shown), then a frame "
            f"{ours['still'] * 1000:.0f} ms   GLScatterPlotItem every frame "
            f"{peer['still'] * 1000:.0f} ms\n"
            f"  every point in one frame: embviz {ours['one_frame'] * 1000:.0f} ms   "
            f"GLScatterPlotItem {peer['still'] * 1000:.0f} ms   "
            f"ratio ours/peer {ours['one_frame'] / peer['still']:.2f}\n"
            f"  hover pick after a camera move: median {statistics.median(pick) * 1000:.2f} ms, "
            f"max {max(pick) * 1000:.2f} ms   projecting every point (numpy) "
            f"{statistics.median(brute) * 1000:.1f} ms   "
            f"ratio {statistics.median(brute) / statistics.median(pick):.0f}x; "
            f"same point {ours['pick_same']}/{ours['pick_count']}"
        )


if __name__ == "__main__":
    main()
