"""A framed 3-D map shows every point, whatever the shape of the window (OpenGL: xvfb-run).

pyqtgraph's field of view is the horizontal one; in a wide map the vertical one is narrower, and
the camera must stand back far enough for the layout's top and bottom too. Where each point lands
is computed here with numpy through the view's own projection and view matrices, and the dots at
the layout's extremes are looked for in the frame the view draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.gui.test_epoch_labels3d import on_screen
from tests.gui.test_epoch_redraw3d import open_3d

pytestmark = pytest.mark.gl

# a 5 x 5 x 5 grid of points, one of them far up: the bounding box is a tall one
GRID = np.stack(np.meshgrid(*[np.linspace(-1, 1, 5)] * 3, indexing="ij"), -1).reshape(-1, 3)
POINTS = np.vstack([GRID, [[0.0, 0.0, 3.0]]]).astype(np.float32)


@pytest.mark.parametrize("size", [(1500, 560), (760, 900)])
def test_every_point_of_a_framed_map_is_inside_it(window, qtbot, tmp_path, size):
    window.resize(*size)
    qtbot.wait(50)
    view = open_3d(window, qtbot, tmp_path, POINTS, size=10)
    for azimuth, elevation in [(45, 30), (0, 0), (90, 60)]:
        view.setCameraPosition(azimuth=azimuth, elevation=elevation)
        view.reset_camera()
        qtbot.wait(100)
        px, w = on_screen(view, POINTS)
        assert (w > 0).all()
        width = view.width()
        inside = (px[:, 0] >= 5) & (px[:, 0] <= width - 5) & (px[:, 1] >= view.top_band + 5)
        inside &= px[:, 1] <= view.height() - 5
        assert inside.all(), (
            f"{view.width()} x {view.height()} view, azimuth {azimuth}, elevation {elevation}: "
            f"{(~inside).sum()} points outside, e.g. at {px[~inside][:3].round(1).tolist()}"
        )
        # the dots at the top and bottom of the picture are drawn there
        frame = view.grabFramebuffer()
        scale = frame.width() / view.width()
        background = frame.pixelColor(2, frame.height() - 3)
        for row in (int(np.argmin(px[:, 1])), int(np.argmax(px[:, 1]))):
            x, y = (px[row] * scale).round().astype(int)
            near = [frame.pixelColor(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
            assert any(c != background for c in near), f"no dot drawn at {x, y} for row {row}"
