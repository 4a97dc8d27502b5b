"""The neighbours dock on the real window: type a query, see gensim's answer, click, draw."""

from __future__ import annotations

from gensim.models import KeyedVectors
from PySide6.QtCore import Qt


def _kv(eset):
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return kv


def _find(qtbot, panel, text):
    panel.query.setText(text)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.query == text, timeout=10000)


def test_neighbours_panel(demo_window, qtbot, tmp_path):
    win = demo_window
    panel = win.panels["neighbors"]
    win.docks["neighbors"].raise_()
    _find(qtbot, panel, "king")
    expected = _kv(win.session.current).most_similar("king", topn=10)
    shown = [panel.results.item(i, 1).text() for i in range(panel.results.rowCount())]
    assert shown == [w for w, _ in expected]
    assert panel.results.item(0, 2).text() == f"{expected[0][1]:.4f}"
    overlay = win.session.overlays["neighbors"]
    king = win.session.current.index_of("king")
    assert len(overlay.edges) == 10 and all(a == king for a, _ in overlay.edges)
    assert "original space" in panel.info.text()

    # click a result: it is selected and the map centres on it
    _find(qtbot, panel, "paris")
    focused = []
    win.session.focus_requested.connect(focused.append)
    rect = panel.results.visualItemRect(panel.results.item(0, 1))
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    row = win.session.current.index_of(panel.result.labels[0])
    assert win.session.selection.tolist() == [row]
    assert focused and focused[-1].tolist() == [row]

    # neighbours of the selection centroid; an expression with centring on
    eset = win.session.current
    win.session.select([eset.index_of(w) for w in ("paris", "rome")])
    qtbot.mouseClick(panel.centroid_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.result is not None and "centroid" in panel.result.query, timeout=10000
    )
    assert panel.result.labels == [w for w, _ in _kv(eset).most_similar(["paris", "rome"], topn=10)]
    panel.center.setChecked(True)
    _find(qtbot, panel, "king - man + woman")
    assert "CENTRED" in panel.info.text()

    # a typo is said in the panel, without a dialog
    panel.query.setText("king - qqqzz")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "qqqzz" in panel.info.text(), timeout=10000)
    assert "not a label" in panel.info.text()
    assert win.last_error is None
    win.grab().save(str(tmp_path / "neighbors.png"))


def test_k_and_metric_are_remembered_but_centring_is_not(window, qtbot):
    from PySide6.QtCore import QSettings

    from embviz.gui.main_window import MainWindow

    panel = window.panels["neighbors"]
    panel.k.setValue(25)
    panel.metric_box.setCurrentText("euclidean")
    panel.center.setChecked(True)
    window.settings.sync()
    again = MainWindow(settings=QSettings(window.settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.panels["neighbors"].k.value() == 25
    assert again.panels["neighbors"].metric_box.currentText() == "euclidean"
    assert not again.panels["neighbors"].center.isChecked()
