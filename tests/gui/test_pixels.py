"""Pixel truth for the 2-D map: each dot is drawn where the axes say, within 1 px.

Known layouts (a 3 x 3 grid, points on the axes' tick values) are opened as a person would;
the whole window is grabbed and the dots are found in the picture (tests/gui/pixel_probe.py),
then compared with the view box's own mapping and with the tick marks the axes draw. Hover and
click at a dot's drawn pixel pick that dot.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import axis_ticks, data_area, find_dots, match, window_pos

GRID = np.array([[x, y] for y in (-1, 0, 1) for x in (-1, 0, 1)], dtype=np.float32)
SIZES = [(800, 600), (1400, 900), (1600, 1000)]


def write_set(tmp_path, coords, name="grid.npz"):
    path = tmp_path / name
    np.savez(path, vectors=coords, labels=np.array([f"p{i}" for i in range(len(coords))]))
    return path


def open_set(window, qtbot, path):
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=15000)
    qtbot.wait(50)


def resize(window, qtbot, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=3000)
    qtbot.wait(150)  # layout, then the debounced label placement


def dots_in_window(window, theme: str) -> tuple[np.ndarray, np.ndarray]:
    """(found dot centres, expected centres) in window pixels for every point of the map."""
    view = window.view
    colours = THEMES[theme]
    found = find_dots(window.grab(), colours.point, colours.background, data_area(window, view))
    expected = np.array(
        [[window_pos(window, view, x, y).x(), window_pos(window, view, x, y).y()]
         for x, y in view.coords]
    )  # fmt: skip
    return found, expected


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_grid_dots_sit_where_the_axes_say_in_the_whole_window(window, qtbot, tmp_path, theme):
    open_set(window, qtbot, write_set(tmp_path, GRID))
    assert np.allclose(window.view.coords, GRID)  # 2-D data: the map is the data itself
    window.panels["appearance"].theme.setCurrentText(theme)
    for size in SIZES:
        resize(window, qtbot, size)
        found, expected = dots_in_window(window, theme)
        assert len(found) == len(GRID), f"{size}: {len(found)} dots drawn of {len(GRID)}"
        _, distance = match(found, expected)
        assert distance.max() <= 1.0, f"{size}: dots off by up to {distance.max():.1f} px"


def test_points_on_tick_values_sit_on_the_tick_marks(window, qtbot, tmp_path):
    values = np.array([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=np.float32)
    coords = np.array([[x, y] for y in values for x in values], dtype=np.float32)
    open_set(window, qtbot, write_set(tmp_path, coords, "ticks.npz"))
    view = window.view
    for size in SIZES:
        resize(window, qtbot, size)
        offset = view.viewport().mapTo(window, QPoint(0, 0))
        found = find_dots(
            window.grab(), THEMES["light"].point, (255, 255, 255), data_area(window, view)
        )
        assert len(found) == len(coords)
        columns = {v: px + offset.x() for v, px in axis_ticks(view, "bottom")}
        rows = {v: px + offset.y() for v, px in axis_ticks(view, "left")}
        checked = 0
        for value in values.tolist():
            if value in columns:  # dots of this x value line up under the tick mark
                xs = found[np.abs(found[:, 0] - columns[value]) < 8, 0]
                assert len(xs) == len(values), f"{size}: column x={value}"
                assert np.abs(xs - columns[value]).max() <= 1.0, f"{size}: x={value}"
                checked += 1
            if value in rows:
                ys = found[np.abs(found[:, 1] - rows[value]) < 8, 1]
                assert len(ys) == len(values), f"{size}: row y={value}"
                assert np.abs(ys - rows[value]).max() <= 1.0, f"{size}: y={value}"
                checked += 1
        assert checked >= 4, f"{size}: too few labelled ticks on the points' values"


def test_hover_and_click_at_the_drawn_dot_pick_that_dot(window, qtbot, tmp_path):
    open_set(window, qtbot, write_set(tmp_path, GRID))
    view = window.view
    resize(window, qtbot, (1400, 900))
    found, expected = dots_in_window(window, "light")
    drawn, _ = match(found, expected)
    for row in (4, 0, 8):  # the centre, the bottom-left and the top-right dot
        x, y = drawn[row]
        if not np.isfinite(x):
            pytest.fail(f"dot {row} is not drawn")
        at = view.viewport().mapFrom(window, QPoint(int(x), int(y)))
        qtbot.mouseMove(view.viewport(), at)
        qtbot.waitUntil(lambda r=row: view.hovered_row == r, timeout=2000)
        assert view.hover_text.isVisible() and view.hover_text.toPlainText() == f"p{row}"
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.waitUntil(lambda r=row: window.session.selection.tolist() == [r], timeout=2000)


def test_labels_keep_clear_of_the_dots(window, qtbot, tmp_path):
    open_set(window, qtbot, write_set(tmp_path, GRID))
    view = window.view
    window.session.select([4])  # a bold focus label as well as landmarks
    radius = (view.point_size + 3) / 2  # the largest dot: a search hit

    def covered(size) -> list[str]:
        """What is wrong with the labels as placed now (empty: every dot named, none covered)."""
        shown = [
            item
            for item in view.label_layer.focus_items + view.label_layer.landmark_items
            if item.isVisible()
        ]
        if len(shown) != len(GRID):  # every point of the grid has its name
            return [f"{size}: {len(shown)} labels shown for {len(GRID)} points"]
        wrong = []
        for item in shown:
            box = view.viewportTransform().mapRect(item.sceneBoundingRect())
            for x, y in view.coords:
                p = view.viewportTransform().map(
                    view.plotItem.vb.mapViewToScene(QPointF(float(x), float(y)))
                )
                dx = max(box.left() - p.x(), 0.0, p.x() - box.right())
                dy = max(box.top() - p.y(), 0.0, p.y() - box.bottom())
                if np.hypot(dx, dy) < radius:
                    wrong.append(f"{size}: {item.toPlainText()} covers the dot at {x}, {y}")
        return wrong

    for size in SIZES:
        resize(window, qtbot, size)
        # labels are placed once the view has settled after the resize (debounced): wait for
        # that placement rather than a fixed time, then every label must keep clear
        try:
            qtbot.waitUntil(lambda size=size: not covered(size), timeout=3000)
        except AssertionError:
            pass
        assert not covered(size), covered(size)


def test_what_reaches_the_screen_matches_the_axes(window, qtbot, tmp_path):
    """The window as the display server holds it (not a re-render): needs a real X display."""
    import os

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() != "xcb" or not os.environ.get("DISPLAY"):
        pytest.skip("reads the screen back: run under xvfb-run")
    open_set(window, qtbot, write_set(tmp_path, GRID))
    resize(window, qtbot, (1400, 900))
    window.raise_()
    window.activateWindow()
    qtbot.wait(300)
    view = window.view
    shot = window.screen().grabWindow(window.winId())
    scale = shot.devicePixelRatio()
    region = data_area(window, view)
    found = find_dots(shot, THEMES["light"].point, (255, 255, 255))
    expected = np.array([[window_pos(window, view, x, y).x(), window_pos(window, view, x, y).y()]
                         for x, y in view.coords]) * scale  # fmt: skip
    inside = [f for f in found if region.adjusted(-2, -2, 2, 2).contains(QPointF(*(f / scale)))]
    assert len(inside) == len(GRID)
    _, distance = match(np.array(inside), expected)
    assert distance.max() <= 1.0
