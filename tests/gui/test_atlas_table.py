"""The document table linked to the map, as a person sees it: rows picked in the table light up
their dots at the pixels the axes give, a dot clicked on the map selects and scrolls to its row,
brushing a histogram keeps exactly the rows in range in the table and fades exactly the others
on the map, and the side panel shows the full text of the document clicked or pointed at."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from embviz.gui.views.scatter2d import FADED_OPACITY
from embviz.gui.views.themes import THEMES
from tests.gui.atlas_fixtures import grid_corpus, open_corpus
from tests.gui.pixel_probe import (
    data_area,
    find_dots,
    hover,
    image_array,
    match,
    move_pointer,
    window_pos,
)

LIGHT = THEMES["light"]


def _setup(window, qtbot):
    eset = grid_corpus(60)
    window.resize(1500, 1000)
    open_corpus(window, qtbot, eset)
    for name in ("documents", "document_text", "semantic_search"):  # a corpus shows its docks,
        dock = window.docks[name]  # each in view, not behind another dock's tab
        assert dock.isVisible() and not dock.visibleRegion().isEmpty(), name
    return eset, window.panels["document_table"]


def _expected(window, rows):
    view = window.view
    return np.array(
        [
            [
                window_pos(window, view, *view.coords[r]).x(),
                window_pos(window, view, *view.coords[r]).y(),
            ]
            for r in rows
        ]
    ).reshape(-1, 2)


def _places(found: np.ndarray, within: float = 6.0) -> np.ndarray:
    """Found shapes grouped by place (a dot and its ring count once): one centre per group."""
    places: list[np.ndarray] = []
    for point in found:
        if not any(np.linalg.norm(point - p) <= within for p in places):
            places.append(point)
    return np.array(places).reshape(-1, 2)


def _full_dots(image, area) -> np.ndarray:
    """Centres of the dots drawn at full strength (a faded dot's tint stays far below half)."""
    from scipy import ndimage

    rgb = image_array(image).astype(float)
    line = np.subtract(LIGHT.point, LIGHT.background, dtype=float)
    strength = (rgb - np.asarray(LIGHT.background, float)) @ line / (line @ line)
    residual = np.linalg.norm(rgb - LIGHT.background - strength[..., None] * line, axis=-1)
    on = (strength > 0.4) & (residual < 30)
    mask = np.zeros_like(on)
    x0, y0 = int(area.left()), int(area.top())
    mask[y0 : int(area.bottom()), x0 : int(area.right())] = True
    labels, count = ndimage.label(on & mask)
    if not count:
        return np.empty((0, 2))
    ids = [i for i in range(1, count + 1) if (labels == i).sum() >= 4]
    centres = ndimage.center_of_mass(np.where(on, strength, 0.0), labels, ids)
    return np.array([(c + 0.5, r + 0.5) for r, c in centres]).reshape(-1, 2)


def _table_rows(panel) -> list[int]:
    """The set rows the table lists, top to bottom (what a person reads)."""
    model = panel.table.model()
    return [
        model.data(model.index(i, 0), Qt.ItemDataRole.UserRole) for i in range(model.rowCount())
    ]


def _selected_table_rows(panel) -> list[int]:
    model = panel.table.model()
    return sorted(model.set_row(i.row()) for i in panel.table.selectionModel().selectedRows())


def test_rows_picked_in_the_table_light_up_their_dots(window, qtbot):
    eset, panel = _setup(window, qtbot)
    panel.table.sortByColumn(panel.model.columns.index("words"), Qt.SortOrder.DescendingOrder)
    listed = _table_rows(panel)
    words = eset.metadata["words"]
    assert [words[r] for r in listed] == sorted(words, reverse=True)  # sorted as asked
    table = panel.table
    for i, modifier in (
        (2, Qt.KeyboardModifier.NoModifier),
        (7, Qt.KeyboardModifier.ControlModifier),
    ):
        at = table.visualRect(table.model().index(i, 1)).center()
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, at)
    picked = sorted([listed[2], listed[7]])
    qtbot.waitUntil(lambda: window.session.selection.tolist() == picked, timeout=3000)
    qtbot.wait(100)
    found = find_dots(
        window.grab(), LIGHT.selected, LIGHT.background, data_area(window, window.view)
    )
    # each selected point is a filled dot inside a ring of the same colour: two shapes, one place
    places = _places(found)
    assert len(places) == 2, f"highlights at {len(places)} places, expected 2"
    _, distance = match(found, _expected(window, picked))
    assert distance.max() <= 1.0
    _, distance = match(_expected(window, picked), places)
    assert distance.max() <= 2.0  # and nothing highlighted anywhere else


