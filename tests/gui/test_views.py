"""The 2-D map driven with the mouse: box and lasso selection, isolate, colour by a column (the
legend), search over labels and a metadata column, themes and export."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

GROUPS = np.array(["alpha", "beta", "gamma", "delta", "epsilon"])


@pytest.fixture
def plane(tmp_path):
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(3000, 2)).astype(np.float32)
    labels = np.array([f"w{i}" for i in range(3000)])
    group = GROUPS[rng.integers(0, 5, size=3000)]
    value = rng.uniform(0, 100, size=3000)
    path = tmp_path / "plane.npz"
    np.savez(path, vectors=vectors, labels=labels, group=group, value=value)
    return path, vectors, labels, group, value


@pytest.fixture
def plane_window(window, qtbot, plane):
    window.open_paths([plane[0]])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=15000)
    qtbot.wait(50)
    return window


def to_widget(view, x, y) -> QPoint:
    from PySide6.QtCore import QPointF

    return view.mapFromScene(view.plotItem.vb.mapViewToScene(QPointF(x, y)))


def to_data(view, pos: QPoint) -> tuple[float, float]:
    p = view.plotItem.vb.mapSceneToView(view.mapToScene(pos))
    return p.x(), p.y()


def drag(qtbot, widget, points, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifier, points[0])
    for p in points[1:]:
        qtbot.mouseMove(widget, p)
        qtbot.wait(5)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifier, points[-1])


def test_box_select_then_add_and_isolate(plane_window, qtbot, plane):
    win, vectors = plane_window, plane[1]
    view = win.view
    win.maps.tool_actions["box"].trigger()
    a, b = to_widget(view, -1.0, 1.0), to_widget(view, 0.5, -0.2)
    drag(qtbot, view.viewport(), [a, (a + b) / 2, b])
    (x0, y0), (x1, y1) = to_data(view, a), to_data(view, b)
    expected = np.flatnonzero(
        (vectors[:, 0] >= min(x0, x1)) & (vectors[:, 0] <= max(x0, x1))
        & (vectors[:, 1] >= min(y0, y1)) & (vectors[:, 1] <= max(y0, y1))
    )  # fmt: skip
    qtbot.waitUntil(lambda: win.session.selection.size > 0, timeout=3000)
    assert 50 < len(expected) < 3000
    assert win.session.selection.tolist() == expected.tolist()
    assert win.selection_label.text() == f"selected: {len(expected):,} points"
    # Shift + box adds a second region
    c, d = to_widget(view, 1.0, 2.0), to_widget(view, 2.0, 1.0)
    drag(qtbot, view.viewport(), [c, d], Qt.KeyboardModifier.ShiftModifier)
    (x2, y2), (x3, y3) = to_data(view, c), to_data(view, d)
    second = np.flatnonzero(
        (vectors[:, 0] >= x2)
        & (vectors[:, 0] <= x3)
        & (vectors[:, 1] >= y3)
        & (vectors[:, 1] <= y2)
    )
    union = np.union1d(expected, second)
    qtbot.waitUntil(lambda: win.session.selection.size == union.size, timeout=3000)
    assert win.session.selection.tolist() == union.tolist()
    win.maps.isolate_action.setChecked(True)
    assert view.cloud.grid.size == union.size
    outside = int(np.setdiff1d(np.arange(len(vectors)), union)[0])
    assert view.row_at(view.scene_pos_of(outside)) == -1  # hidden points cannot be hovered
    win.maps.isolate_action.setChecked(False)
    assert view.cloud.grid.size == len(vectors)
    win.maps.clear_action.trigger()
    assert win.session.selection.size == 0 and "nothing selected" in win.selection_label.text()


def test_lasso_selects_the_points_inside(plane_window, qtbot, plane):
    win, vectors = plane_window, plane[1]
    view = win.view
    win.maps.tool_actions["lasso"].trigger()
    corners = [(-1.5, -1.0), (1.5, -1.0), (0.0, 1.5)]
    pixels = [to_widget(view, x, y) for x, y in corners]
    drag(qtbot, view.viewport(), [*pixels, pixels[0]])
    tri = np.array([to_data(view, p) for p in pixels])

    def side(p, q, r):
        return (q[0] - p[0]) * (r[:, 1] - p[1]) - (q[1] - p[1]) * (r[:, 0] - p[0])

    s1, s2, s3 = (
        side(tri[0], tri[1], vectors),
        side(tri[1], tri[2], vectors),
        side(tri[2], tri[0], vectors),
    )
    inside = np.flatnonzero(((s1 > 0) & (s2 > 0) & (s3 > 0)) | ((s1 < 0) & (s2 < 0) & (s3 < 0)))
    qtbot.waitUntil(lambda: win.session.selection.size > 0, timeout=3000)
    assert 100 < inside.size
    assert win.session.selection.tolist() == inside.tolist()


def test_colour_by_categorical_column_shows_a_legend(plane_window, qtbot, plane):
    win, group = plane_window, plane[3]
    panel = win.panels["appearance"]
    panel.colour_by.setCurrentText("group")
    legend = win.view.legend
    assert legend.isVisible()
    names, counts = np.unique(group, return_counts=True)
    expected = ["<b>group</b>"]
    for i in np.lexsort((names, -counts)):
        expected += [str(names[i]), f"{counts[i]:,}"]
    assert legend.entries() == expected
    # every point of one group has the same colour, different groups differ
    codes = win.view.colouring.codes
    assert len({int(c) for c in codes[group == "alpha"]}) == 1
    assert len(set(codes.tolist())) == 5
    panel.colour_by.setCurrentText("value")
    lo, hi = np.percentile(plane[4], [1, 99])
    assert legend.entries() == ["<b>value</b>", f"{hi:.4g}", f"{lo:.4g}"]
    panel.colour_by.setCurrentIndex(0)
    assert not legend.isVisible()


def test_search_labels_and_a_column_lists_and_centres(plane_window, qtbot, plane):
    win, labels, group = plane_window, plane[2], plane[3]
    qtbot.keyClicks(win.search_bar.edit, "w12")
    expected = [i for i, label in enumerate(labels) if "w12" in label]
    qtbot.waitUntil(lambda: win.session.search.count == len(expected), timeout=5000)
    assert win.view.hit_rows.tolist() == expected
    assert win.search.hit_list.list.count() == len(expected)
    qtbot.keyClick(win.search_bar.edit, Qt.Key.Key_Return)
    (x0, x1), (y0, y1) = win.view.plotItem.vb.viewRange()
    xy = plane[1][expected]
    assert (xy[:, 0] >= x0).all() and (xy[:, 0] <= x1).all() and (xy[:, 1] >= y0).all()
    win.search.search_in.setCurrentText("group")
    win.search_bar.edit.setText("gamma")
    win.search_bar.request_search()
    assert win.session.search.indices.tolist() == np.flatnonzero(group == "gamma").tolist()


def test_hover_and_dark_theme_and_exports(plane_window, qtbot, plane, tmp_path):
    win, vectors, labels = plane_window, plane[1], plane[2]
    view = win.view
    row = int(np.argmin(np.abs(vectors).sum(axis=1)))
    x, y = map(float, vectors[row])
    view.plotItem.vb.setRange(xRange=(x - 0.05, x + 0.05), yRange=(y - 0.05, y + 0.05), padding=0)
    qtbot.wait(30)
    qtbot.mouseMove(view.viewport(), view.mapFromScene(view.scene_pos_of(row)) + QPoint(1, 1))
    qtbot.waitUntil(lambda: view.hovered_row == row, timeout=3000)
    assert view.toolTip() == labels[row] and view.hover_text.toPlainText() == labels[row]
    win.panels["appearance"].theme.setCurrentText("dark")
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    corner = image.pixelColor(image.width() - 5, image.height() // 2)
    assert corner.lightness() < 60
    win.panels["appearance"].theme.setCurrentText("light")
    from embviz.gui.export_view import export_csv, export_png, export_svg

    png = export_png(win, tmp_path / "map.png", width=1800)
    assert QImage(str(png)).width() == 1800
    assert "<svg" in export_svg(win, tmp_path / "map.svg").read_text()[:2000]
    win.session.select([3, 7])
    assert export_csv(win, tmp_path / "sel.csv", "selected") == 2
    rows = list(csv.DictReader(open(tmp_path / "sel.csv", encoding="utf-8")))
    assert [r["label"] for r in rows] == [labels[3], labels[7]]
    assert np.allclose([float(rows[0]["x"]), float(rows[0]["y"])], vectors[3])
    assert rows[1]["group"] == plane[3][7]
    visible = export_csv(win, tmp_path / "vis.csv", "visible")
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
    inside = (
        (vectors[:, 0] >= x0)
        & (vectors[:, 0] <= x1)
        & (vectors[:, 1] >= y0)
        & (vectors[:, 1] <= y1)
    )
    assert visible == int(inside.sum())


def test_colour_by_neighbourhood_kept_once_quality_is_known(demo_window, qtbot):
    from embviz.gui.views.map_controller import KEPT

    win = demo_window
    panel = win.panels["appearance"]
    qtbot.waitUntil(lambda: panel.colour_by.findText(KEPT) >= 0, timeout=60000)
    quality = win.session.projection.info["quality"]
    panel.colour_by.setCurrentText(KEPT)
    colouring = win.view.colouring
    assert colouring is not None and colouring.kind == "numeric" and colouring.column == KEPT
    checked = np.isfinite(quality.kept)
    assert checked.sum() == quality.queries  # points whose neighbourhoods were compared
    # rows with a higher share of neighbours kept never get a lower colour code
    codes = colouring.codes[checked].astype(int)
    order = np.argsort(quality.kept[checked], kind="stable")
    assert np.all(np.diff(codes[order]) >= 0)
