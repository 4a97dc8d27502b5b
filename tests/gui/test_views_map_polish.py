"""Map polish a new user noticed: the hover label goes when the pointer leaves the map, and a
layout that is still forming (t-SNE, UMAP previews) fills the view unless the person has moved it.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication, QToolTip

from embviz.gui.views.scatter2d import ScatterView
from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import find_dots, hover, viewport_pos


@pytest.fixture
def view(qtbot):
    v = ScatterView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    qtbot.waitExposed(v)
    return v


def grid(scale: float, offset=(0.0, 0.0)) -> np.ndarray:
    xy = np.array([[x, y] for y in range(5) for x in range(5)], dtype=np.float32) - 2
    return xy * scale + np.asarray(offset, np.float32)


def labels(n: int) -> list[str]:
    return [f"w{i}" for i in range(n)]


def test_hover_label_and_tooltip_go_when_the_pointer_leaves(view, qtbot):
    view.set_points(grid(1.0), labels(25))
    at = viewport_pos(view, 0.0, 0.0).toPoint()
    hover(qtbot, view.viewport(), at)
    qtbot.waitUntil(lambda: view.hovered_row == 12, timeout=2000)
    assert view.hover_text.isVisible() and view.toolTip() == "w12"
    left = []
    view.pointHovered.connect(left.append)
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert view.hovered_row == -1 and left == [-1]
    assert not view.hover_text.isVisible() and view.toolTip() == ""
    assert not view.hover_marker.data.size
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)  # Qt fades it out
    # hovering again brings it back; leaving the whole widget ends it too
    hover(qtbot, view.viewport(), at + QPoint(1, 0))
    qtbot.waitUntil(lambda: view.hovered_row == 12, timeout=2000)
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert view.hovered_row == -1 and not view.hover_text.isVisible()


def dots_extent(view) -> tuple[float, float]:
    """Width and height (pixels) of the drawn dots' bounding box, as a share of the data area."""
    theme = THEMES["light"]
    region = view.viewportTransform().mapRect(view.plotItem.vb.sceneBoundingRect())
    found = find_dots(view.grab(), theme.point, theme.background, region)
    assert len(found) == 25
    span = found.max(axis=0) - found.min(axis=0)
    return span[0] / region.width(), span[1] / region.height()


def test_a_forming_layout_fills_the_view_as_it_grows(view, qtbot):
    # the finished layout of an earlier run, far from the origin, with a selection ringed
    view.set_points(grid(9.0, (-14, -20)), labels(25))
    view.set_selection(np.array([0, 24]))
    for scale in (0.01, 0.3, 4.0, 25.0):  # a t-SNE run: tiny at first, then growing
        view.set_points(grid(scale), labels(25), forming=True)
        qtbot.wait(20)
        wide, tall = dots_extent(view)
        assert max(wide, tall) > 0.85, f"scale {scale}: dots fill {wide:.0%} x {tall:.0%}"
    view.set_points(grid(30.0), labels(25), forming=False)  # the finished layout: fitted too
    assert max(dots_extent(view)) > 0.85


def drag_view(qtbot, view, dx: int, dy: int) -> None:
    start = view.viewport().rect().center()
    end = start + QPoint(dx, dy)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + QPoint(dx * i // 5, dy * i // 5))
        qtbot.wait(5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)


def test_a_forming_layout_leaves_a_view_the_person_moved(view, qtbot):
    view.set_points(grid(0.5), labels(25), forming=True)
    drag_view(qtbot, view, 120, 40)  # the person pans to look at something
    moved = view.plotItem.vb.viewRange()
    view.set_points(grid(3.0), labels(25), forming=True)
    view.set_points(grid(6.0), labels(25), forming=False)
    assert np.allclose(view.plotItem.vb.viewRange(), moved)
    # a new layout starting to form is fitted again
    view.set_points(grid(0.2), labels(25), forming=True)
    assert max(dots_extent(view)) > 0.85
    # a plain new set is always fitted
    view.set_points(grid(2.0, (50, 50)), labels(25))
    x0, x1 = view.plotItem.vb.viewRange()[0]
    assert x0 < 46 and x1 > 54


def visible_texts(view, text: str) -> int:
    """How many labels reading ``text`` a person sees: map labels, the hover label, a tool tip."""
    items = view.label_layer.focus_items + view.label_layer.landmark_items + [view.hover_text]
    count = sum(item.isVisible() and item.toPlainText() == text for item in items)
    return count + (QToolTip.isVisible() and QToolTip.text() == text)


def test_hover_shows_one_label(view, qtbot):
    view.set_points(grid(1.0), labels(25))
    view.set_selection(np.array([12]))  # the centre point carries a bold label of its own
    assert visible_texts(view, "w12") == 1
    hover(qtbot, view.viewport(), viewport_pos(view, 0.0, 0.0).toPoint() + QPoint(0, 1))
    qtbot.waitUntil(lambda: view.hovered_row == 12, timeout=2000)
    qtbot.wait(900)  # long enough for Qt to show a tool tip after the pointer rests
    assert view.hover_text.isVisible() and visible_texts(view, "w12") == 1
    box = view.viewportTransform().mapRect(view.hover_text.sceneBoundingRect())
    dot = viewport_pos(view, 0.0, 0.0)
    dx = max(box.left() - dot.x(), 0.0, dot.x() - box.right())
    dy = max(box.top() - dot.y(), 0.0, dot.y() - box.bottom())
    assert np.hypot(dx, dy) >= (view.point_size + 9) / 2  # beside the hover ring, not over it
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert visible_texts(view, "w12") == 1 and not view.hover_text.isVisible()


def test_hover_lands_on_where_the_pointer_rests_after_a_fast_move(view, qtbot):
    """pyqtgraph drops a mouse move that comes within 10 ms of the one before: the pointer's
    resting place must still decide what is hovered."""
    view.set_points(grid(1.0), labels(25))
    first = viewport_pos(view, -2.0, -2.0).toPoint()  # row 0
    last = viewport_pos(view, 2.0, 2.0).toPoint()  # row 24
    hover(qtbot, view.viewport(), first)
    qtbot.waitUntil(lambda: view.hovered_row == 0, timeout=2000)
    qtbot.wait(20)
    qtbot.mouseMove(view.viewport(), first + QPoint(1, 1))  # pyqtgraph takes this one ...
    qtbot.mouseMove(view.viewport(), last)  # ... and drops this one, 0 ms later
    qtbot.waitUntil(lambda: view.hovered_row == 24, timeout=2000)
    assert view.hover_text.toPlainText() == "w24"
