"""Two 3-D views in one process whose OpenGL contexts share nothing (no AA_ShareOpenGLContexts,
as a benchmark or a program embedding the view makes them), then a third after the first is
closed. Prints, as JSON, for each view: how many of the sample points along its three axis lines
have an axis-coloured pixel within 2 px (the axes' ends projected with the view's own matrices).

Run by tests/gui/test_views3d_two.py in a child process (the attribute is process-wide and set
for the test session); ``python -m tests.gui.two_views3d_probe`` under xvfb-run.
"""

from __future__ import annotations

import json

import numpy as np


def axis_pixels(view) -> tuple[int, int]:
    """(sample points with an axis-coloured pixel near them, sample points) on ``view``."""
    from tests.gui.pixel_probe import image_array

    rgb = image_array(view.grabFramebuffer()).astype(np.int64)
    dpr = view.devicePixelRatioF()
    ends = view.axis_ends()
    at, depth = view.project(ends)
    assert (depth > 0).all()
    colour = np.array(view.theme.axis)
    background = np.array(view.theme.background[:3])
    # antialiased, 1.5 px wide: a pixel at least half way from the background to the colour
    line = colour - background
    share = ((rgb - background) @ line) / float(line @ line)
    off = np.linalg.norm((rgb - background) - share[..., None] * line, axis=-1)
    axis_like = (share >= 0.5) & (off <= 30)
    found = total = 0
    for end in at[1:]:
        for t in np.linspace(0.2, 0.8, 7):  # inside the line, away from the points' labels
            x, y = (at[0] + t * (end - at[0])) * dpr
            total += 1
            ys, xs = slice(max(int(y) - 2, 0), int(y) + 3), slice(max(int(x) - 2, 0), int(x) + 3)
            found += bool(axis_like[ys, xs].any())
    return found, total


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from embviz.gui.views.scatter3d import Scatter3DView

    points = np.random.default_rng(0).normal(size=(60, 3)).astype(np.float32)

    def make():
        view = Scatter3DView()
        view.resize(400, 400)
        view.show()
        view.show_landmarks = False  # only the points and the axes in the frame
        view.set_points(points * 0.3, [f"w{i}" for i in range(len(points))])
        view.setCameraPosition(azimuth=30, elevation=20)
        for _ in range(10):
            app.processEvents()
        return view

    views = [make(), make()]
    results = [axis_pixels(view) for view in views]
    views[0].close()
    views[0].deleteLater()
    for _ in range(10):
        app.processEvents()
    results.append(axis_pixels(make()))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
