"""A partitioned atlas folder (3 parts written with pyarrow by the contract) in the real window,
as a person uses it: drop the folder, see the dots where the axes say, rest the pointer on a dot
and click it to read its document, ask for neighbours. The vector column is not read until the
neighbours need it (counted), and then they equal numpy's exact cosine ranking. A folder with a
missing part gets a message and the map keeps what it showed."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from embviz.io.atlas_dataset import VECTOR_READS
from tests.gui.pixel_probe import data_area, find_dots, hover, match, window_pos
from tests.gui.test_main_window import drop
from tests.io.partitioned_helpers import RECORD, synthetic_tables, write_parts

COLUMNS = 18  # the map: points on a grid, far enough apart to be told apart in pixels


def text_boxes(window, view) -> list[QRectF]:
    """Window rectangles of the text drawn over the map (topic names, labels)."""
    offset = QPointF(view.viewport().mapTo(window, QPoint(0, 0)))
    boxes = []
    for item in view.scene().items():
        if isinstance(item, pg.TextItem) and item.isVisible() and item.textItem.toPlainText():
            rect = view.viewportTransform().mapRect(item.sceneBoundingRect())
            boxes.append(rect.translated(offset))
    return boxes


def grid_parts(sizes=(120, 90, 150)):
    tables, start = [], 0
    for table in synthetic_tables(sizes):
        rows = np.arange(start, start + table.num_rows)
        x, y = (rows % COLUMNS).astype(np.float32), (rows // COLUMNS).astype(np.float32) * 0.8
        table = table.set_column(table.schema.get_field_index("x"), "x", pa.array(x))
        tables.append(table.set_column(table.schema.get_field_index("y"), "y", pa.array(y)))
        start += table.num_rows
    return tables


@pytest.fixture
def folder(tmp_path):
    return write_parts(tmp_path / "three-parts", grid_parts(), RECORD)


def _open(window, qtbot, path):
    drop(window, [path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=20000)
    qtbot.wait(100)
    return window.session.current


def test_open_a_partitioned_folder_read_vectors_only_for_neighbours(window, qtbot, folder):
    window.resize(1400, 950)
    eset = _open(window, qtbot, folder)
    table = pa.concat_tables([pq.read_table(p) for p in sorted(folder.glob("part-*.parquet"))])
    assert len(eset) == 360 and eset.name == "three-parts"
    view = window.view
    np.testing.assert_array_equal(view.coords[:, 0], table["x"].to_numpy())
    np.testing.assert_array_equal(view.coords[:, 1], table["y"].to_numpy())

    # every dot where the axes say (the map is coloured by the atlas's clusters or not at all)
    window.panels["appearance"].theme.setCurrentText("light")
    window.session.active.set_colour_column(None)
    qtbot.wait(200)
    area = data_area(window, view)
    found = find_dots(window.grab(), view.theme.point, view.theme.background, area)
    covered = text_boxes(window, view)  # topic names and point labels hide the dots under them
    expected = np.array(
        [(p.x(), p.y()) for p in (window_pos(window, view, x, y) for x, y in view.coords)]
    )

    def clear(points):
        return np.array(
            [
                (x, y)
                for x, y in points
                if area.adjusted(6, 6, -6, -6).contains(QPointF(x, y))
                and not any(box.adjusted(-5, -5, 5, 5).contains(QPointF(x, y)) for box in covered)
            ]
        )

    assert len(clear(expected)) > 250
    _, distance = match(found, clear(expected))
    assert distance.max() <= 1.0, f"dots off by up to {distance.max():.1f} px"
    _, stray = match(expected, clear(found))  # and no dot is drawn where no point is
    assert stray.max() <= 1.0

    # rest the pointer on a dot, then click it: its document is shown
    docs = window.panels["document_text"]
    row = 200  # its title is repeated in the data, so its label names its row
    pos = view.mapFromScene(view.scene_pos_of(row))
    hover(qtbot, view.viewport(), pos + QPoint(1, 0))
    qtbot.waitUntil(lambda: view.hovered_row == row, timeout=3000)
    assert view.hover_text.toPlainText() == "the same title (row 200)"
    qtbot.waitUntil(lambda: docs.row == row, timeout=3000)
    assert docs.shown_text() == table["text"][row].as_py()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: list(window.session.selection) == [row], timeout=3000)
    assert docs.title.text() == "the same title (row 200)"
    assert f"<b>source</b>: {table['source'][row].as_py()}" in docs.details.text()

    # nothing so far read a vector
    assert VECTOR_READS[str(folder)] == 0 and not eset.vectors_loaded

    # neighbours on demand: the vectors are read in the worker, once, and ranked exactly
    panel = window.panels["neighbors"]
    window.docks["neighbors"].raise_()
    progress = []
    window.runner.started.connect(lambda handle: handle.progressed.connect(progress.append))
    panel.query.setText("document 33")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20000)
    vectors = np.array(table["vector"].to_pylist(), dtype=np.float64)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosine = unit @ unit[33]
    cosine[33] = -np.inf  # the query itself is left out
    k = panel.k.value()
    expected = np.argsort(-cosine, kind="stable")[:k]
    assert [int(r) for r in panel.result.rows] == expected.tolist()
    np.testing.assert_allclose(panel.result.scores, cosine[expected], atol=1e-5)
    shown = [panel.results.item(i, 1).text() for i in range(panel.results.rowCount())]
    assert shown[:3] == [eset.labels[int(r)] for r in expected[:3]]
    assert VECTOR_READS[str(folder)] == 1 and eset.vectors_loaded
    assert any("Reading the vectors" in p.message for p in progress)
    panel.query.setText("document 34")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.result.title.startswith("document 34"), timeout=20000)
    assert VECTOR_READS[str(folder)] == 1  # kept, not read again


def test_a_folder_with_a_missing_part_is_refused_and_the_map_kept(window, qtbot, folder, tmp_path):
    before = _open(window, qtbot, folder)
    broken = write_parts(tmp_path / "broken", grid_parts(), RECORD)
    (broken / "part-00001.parquet").unlink()
    window.last_error = None
    drop(window, [broken])
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    text = window.last_error.text()
    assert "part-00001.parquet" in text and "missing" in text and "Traceback" not in text
    assert window.session.current is before and len(window.session.sets) == 1
    assert window.view.coords.shape[0] == 360


def test_above_a_million_rows_text_stays_on_disk_and_is_read_when_shown(
    window, qtbot, folder, monkeypatch
):
    from embviz.io import atlas_dataset

    monkeypatch.setattr(atlas_dataset, "SMALL_ROWS", 100)  # this folder as a big atlas opens
    table = pa.concat_tables([pq.read_table(p) for p in sorted(folder.glob("part-*.parquet"))])
    eset = _open(window, qtbot, folder)
    assert "text" not in eset.metadata and eset.metadata["source"].tolist() == (
        table["source"].to_pylist()
    )
    view, docs = window.view, window.panels["document_text"]
    row = 123
    pos = view.mapFromScene(view.scene_pos_of(row))
    hover(qtbot, view.viewport(), pos + QPoint(1, 0))
    qtbot.waitUntil(lambda: view.hovered_row == row, timeout=3000)
    assert view.hover_text.toPlainText() == "document 123 (row 123)"
    qtbot.waitUntil(lambda: docs.row == row, timeout=3000)
    assert docs.shown_text() == table["text"][row].as_py()  # read from its row group
    assert VECTOR_READS[str(folder)] == 0 and not eset.vectors_loaded
