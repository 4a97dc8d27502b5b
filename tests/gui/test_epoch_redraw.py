"""A new layout of the same rows (a training epoch) is drawn where the axes say, and picked there.

Such a layout only moves the points (point_motion.relayout), keeping the rows' colours,
selection and labels: what a person sees must still be the new layout. A 2-D set is drawn as it
is, so each "epoch" gives its new vectors and they are the expected positions (independent of
what the map holds). The rows are permuted between epochs, so a dot, label or pick left at a
row's old place would be another row's.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import data_area, find_dots, hover, match, window_pos

GRID = np.array([[x, y] for y in (-1, 0, 1) for x in (-1, 0, 1)], dtype=np.float32)
PERMUTATION = np.array([4, 0, 8, 2, 6, 1, 7, 3, 5])  # every row moves to another's place
EPOCHS = {
    # inside the fitted view (which is kept: only the points move), rows at others' places
    "kept view": GRID[PERMUTATION] * 0.93 + np.float32(0.04),
    # outgrows the view (which is fitted again)
    "refitted": GRID[PERMUTATION[::-1]] * 2.5 + np.array([0.7, -0.4], dtype=np.float32),
}


@pytest.fixture
def grid_window(window, qtbot, tmp_path):
    path = tmp_path / "grid.npz"
    np.savez(path, vectors=GRID, labels=np.array([f"p{i}" for i in range(len(GRID))]))
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=15000)
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1400, 900), timeout=3000)
    qtbot.wait(150)
    return window


def epoch(window, qtbot, vectors: np.ndarray) -> None:
    """What the Compute dialog does after an epoch: the set's vectors are replaced."""
    eset = window.session.current
    window.session.replace_vectors(eset, vectors)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    qtbot.wait(200)  # the settle timer (labels placed afresh once the points rest)


