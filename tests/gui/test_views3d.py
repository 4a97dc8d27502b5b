"""The 3-D map under a real OpenGL context (Xvfb in CI): it draws, and hover picks a known point."""

from __future__ import annotations

import os

import numpy as np
import pytest

from tests.gui.open3d import open_in_3d

pytestmark = pytest.mark.gl


@pytest.fixture
def gl_available():
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")


def test_3d_view_renders_and_picks(gl_available, window, qtbot, tmp_path):
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(400, 3)).astype(np.float32)
    vectors[0] = [0, 0, 0]
    path = tmp_path / "cube.npz"
    np.savez(path, vectors=vectors, labels=np.array([f"p{i}" for i in range(400)]))
    view = open_in_3d(window, qtbot, path)
    assert window.maps.current_view() is view
    # the 2-D projection kept 2 columns: the 3-D view asks for a 3-D layout once
    qtbot.waitUntil(lambda: np.allclose(view.coords, vectors), timeout=10000)
    coords_2d = window.view.coords.copy()
    window.maps.three_d_action.setChecked(False)
    window.maps.three_d_action.setChecked(True)  # cached: no new request, same layout
    assert not window.runner.is_busy() and np.allclose(view.coords, vectors)
    assert np.array_equal(window.view.coords, coords_2d)
    view.set_point_size(14)
    view.set_colouring(None)
    qtbot.wait(100)
    frame = view.grabFramebuffer().convertToFormat(view.grabFramebuffer().Format.Format_RGB888)
    pixels = np.frombuffer(frame.constBits(), np.uint8, frame.bytesPerLine() * frame.height())
    assert len(np.unique(pixels)) > 10  # points drawn, not a blank background
    pos = view.screen_pos_of(0)  # the origin: projected with the view's own matrices
    # the framebuffer has a point's colour where numpy says the point is
    colour = frame.pixelColor(int(pos.x()), int(pos.y()))
    assert colour != frame.pixelColor(2, 2)
    from PySide6.QtCore import QPoint

    qtbot.mouseMove(view, QPoint(int(pos.x()) + 1, int(pos.y())))
    qtbot.waitUntil(lambda: view.hovered_row >= 0, timeout=3000)
    depth_rank = view.hovered_row
    assert view.toolTip() == f"p{depth_rank}"
    xy = np.array([[pos.x(), pos.y()]])
    rows, screen, depth = view.screen_positions()
    near = np.flatnonzero(np.hypot(*(screen - xy - [1, 0]).T) <= 8)
    assert depth_rank == rows[near[np.argmin(depth[near])]]  # the front-most one under the cursor
    window.session.select([5])
    assert view.selected_rows.tolist() == [5]
    window.maps.three_d_action.setChecked(False)
    assert window.maps.current_view() is window.view
