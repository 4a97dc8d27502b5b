"""How long the GUI thread is held when a training epoch's layout reaches the map, and by what.

``QT_QPA_PLATFORM=offscreen python benchmarks/epoch_redraw.py [--rows 1750 21721] [--epochs 12]``

``--3d`` (OpenGL: ``xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" python ...``): the map
shows 3-D, its camera orbited as a person would. Each epoch then hands the map the 2-D layout as
above and, 200 ms later, the 3-D layout the map asked for (a 3-D PCA, computed beforehand, put in
the set's cache where the projector's worker would put it, and announced by ``layoutCached``);
the 400 ms watch follows that. Before, the 3-D map was drawn afresh twice per epoch (flat, then
the 3-D layout) with its camera framed anew; now its points move (relayout3d). It also prints
the share of the 3-D landmark words shown before an epoch that are still shown after it (kept
through epochs since labels3d.LandmarkChoice; a full redraw chooses them again).

A window shows a set of N words (the demo's MiniLM vectors, its first N rows), with a selection
and a search so every layer has something to move. Each "epoch" drifts the vectors a little,
projects them with PCA beforehand (outside the timings), then does on the GUI thread what the
app does when the epoch's layout arrives: ``session.replace_vectors`` (the projector's own run is
cancelled) and ``session.set_projection``. A 2 ms timer then records the event loop's gaps for
the next 400 ms (the epoch interval of the Compute dialog): the repaint and any deferred work
(labels placed once the points rest) show up there.

The peer, in the same run and on the same layouts: the full redraw every layout got before
(``MapController.COORDS_ONLY = False``: the points, colours, picking index, rows and labels all
rebuilt). Spans name where the GUI thread's time goes. Prints the load average.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import statistics
import sys
import tempfile
import time

import numpy as np

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SPANS: dict[str, list[float]] = collections.defaultdict(list)
PROFILE = None  # --profile: a cProfile of the coords-only epochs (handler and the 400 ms after)


def span(owner, name: str, label: str | None = None) -> None:
    """Time every call of ``owner.name`` (an instance or a class) under ``label``."""
    method = getattr(owner, name)
    label = label or name

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            SPANS[label].append(time.perf_counter() - start)

    setattr(owner, name, timed)


def drifted(vectors: np.ndarray, epochs: int, seed: int = 0) -> list[np.ndarray]:
    """Vectors that move a little each epoch (as training moves them), same rows."""
    rng = np.random.default_rng(seed)
    scale = float(vectors.std())
    out, current = [], vectors.copy()
    for _ in range(epochs):
        current = current + rng.normal(0, 0.05 * scale, current.shape).astype(np.float32)
        out.append(current.copy())
    return out


def pca_layout(eset, dims: int = 2):
    from embviz.reduce.registry import projection_task

    task = projection_task(eset, "pca", None, dims)
    try:
        while True:
            next(task)
    except StopIteration as stop:
        return stop.value


def watch(app, seconds: float) -> list[float]:
    """Run the event loop for ``seconds``; the gaps between a 2 ms timer's ticks."""
    ticks = [time.perf_counter()]
    timer = QTimer(interval=2)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    timer.start()
    loop.exec()
    timer.stop()
    ticks.append(time.perf_counter())
    return [b - a for a, b in itertools.pairwise(ticks)]


def show_3d(window, app, eset) -> None:
    """Switch the map to 3-D, wait for its 3-D layout, and orbit the camera (a person would)."""
    if not window.maps.show_3d(True) or not window.maps.view3d.isValid():
        raise SystemExit("--3d needs OpenGL: run under xvfb-run with +extension GLX")
    view3d = window.maps.view3d
    deadline = time.monotonic() + 120
    while (
        not window.is_idle() or np.ptp(view3d.coords[:, 2]) == 0
    ) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    view3d.orbit(-40, 15)
    view3d.opts["distance"] *= 0.9
    for name in ("set_points", "paintGL", "resizeGL", "sync_layers", "plan_text"):
        span(view3d, name, f"3-D: {name}")


def hand_3d(window, eset, layout3d) -> None:
    """What the projector does when the 3-D layout the map asked for is done."""
    from embviz.core.projection import keep_projection

    window.runner.cancel(f"layout-{eset.uid}-3d")  # the map's own request: this replaces it
    if keep_projection(eset, layout3d, eset.version):
        window.projector.layoutCached.emit(eset)


