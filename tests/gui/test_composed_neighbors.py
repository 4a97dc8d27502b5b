"""The neighbours dock with a fastText model: an unseen word gets gensim's composed neighbours,
and the panel says that the query was composed from sub-words."""

from __future__ import annotations

from gensim.models.fasttext import load_facebook_model
from gensim.test.utils import datapath
from PySide6.QtCore import Qt

BIN = datapath("lee_fasttext.bin")


def test_unseen_word_in_the_neighbours_panel(window, qtbot):
    window.open_paths([BIN])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    panel = window.panels["neighbors"]
    window.docks["neighbors"].raise_()
    panel.query.setText("governmentt")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=10000)
    expected = load_facebook_model(BIN).wv.most_similar("governmentt", topn=panel.k.value())
    shown = [panel.results.item(i, 1).text() for i in range(panel.results.rowCount())]
    assert shown == [w for w, _ in expected]
    assert panel.info.text().startswith("governmentt (composed from sub-words):")
    assert window.session.overlays["neighbors"].caption.endswith("(composed from sub-words)")
