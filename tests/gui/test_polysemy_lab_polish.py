"""The polysemy lab without a model: results made here are handed to the lab as a run would.
Its axes before results, the sentences column, Esc / Ctrl+W, maps kept with the data they show
(new inputs never show an old map) and the search ringing matching occurrences."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from sklearn.decomposition import PCA

from embviz.core.polysemy import LayerMeasures, Occurrence, PolysemyResult

SENTENCES = [
    "We had a picnic on the grassy bank of the river.",
    "The bank approved our mortgage after a long wait.",
    "Heavy rain made the river burst its bank overnight.",
    "She works as a cashier at a bank in the riverside town.",
    "The ducks waddled down the bank and into the pond.",
    "My bank charges a fee for every international transfer.",
]
SENSES = ["river", "money", "river", "money", "river", "money"]


def make_result(seed: int, layers=(0, 1, 2)) -> PolysemyResult:
    rng = np.random.default_rng(seed)
    n, dims = len(SENTENCES), 8
    vectors = rng.normal(size=(n, len(layers), dims)).astype(np.float32)
    occurrences = [
        Occurrence(s, s.index("bank"), s.index("bank") + 4, sense, line=i + 1)
        for i, (s, sense) in enumerate(zip(SENTENCES, SENSES, strict=True))
    ]
    measures = [
        LayerMeasures(layer, 0.5, 0.4, 0.3, 0.2, 0.6, 0.3, np.zeros(n, int), 1, 0.0, 0.5)
        for layer in layers
    ]
    return PolysemyResult("bank", "test", "mean", occurrences, list(layers), vectors, measures)


@pytest.fixture
def lab(window, qtbot):
    from embviz.gui.polysemy.lab import PolysemyLab

    lab = PolysemyLab(window)
    qtbot.addWidget(lab)
    lab.show()
    qtbot.waitExposed(lab)
    lab.words_edit.setText("bank")
    lab.slider.setValue(2)
    return lab


def pairwise(xy: np.ndarray) -> np.ndarray:
    return np.linalg.norm(xy[:, None] - xy[None], axis=-1)


def drawn(column) -> np.ndarray:
    return np.array([(p.pos().x(), p.pos().y()) for p in column.scatter.points()])


def test_axes_and_sentences_before_any_result(lab, qtbot):
    lab._set_columns(["bank", "bat"])
    lab.load_sample()
    qtbot.wait(20)
    for column in lab.columns.values():
        chart = column.chart.getPlotItem()
        (x0, x1), (y0, y1) = chart.vb.viewRange()
        # every layer (0..6, the slider's range) and cosine 0..1, a little padding only
        assert x0 == pytest.approx(0, abs=0.2) and x1 == pytest.approx(6, abs=0.2)
        assert y0 == pytest.approx(0, abs=0.05) and y1 == pytest.approx(1, abs=0.05)
        bottom = chart.getAxis("bottom")
        assert bottom.labelString().count("layer") == 1 and "x0.001" not in bottom.labelString()
        assert "(x" not in chart.getAxis("left").labelString()
        ticks = [v for _, values in bottom.tickValues(x0, x1, 300) for v in values]
        assert {0.0, 2.0, 4.0, 6.0} <= set(ticks)
    # the sentences column: wide enough for ~40 characters a line, whole sentences wrapped
    text = lab.text
    assert text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    char = text.fontMetrics().averageCharWidth()
    assert text.viewport().width() >= 40 * char
    assert text.horizontalScrollBar().maximum() == 0  # nothing hides to the right
    block = text.document().findBlockByNumber(3)  # "We had a picnic ... river.<TAB>river<TAB>bank"
    assert block.text().startswith("We had a picnic")
    height = text.document().documentLayout().blockBoundingRect(block).height()
    layout = block.layout()
    assert layout.lineCount() >= 2 and height >= 2 * text.fontMetrics().height()  # wrapped
    widest = max(layout.lineAt(i).naturalTextWidth() for i in range(layout.lineCount()))
    assert widest <= text.viewport().width()
    # four sample words fit side by side without a sideways scroll at the lab's size
    lab._set_columns(["bank", "bat", "spring", "cell"])
    qtbot.wait(20)
    scroll = lab.columns_host.parentWidget().parentWidget()
    assert scroll.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("keys", ["esc", "ctrl+w"])
def test_esc_and_ctrl_w_close_the_lab(lab, qtbot, keys):
    lab.activateWindow()
    lab.words_edit.setFocus()
    qtbot.waitUntil(lab.isActiveWindow, timeout=2000)
    if keys == "esc":
        qtbot.keyClick(lab.words_edit, Qt.Key.Key_Escape)
    else:
        qtbot.keyClick(lab.words_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not lab.isVisible()


def test_new_results_never_show_the_old_map(lab, qtbot):
    first, second = make_result(1), make_result(2)
    lab._set_columns(["bank"])
    lab._on_results({"bank": first})
    qtbot.waitUntil(lab.map_ready, timeout=15000)
    column = lab.columns["bank"]
    old_map, old_set = lab.shown_map("bank"), lab.layouts.layer_set("bank", 2)
    expected = PCA(2).fit_transform(first.at(2).astype(np.float64))
    np.testing.assert_allclose(pairwise(drawn(column)), pairwise(expected), atol=1e-4)

    lab._on_results({"bank": second})  # same word, layer and method; other vectors
    assert lab.shown_map("bank") is None  # nothing found for the new data until projected
    # the old map arriving late (its run was still going) is refused and not drawn
    params = {"x_component": 1, "y_component": 2, "z_component": 3, "seed": 0}
    lab._on_projection("bank", old_set, old_set.version, params, old_map)
    assert lab.shown_map("bank") is None
    qtbot.waitUntil(lab.map_ready, timeout=15000)
    expected = PCA(2).fit_transform(second.at(2).astype(np.float64))
    np.testing.assert_allclose(pairwise(drawn(column)), pairwise(expected), atol=1e-4)
    assert lab.shown_map("bank") is not old_map

    lab.slider.setValue(1)  # another layer: its own data, its own map
    qtbot.waitUntil(lab.map_ready, timeout=15000)
    expected = PCA(2).fit_transform(second.at(1).astype(np.float64))
    np.testing.assert_allclose(pairwise(drawn(column)), pairwise(expected), atol=1e-4)


def test_search_rings_matching_occurrences_and_follows_the_main_window(lab, window, qtbot):
    lab._set_columns(["bank"])
    lab.text.setPlainText(
        "\n".join(f"{s}\t{k}\tbank" for s, k in zip(SENTENCES, SENSES, strict=True))
    )
    lab._on_results({"bank": make_result(3)})
    qtbot.waitUntil(lab.map_ready, timeout=15000)
    column = lab.columns["bank"]
    coords = lab.shown_map("bank").coords

    def rings() -> np.ndarray:
        return np.array([(p.pos().x(), p.pos().y()) for p in column.hit_rings.points()])

    qtbot.keyClicks(lab.find_edit, "river")  # by hand: sentences 1, 3 and 4 ("riverside")
    np.testing.assert_allclose(rings(), coords[[0, 2, 3]], atol=1e-6)
    assert "3 matches for “river”" in column.title.text()
    assert lab.marked_lines() == [1, 3, 4]

    lab.find_whole.setChecked(True)  # whole word: not "riverside"
    np.testing.assert_allclose(rings(), coords[[0, 2]], atol=1e-6)
    assert lab.marked_lines() == [1, 3]

    # the main window's search is followed, read the same way (not whole word here)
    window.search_bar.whole_word.setChecked(False)
    window.search_bar.edit.setText("fee")
    window.search_bar.request_search()
    assert lab.find_edit.text() == "fee" and not lab.find_whole.isChecked()
    np.testing.assert_allclose(rings(), coords[[5]], atol=1e-6)
    assert lab.marked_lines() == [6] and "1 match for “fee”" in column.title.text()
    window.session.run_search("loan", column="sense")  # a metadata column: not followed
    assert lab.find_edit.text() == "fee"
    lab.find_edit.setText("cattle")
    assert "no match for “cattle”" in column.title.text() and lab.marked_lines() == []
    lab.find_edit.clear()
    assert len(column.hit_rings.points()) == 0 and lab.marked_lines() == []
    assert "match" not in column.title.text()