def run(rows: int, epochs: int, app, three_d: bool = False) -> None:
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.paths import demo_path
    from embviz.core.picking import PointIndex
    from embviz.gui.main_window import MainWindow
    from embviz.gui.views import labels2d, map_controller, point_layer, scatter2d

    data = np.load(demo_path())
    labels = [str(w) for w in data["labels"][:rows]]
    vectors = np.asarray(data["vectors"][:rows], dtype=np.float32)
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1200, 800)
    window.show()
    eset = EmbeddingSet(labels, vectors, {"count": np.arange(rows, 0, -1)}, name="bench")
    window.session.add_set(eset)
    deadline = time.monotonic() + 120
    while not window.is_idle() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    view_state = window.session.active
    view_state.select(np.arange(0, rows, max(1, rows // 40)))  # 40 selected rows, labelled
    view_state.run_search("^a")  # hits drawn on top, the rest dimmed
    watch(app, 0.5)

    layouts = []
    for epoch_vectors in drifted(vectors, epochs):
        probe = EmbeddingSet(labels, epoch_vectors, name="probe")
        layout3d = pca_layout(probe, 3) if three_d else None
        layouts.append((epoch_vectors, pca_layout(probe), layout3d))
    if three_d:
        show_3d(window, app, eset)
        span(map_controller, "relayout3d", "3-D: relayout3d (coords only)")
        watch(app, 0.5)

    view = window.view
    span(window.session, "set_projection", "handler: set_projection (all subscribers)")
    span(window.session, "replace_vectors", "handler: replace_vectors (all subscribers)")
    span(view, "set_points", "map: set_points (full)")
    span(view, "fit", "map: fit")
    if hasattr(view, "move_points"):
        span(view, "move_points", "map: move_points (coords only)")
    span(view.label_layer, "update", "labels: update (placed)")
    span(view, "_settled", "map: settled (deferred labels)")
    for cls, name in (
        (point_layer.PointCloudItem, "paint"),
        (point_layer.PointCloudItem, "set_points"),
        (labels2d.LabelLayer, "_show"),
        (PointIndex, "_build"),
    ):
        span(cls, name, f"{cls.__name__}.{name}")
    controller = window.maps
    if True:
        span(controller, "_restore_state", "controller: restore rows/colours")
        span(controller.topic_layer, "show", "controller: topics")
        span(controller.graph_layer, "show", "controller: graph layer")

    results: dict[str, list[tuple[float, ...]]] = {"coords-only": [], "full": []}
    words: dict[str, list[float]] = {"coords-only": [], "full": []}  # landmark words kept
    shown_words: set[str] | None = None
    modes = ["coords-only", "full"]
    for i, (epoch_vectors, layout, layout3d) in enumerate(layouts):
        mode = modes[i % 2]
        map_controller.COORDS_ONLY = mode == "coords-only"
        before = {k: len(v) for k, v in SPANS.items()}
        cpu = time.thread_time()
        if PROFILE is not None and mode == "coords-only":
            PROFILE.enable()
        start = time.perf_counter()
        window.session.replace_vectors(eset, epoch_vectors)
        window.projector.cancel(view_state)
        window.session.set_projection(view_state, eset, layout, eset.version)
        handler = time.perf_counter() - start
        gaps = []
        if layout3d is not None:
            gaps = watch(app, 0.2)
            start = time.perf_counter()
            hand_3d(window, eset, layout3d)
            handler += time.perf_counter() - start
        gaps += watch(app, 0.4)
        if PROFILE is not None:
            PROFILE.disable()
        cpu = time.thread_time() - cpu
        busy = sum(g for g in gaps if g > 0.004)
        results[mode].append((handler, max(gaps), busy, cpu))
        if three_d and window.maps.view3d is not None:  # the words a person reads
            now = {p.text for p in window.maps.view3d.placed if p.kind == "landmark"}
            if shown_words:
                words[mode].append(len(now & shown_words) / len(shown_words))
            shown_words = now
        if i < 2 or os.environ.get("EPOCH_SPANS"):
            print(f"  epoch {i} ({mode}):")
            for key, values in SPANS.items():
                new = values[before.get(key, 0) :]
                if new:
                    print(f"    {key}: {len(new)} calls, {sum(new) * 1000:.1f} ms")
    assert scatter2d  # imported for the spans' owners
    view3d = window.maps.view3d
    if three_d and view3d is not None:
        print(f"  3-D camera at the end: distance {view3d.opts['distance']:.3g}, azimuth "
              f"{view3d.opts['azimuth']:.0f}, elevation {view3d.opts['elevation']:.0f}")  # fmt: skip
    for mode, measured in results.items():
        handler, gap, busy, cpu = (statistics.median(v[k] for v in measured) for k in range(4))
        worst = max(v[1] for v in measured)
        print(
            f"{rows:>7,} rows, {mode:>11}: handler median {handler * 1000:6.1f} ms; largest "
            f"event-loop gap median {gap * 1000:6.1f} ms (worst {worst * 1000:.0f}); "
            f"time in gaps > 4 ms {busy * 1000:6.1f} ms, GUI thread CPU {cpu * 1000:.0f} ms "
            "per epoch"
        )
    for mode, kept in words.items():
        if kept:
            print(f"{rows:>7,} rows, {mode:>11}: 3-D landmark words still shown after the "
                  f"epoch: median {statistics.median(kept):.0%} (min {min(kept):.0%})")  # fmt: skip
    for k, what in ((1, "largest gap"), (3, "GUI thread CPU")):
        full = statistics.median(v[k] for v in results["full"])
        moved = statistics.median(v[k] for v in results["coords-only"])
        print(f"{rows:>7,} rows: {what}, full / coords-only = {full / max(moved, 1e-9):.1f}x")
    window.close()
    window.deleteLater()
    app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1750, 21721])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--3d", dest="three_d", action="store_true", help="the map in 3-D")
    args = parser.parse_args()
    global PROFILE
    if args.profile:
        import cProfile

        PROFILE = cProfile.Profile(time.thread_time)  # CPU time: load does not blur it
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"load average (1 min) before: {os.getloadavg()[0]:.2f}")
    for rows in args.rows:
        SPANS.clear()
        run(rows, args.epochs, app, args.three_d)
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")
    if PROFILE is not None:
        import pstats

        pstats.Stats(PROFILE).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    main()
