"""The real main window, driven as a person would: search, hover, click, drop, cancel."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import Progress
from embviz.io.registry import formats
from tests.conftest import write_glove


def wait_idle(qtbot, win, timeout=30000):
    qtbot.waitUntil(win.is_idle, timeout=timeout)


def drop(win, paths):
    """Drag files over the window and drop them (Qt 6 ignores a synthetic Drop sent through
    QApplication without a real drag, so the events go to the window's handlers directly)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    win.dragEnterEvent(enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    win.dropEvent(event)
    assert event.isAccepted()


def test_demo_opens_with_pca_map(demo_window):
    win = demo_window
    eset = win.session.current
    assert 18_000 <= len(eset) <= 25_000 and eset.dims == 384
    assert win.session.projection.method == "pca"
    assert win.view.coords.shape == (len(eset), 2)
    assert f"{len(eset):,} × 384" in win.set_label.text()
    assert "nothing selected" in win.selection_label.text()
    assert any(
        item.isVisible() for item in win.view.label_layer.landmark_items
    )  # words drawn on the map


def test_search_king_highlights_and_counts(demo_window, qtbot):
    win = demo_window
    qtbot.keyClicks(win.search_bar.edit, "king")
    expected = [i for i, label in enumerate(win.session.current.labels) if "king" in label]
    qtbot.waitUntil(lambda: win.session.search.count == len(expected), timeout=5000)
    assert list(win.session.search.indices) == expected
    assert win.search_bar.count.text() == f"{len(expected):,} matches"
    assert np.array_equal(win.view.hit_rows, expected)
    assert win.session.current.index_of("king") in expected


def test_bad_regex_is_reported_not_raised(demo_window, qtbot):
    win = demo_window
    win.search_bar.regex.setChecked(True)
    qtbot.keyClicks(win.search_bar.edit, "kin[")
    qtbot.waitUntil(lambda: "regular expression" in win.search_bar.count.text(), timeout=5000)
    assert win.view.hit_rows.size == 0


def _zoom_on(win, row, qtbot):
    x, y = map(float, win.view.coords[row])
    win.view.plotItem.vb.setRange(
        xRange=(x - 1e-3, x + 1e-3), yRange=(y - 1e-3, y + 1e-3), padding=0
    )
    qtbot.wait(50)
    return win.view.mapFromScene(win.view.scene_pos_of(row))


def test_hover_shows_label_and_click_selects(demo_window, qtbot):
    win = demo_window
    row = win.session.current.index_of("king")
    pos = _zoom_on(win, row, qtbot)
    qtbot.mouseMove(win.view.viewport(), pos + QPoint(1, 0))
    qtbot.waitUntil(lambda: win.view.hovered_row == row, timeout=3000)
    assert win.view.toolTip() == "king"
    assert win.view.hover_text.toPlainText() == "king"
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: list(win.session.selection) == [row], timeout=3000)
    assert win.selection_label.text() == "selected: king"


def test_drop_file_replaces_the_set(demo_window, qtbot, small_glove):
    win = demo_window
    path, labels, vectors = small_glove
    drop(win, [path])
    qtbot.waitUntil(lambda: win.session.current.name == path.name and win.is_idle(), timeout=10000)
    assert win.session.current.labels == labels
    assert win.view.coords.shape == (50, 2)
    assert win.set_combo.count() == 2  # the demo is still open, one choice away
    assert str(path.resolve()) in win.recent_files()


def test_drop_broken_file_keeps_previous_set(demo_window, qtbot, tmp_path):
    win = demo_window
    before = win.session.current
    broken = tmp_path / "broken.vec"
    broken.write_bytes(os.urandom(4096))
    drop(win, [broken])
    qtbot.waitUntil(lambda: win.last_error is not None, timeout=10000)
    text = win.last_error.text()
    assert str(broken) in text and "Traceback" not in text
    assert win.session.current is before and len(win.session.sets) == 1
    assert win.view.coords.shape[0] == len(before)


def test_two_dimensional_data_is_shown_as_is(window, qtbot, tmp_path):
    labels = ["a", "b", "c", "d"]
    vectors = np.array([[0, 0], [1, 0], [0, 2], [3, 3]], dtype=np.float32)
    path = tmp_path / "plane.txt"
    write_glove(path, labels, vectors)
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=10000)
    assert window.session.projection.method == "as-is"
    assert np.array_equal(window.view.coords, vectors)


class _EndlessFormat:
    """A reader that never finishes on its own: only Cancel can stop it."""

    name = "endless-test"
    title = "endless (test)"
    extensions = (".endless",)

    def __init__(self):
        self.stopped_at = None

    def sniff(self, path, head):
        return 1.0 if head.startswith(b"ENDLESS") else 0.0

    def read(self, path, **options):
        try:
            for i in range(100_000):
                time.sleep(0.02)
                yield Progress(None, f"reading block {i}")
            return EmbeddingSet(["x"], np.zeros((1, 2)))
        finally:
            self.stopped_at = time.monotonic()


@pytest.fixture
def endless_format():
    fmt = formats.register(_EndlessFormat())
    yield fmt
    formats._load().pop(fmt.name)


def test_cancel_stops_loading_within_a_second(demo_window, qtbot, tmp_path, endless_format):
    win = demo_window
    before = win.session.current
    path = tmp_path / "big.endless"
    path.write_bytes(b"ENDLESS\n")
    win.open_paths([path])
    qtbot.waitUntil(lambda: win.progress.isVisible(), timeout=3000)
    qtbot.wait(300)
    pressed = time.monotonic()
    qtbot.mouseClick(win.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: endless_format.stopped_at is not None, timeout=3000)
    assert endless_format.stopped_at - pressed < 1.0
    assert not win.runner.is_busy() and not win.progress.isVisible()
    assert win.session.current is before and win.last_error is None


def test_panel_overlays_are_drawn_and_focus_centres(demo_window, qtbot):
    from embviz.core.overlay import Overlay

    win = demo_window
    eset = win.session.current
    king, queen = eset.index_of("king"), eset.index_of("queen")
    win.session.set_overlay("test", Overlay(np.array([king, queen]), [(king, queen)]))
    assert win.view.overlay_rows.tolist() == [king, queen]
    xs, _ = win.view.overlay_lines["test"].getData()
    assert win.view.overlay_lines["test"].opts["pen"].color().getRgb()[:3] == (44, 160, 44)
    assert np.allclose(xs, win.view.coords[[king, queen], 0])
    shown = {item.toPlainText() for item in win.view.label_layer.focus_items if item.isVisible()}
    assert {"king", "queen"} <= shown
    win.session.focus([king])
    (x0, x1), (y0, y1) = win.view.plotItem.vb.viewRange()
    x, y = win.view.coords[king]
    extent = float(np.ptp(win.view.coords, axis=0).max())
    assert x0 < x < x1 and y0 < y < y1
    assert 0.05 * extent < (y1 - y0) < 0.4 * extent  # zoomed in, with its surroundings
    win.session.set_overlay("test", None)
    assert win.view.overlay_rows.size == 0 and "test" not in win.view.overlay_lines