def test_a_dot_clicked_on_the_map_selects_and_shows_its_row(window, qtbot):
    eset, panel = _setup(window, qtbot)
    panel.table.sortByColumn(panel.model.columns.index("title"), Qt.SortOrder.DescendingOrder)
    view = window.view
    row = 0  # "0: ..." sorts last in descending title order: the table must scroll to it
    x, y = _expected(window, [row])[0]
    at = view.viewport().mapFrom(window, QPoint(int(x), int(y)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: window.session.selection.tolist() == [row], timeout=3000)
    assert _selected_table_rows(panel) == [row]
    index = panel.model.index(int(panel.model.position[row]), 0)
    assert panel.table.viewport().rect().intersects(panel.table.visualRect(index))  # scrolled to
    # the side panel shows that document's full text and its metadata
    text_panel = window.panels["document_text"]
    assert text_panel.shown_text() == eset.metadata["text"][row]
    assert (
        "sentiment" in text_panel.details.text()
        and eset.metadata["sentiment"][row] in text_panel.details.text()
    )
    # a box drawn on the map selects those rows in the table too
    window.maps.select_rows(np.array([11, 12, 21]))
    assert _selected_table_rows(panel) == [11, 12, 21]


def _drag(qtbot, widget, start: QPoint, stop: QPoint) -> None:
    """Press, move in steps with the button held, release: as a person drags."""

    def send(kind, pos, buttons):
        event = QMouseEvent(
            kind,
            QPointF(pos),
            QPointF(widget.mapToGlobal(pos)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(widget, event)

    send(QMouseEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for t in np.linspace(0.1, 1.0, 6):
        qtbot.wait(30)
        send(
            QMouseEvent.Type.MouseMove, start + (stop - start) * float(t), Qt.MouseButton.LeftButton
        )
    qtbot.wait(30)
    send(QMouseEvent.Type.MouseButtonRelease, stop, Qt.MouseButton.NoButton)


def test_brushing_a_histogram_filters_the_table_and_fades_exactly_those_dots(window, qtbot):
    eset, panel = _setup(window, qtbot)
    brush = panel.histograms["words"]
    window.docks["documents"].raise_()
    panel.splitter.widget(1).ensureWidgetVisible(brush)
    qtbot.wait(50)
    words = eset.metadata["words"]
    low, high = np.percentile(words, [25, 60])
    plot = brush.plot
    a = plot.mapFromScene(brush.box.mapViewToScene(QPointF(low, 0)))
    b = plot.mapFromScene(brush.box.mapViewToScene(QPointF(high, 0)))
    y = plot.viewport().height() // 2
    _drag(qtbot, plot.viewport(), QPoint(a.x(), y), QPoint(b.x(), y))
    assert brush.brush is not None and brush.brush[0] == "range"
    _, got_low, got_high = brush.brush
    assert abs(got_low - low) < 0.5 and abs(got_high - high) < 0.5  # where the drag went
    passing = np.flatnonzero((words >= got_low) & (words <= got_high))
    assert 0 < passing.size < len(words)
    qtbot.waitUntil(lambda: sorted(_table_rows(panel)) == passing.tolist(), timeout=3000)
    assert panel.count.text() == f"{passing.size} of {len(words)} documents"
    qtbot.wait(100)
    image = window.grab()
    area = data_area(window, window.view)
    found = _full_dots(image, area)
    assert len(found) == passing.size, f"{len(found)} full dots, {passing.size} rows pass"
    _, distance = match(found, _expected(window, passing))
    assert distance.max() <= 1.0
    # the rows left out are still there, faded: a faint tint of the point colour at their centre
    rgb = image_array(image).astype(float)
    line = np.subtract(LIGHT.point, LIGHT.background, dtype=float)
    out = np.setdiff1d(np.arange(len(words)), passing)
    tints = []
    for x, y in _expected(window, out):
        pixel = rgb[int(y), int(x)] - np.asarray(LIGHT.background, float)
        tints.append(float(pixel @ line / (line @ line)))
    faint = [0.06 < t < 0.3 for t in tints]
    assert sum(faint) >= 0.9 * len(out), (
        f"faded tints {np.round(tints, 2)}"
    )  # labels may cover a few
    # the category bars: clicking "neg" keeps the negative reviews within the range
    sentiment = panel.histograms["sentiment"]
    panel.splitter.widget(1).ensureWidgetVisible(sentiment)
    qtbot.wait(50)
    bar = sentiment.hist.categories.index("neg")
    at = sentiment.plot.mapFromScene(sentiment.box.mapViewToScene(QPointF(bar, 1)))
    qtbot.mouseClick(sentiment.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    both = [r for r in passing if eset.metadata["sentiment"][r] == "neg"]
    qtbot.waitUntil(lambda: sorted(_table_rows(panel)) == both, timeout=3000)
    # clearing brings every row back
    panel.clear_filters()
    assert len(_table_rows(panel)) == len(words) and window.view.filter_mask is None


def test_a_faded_dot_is_not_picked_and_the_text_match_filters(window, qtbot):
    eset, panel = _setup(window, qtbot)
    panel.match.setText("film")
    texts = eset.metadata["text"]
    keep = [
        i for i, t in enumerate(texts) if "film" in t.lower() or "film" in eset.labels[i].lower()
    ]
    qtbot.waitUntil(lambda: sorted(_table_rows(panel)) == keep, timeout=3000)
    out = next(r for r in range(len(texts)) if r not in keep)
    x, y = _expected(window, [out])[0]
    at = window.view.viewport().mapFrom(window, QPoint(int(x), int(y)))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.wait(100)
    assert window.session.selection.tolist() == []


def test_pointing_at_a_table_row_shows_its_text(window, qtbot):
    eset, panel = _setup(window, qtbot)
    window.session.select([5])
    text_panel = window.panels["document_text"]
    assert text_panel.shown_text() == eset.metadata["text"][5]
    index = panel.model.index(int(panel.model.position[9]), 1)
    move_pointer(panel.table.viewport(), panel.table.visualRect(index).center())
    qtbot.waitUntil(lambda: text_panel.shown_text() == eset.metadata["text"][9], timeout=3000)
    assert window.view.linked_row == 9  # the map rings the document pointed at in the table
    ring = window.view.hover_marker.getData()
    assert (ring[0][0], ring[1][0]) == tuple(window.view.coords[9])
    QApplication.sendEvent(panel.table.viewport(), QEvent(QEvent.Type.Leave))  # pointer leaves
    assert window.view.linked_row == -1  # the ring goes, and the selected document is shown
    assert text_panel.shown_text() == eset.metadata["text"][5]
    # pointing at a dot on the map shows that document too
    x, y = _expected(window, [14])[0]
    hover(
        qtbot,
        window.view.viewport(),
        window.view.viewport().mapFrom(window, QPoint(int(x), int(y))),
    )
    qtbot.waitUntil(lambda: text_panel.shown_text() == eset.metadata["text"][14], timeout=3000)


def test_export_the_selection_and_copy_its_texts(window, qtbot, tmp_path):
    import pyarrow.parquet as pq
    from PySide6.QtGui import QGuiApplication

    eset, panel = _setup(window, qtbot)
    window.session.select([7, 3])
    panel.copy_texts()
    texts = eset.metadata["text"]
    assert QGuiApplication.clipboard().text() == f"{texts[3]}\n\n{texts[7]}"
    path = tmp_path / "chosen.parquet"
    panel.export(path, "selection")
    qtbot.waitUntil(lambda: path.exists() and not window.runner.is_busy(), timeout=10000)
    table = pq.read_table(path).to_pydict()
    assert table["row"] == [3, 7] and table["text"] == [texts[3], texts[7]]
    np.testing.assert_allclose(np.c_[table["x"], table["y"]], window.view.coords[[3, 7]])
    np.testing.assert_array_equal(np.array(table["vector"], np.float32), eset.vectors[[3, 7]])


@pytest.mark.gl
def test_the_3d_map_fades_the_rows_a_brush_leaves_out(window, qtbot):
    import os

    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")
    eset, panel = _setup(window, qtbot)
    window.maps.three_d_action.setChecked(True)
    view = window.maps.view3d
    if view is None or not view.isValid():
        pytest.skip("no OpenGL context could be created here")
    words = eset.metadata["words"]
    panel.histograms["words"].brush_range(10.0, 20.0)
    passing = (words >= 10) & (words <= 20)
    alpha = view.cloud.color[:, 3]  # the colours the GL item draws, one per row
    assert np.allclose(alpha[passing], view.opacity) and np.allclose(alpha[~passing], FADED_OPACITY)
    # a frame that shows them: a passing dot is darker than a faded one
    view.set_point_size(14)
    qtbot.wait(100)
    frame = view.grabFramebuffer()
    on = next(i for i in range(len(words)) if passing[i])
    off = next(i for i in range(len(words)) if not passing[i])
    shade = [frame.pixelColor(view.screen_pos_of(r).toPoint()).lightness() for r in (on, off)]
    assert shade[0] < shade[1]


def test_a_closed_corpus_is_freed_with_its_filters_and_table(window, qtbot):
    import gc
    import weakref

    eset, panel = _setup(window, qtbot)
    panel.histograms["words"].brush_range(10.0, 20.0)
    panel.match.setText("film")
    panel.apply_match()
    window.session.select([1, 2])
    gone = weakref.ref(eset)
    del eset
    window.close_current_set()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=5000)
    gc.collect()
    assert gone() is None, "the closed corpus is still held"
    assert panel.model.rowCount() == 0 and not panel.histograms
