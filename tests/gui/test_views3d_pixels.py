"""Pixel truth for the 3-D map (OpenGL: run under xvfb-run): known points projected with the
view's own projection and view matrices are found in the rendered frame; search hits and the
selection are drawn highlighted at their projected pixels and labelled; the axes are titled;
hover shows one label."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip

from embviz.gui.views.themes import THEMES
from tests.gui.open3d import open_in_3d
from tests.gui.pixel_probe import find_dots, image_array, match

pytestmark = pytest.mark.gl
LIGHT = THEMES["light"]
# the corners of a cube and its centre, seen from a generic angle so that no two overlap
POINTS = np.array(
    [[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)] + [[0, 0, 0]], dtype=np.float32
)


@pytest.fixture
def view3d(window, qtbot, tmp_path):
    path = tmp_path / "cube.npz"
    np.savez(path, vectors=POINTS, labels=np.array([f"c{i}" for i in range(len(POINTS))]))
    view = open_in_3d(window, qtbot, path)
    qtbot.waitUntil(lambda: np.allclose(view.coords, POINTS), timeout=10000)
    view.setCameraPosition(azimuth=30, elevation=20)
    view.set_point_size(12)
    qtbot.wait(50)
    yield view
    window.maps.three_d_action.setChecked(False)


def frame(view) -> np.ndarray:
    image = view.grabFramebuffer()
    assert image.width() == round(view.width() * view.devicePixelRatioF())
    return image_array(image)


def projected(view, rows) -> np.ndarray:
    """Where the camera puts ``rows``: the view's own matrices, in framebuffer pixels."""
    xy, depth = view.project(view.coords[np.asarray(rows)])
    assert (depth > 0).all()
    return xy * view.devicePixelRatioF()


def test_known_points_are_drawn_where_the_camera_projects_them(view3d, window):
    view = view3d
    found = find_dots(frame(view), LIGHT.point, LIGHT.background)
    assert len(found) == len(POINTS)
    _, distance = match(found, projected(view, np.arange(len(POINTS))))
    assert distance.max() <= 1.0, f"dots off their projected pixels by {distance.max():.2f} px"
    # after orbiting, the same holds at the new angle
    view.orbit(70, -35)  # the next grab renders the new camera
    found = find_dots(frame(view), LIGHT.point, LIGHT.background)
    _, distance = match(found, projected(view, np.arange(len(POINTS))))
    assert len(found) == len(POINTS) and distance.max() <= 1.0


def test_search_hits_and_selection_are_highlighted_and_labelled(view3d, window, qtbot):
    view = view3d
    window.session.run_search("c3", regex=False, case_sensitive=False)
    window.session.select([5])
    qtbot.waitUntil(lambda: view.hit_rows.tolist() == [3], timeout=3000)
    pixels = frame(view)
    hits = find_dots(pixels, LIGHT.hit, LIGHT.background)
    assert len(hits) == 1, "the search hit is drawn once, in the hit colour"
    assert np.linalg.norm(hits[0] - projected(view, [3])[0]) <= 1.0
    selected = find_dots(pixels, LIGHT.selected, LIGHT.background)
    assert len(selected) == 1
    assert np.linalg.norm(selected[0] - projected(view, [5])[0]) <= 1.0
    # the other points are dimmed: fainter than a full-strength dot of the point colour
    others = find_dots(pixels, LIGHT.point, LIGHT.background)
    assert len(others) >= len(POINTS) - 2
    # labels: the hit's and the selection's, beside their dots, with text drawn in them
    labels = {p.text: p for p in view.placed if p.kind == "focus"}
    assert set(labels) == {"c3", "c5"}
    for row in (3, 5):
        rect = labels[f"c{row}"].rect
        x, y = projected(view, [row])[0] / view.devicePixelRatioF()
        dx = max(rect.left() - x, 0.0, x - rect.right())
        dy = max(rect.top() - y, 0.0, y - rect.bottom())
        assert (view.point_size + 4) / 2 <= np.hypot(dx, dy) <= 30, (
            f"c{row}'s label is not beside it"
        )
        box = pixels[
            int(rect.top()) + 2 : int(rect.bottom()) - 2,
            int(rect.left()) + 2 : int(rect.right()) - 2,
        ]
        assert (box.astype(int).sum(axis=2) < 400).sum() >= 10, f"no text in c{row}'s label"


def test_axes_are_titled_and_landmarks_labelled(view3d, window):
    view = view3d
    frame(view)  # draws a frame
    titles = [p.text for p in view.placed if p.kind == "axis"]
    projection = window.session.projection
    assert titles == list(projection.info.get("axis_titles", ["x", "y", "z"]))[:3]
    landmarks = [p for p in view.placed if p.kind == "landmark"]
    assert landmarks and all(p.text == f"c{p.row}" for p in landmarks)
    rects = [p.rect for p in view.placed]
    for i, a in enumerate(rects):  # no two labels overlap
        assert not any(a.intersects(b) for b in rects[i + 1 :])


def test_hover_shows_one_label(view3d, window, qtbot):
    view = view3d
    frame(view)
    x, y = projected(view, [0])[0] / view.devicePixelRatioF()
    qtbot.mouseMove(view, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: view.hovered_row == 0, timeout=3000)
    frame(view)
    qtbot.wait(900)  # long enough for Qt to have shown a tool tip
    shown = [p.text for p in view.placed if p.text == "c0"]
    assert view.hover_label.isVisible() and view.hover_label.text() == "c0"
    assert shown == [] and not QToolTip.isVisible()
    label = view.hover_label.geometry()
    assert not label.contains(QPoint(int(x), int(y)))  # beside the dot, not over it
    qtbot.mouseMove(window, QPoint(5, 5))  # the pointer leaves the map
    qtbot.waitUntil(lambda: not view.hover_label.isVisible(), timeout=3000)