def drawn_dots(window, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's dot found in the grabbed window (a selected one in the selection's colour),
    and its distance (px) from where the axes put ``expected[row]``."""
    view, theme = window.view, THEMES["light"]
    image, area = window.grab(), data_area(window, view)
    found = find_dots(image, theme.point, theme.background, area)
    selected = find_dots(image, theme.selected, theme.background, area)
    for dot in selected:  # a selected dot may also read as the points' colour: once
        if not len(found) or np.linalg.norm(found - dot, axis=1).min() > 3:
            found = np.vstack([found, dot])
    at = np.array([[window_pos(window, view, x, y).x(), window_pos(window, view, x, y).y()]
                   for x, y in expected])  # fmt: skip
    drawn, distance = match(found, at)
    assert len(found) == len(expected), f"{len(found)} dots drawn for {len(expected)} rows"
    return drawn, distance


@pytest.mark.parametrize("name", list(EPOCHS))
def test_an_epoch_is_drawn_where_the_axes_say(grid_window, qtbot, monkeypatch, name):
    window, view = grid_window, grid_window.view
    full_draws: list[int] = []
    original = view.set_points

    def counted(*args, **kwargs):
        full_draws.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(view, "set_points", counted)
    before = view.plotItem.vb.viewRange()
    new = EPOCHS[name]
    epoch(window, qtbot, new)
    assert not full_draws, "a new layout of the same rows was drawn afresh, not moved"
    kept = np.allclose(view.plotItem.vb.viewRange(), before)
    assert kept == (name == "kept view")
    _, distance = drawn_dots(window, new)
    assert distance.max() <= 1.0, f"dots off their new places by up to {distance.max():.1f} px"


def test_labels_follow_their_rows(grid_window, qtbot):
    window, view = grid_window, grid_window.view
    window.session.select([3])  # a focus label as well as landmarks
    for vectors in EPOCHS.values():
        epoch(window, qtbot, vectors)
        drawn, _ = drawn_dots(window, vectors)
        layer = view.label_layer
        shown = [item for item in layer.focus_items + layer.landmark_items if item.isVisible()]
        assert sorted(item.toPlainText() for item in shown) == [f"p{i}" for i in range(9)]
        offset = view.viewport().mapTo(window, QPoint(0, 0))
        for item in shown:
            box = view.viewportTransform().mapRect(item.sceneBoundingRect())
            centre = np.array([box.center().x() + offset.x(), box.center().y() + offset.y()])
            nearest = int(np.argmin(np.linalg.norm(drawn - centre, axis=1)))
            assert f"p{nearest}" == item.toPlainText(), (
                f"{item.toPlainText()} is drawn beside the dot of p{nearest}"
            )


def test_hover_and_click_pick_the_row_at_its_new_place(grid_window, qtbot):
    window, view = grid_window, grid_window.view
    old_place = {row: window_pos(window, view, *GRID[row]) for row in range(len(GRID))}
    for vectors in EPOCHS.values():
        epoch(window, qtbot, vectors)
        drawn, _ = drawn_dots(window, vectors)
        for row in (0, 4, 8):
            x, y = drawn[row]
            at = view.viewport().mapFrom(window, QPoint(round(x), round(y)))
            hover(qtbot, view.viewport(), at)
            qtbot.waitUntil(lambda r=row: view.hovered_row == r, timeout=2000)
            assert view.hover_text.isVisible() and view.hover_text.toPlainText() == f"p{row}"
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
            qtbot.waitUntil(lambda r=row: window.session.selection.tolist() == [r], timeout=2000)
    # where row 0 was first drawn: the row drawn there now (by the axes' mapping of the new
    # coordinates), or none; never row 0 from where it was
    old = old_place[0]
    now = np.array([[window_pos(window, view, *v).x(), window_pos(window, view, *v).y()]
                    for v in EPOCHS["refitted"]])  # fmt: skip
    distance = np.linalg.norm(now - [old.x(), old.y()], axis=1)
    assert distance[0] > 20  # row 0 moved away from there
    there = int(np.argmin(distance)) if distance.min() < 3 else -1
    hover(qtbot, view.viewport(), view.viewport().mapFrom(window, old.toPoint()))
    qtbot.waitUntil(lambda: view.hovered_row == there, timeout=2000)
    qtbot.wait(100)
    assert view.hovered_row == there


def test_a_pointer_resting_on_the_map_hovers_what_moves_under_it(grid_window, qtbot):
    window, view = grid_window, grid_window.view
    new = EPOCHS["kept view"]
    target = window_pos(window, view, *new[2])  # where row 2 will be (the view is kept)
    spot = view.viewport().mapFrom(window, QPoint(round(target.x()), round(target.y())))
    hover(qtbot, view.viewport(), spot)  # nothing there yet
    qtbot.wait(100)
    assert view.hovered_row == -1
    epoch(window, qtbot, new)
    qtbot.waitUntil(lambda: view.hovered_row == 2, timeout=2000)
    assert view.hover_text.toPlainText() == "p2"


def test_quality_waits_until_the_vectors_rest(grid_window, qtbot, monkeypatch):
    import embviz.gui.projection_controller as pc

    window = grid_window
    controller = window.projector
    eset = window.session.current
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    from embviz.core.dataset import EmbeddingSet

    words = EmbeddingSet([f"w{i}" for i in range(60)], vectors, name="words")
    window.session.add_set(words)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    assert eset is not words
    monkeypatch.setattr(pc, "QUALITY_REST_S", 3.0)
    window.session.replace_vectors(words, vectors * 1.5)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    projection = window.session.projection
    assert projection.method == "pca"
    assert controller.compute_quality(words, projection) is False  # the vectors just changed
    assert not controller.quality_runner.is_busy("quality")
    qtbot.waitUntil(lambda: "quality" in projection.info, timeout=15000)  # once they rested
    assert projection.info["quality"] is not None


def wheel_zoom_in(view, qtbot, at: QPoint, notches: int = 3) -> None:
    """Turn the mouse wheel over the map at ``at`` (viewport pixels), as a person zooms in."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = view.viewport()
    for _ in range(notches):
        event = QWheelEvent(
            QPointF(at),
            QPointF(viewport.mapToGlobal(at)),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)
        qtbot.wait(30)


def test_a_zoom_the_person_made_stays_through_epochs(grid_window, qtbot):
    """Zoomed in on the top-right dot: an epoch that keeps that part of the map keeps the zoom
    (it used to count as outgrown and was fitted again at every epoch); one that moves every row
    out of it is fitted again."""
    window, view = grid_window, grid_window.view
    corner = window_pos(window, view, 1.0, 1.0)
    wheel_zoom_in(view, qtbot, view.viewport().mapFrom(window, corner.toPoint()))
    zoomed = view.plotItem.vb.viewRange()
    (x0, x1), (y0, y1) = zoomed
    assert x1 - x0 < 2.0 and x0 <= 1.0 <= x1 and y0 <= 1.0 <= y1  # zoomed in, the dot in view
    nearby = GRID * 1.02 + np.float32(0.01)  # every row a little off: the corner is still there
    epoch(window, qtbot, nearby)
    assert np.allclose(view.plotItem.vb.viewRange(), zoomed)
    inside = [r for r, (x, y) in enumerate(nearby) if x0 <= x <= x1 and y0 <= y <= y1]
    assert 8 in inside
    found = find_dots(window.grab(), THEMES["light"].point, THEMES["light"].background,
                      data_area(window, view))  # fmt: skip
    at = window_pos(window, view, *nearby[8])
    assert np.linalg.norm(found - [at.x(), at.y()], axis=1).min() <= 1.0
    far = GRID * 3.0 + np.float32(40.0)  # every row leaves the zoomed part
    epoch(window, qtbot, far)
    _, distance = drawn_dots(window, far)  # all nine drawn again, where the axes say
    assert distance.max() <= 1.0
