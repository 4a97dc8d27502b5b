"""The Topics dock: its list (coarse > fine, sizes), selecting a topic's points, export, Cancel."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from tests.gui.topics_helpers import find_topics_in_panel, open_corpus


def test_the_list_holds_the_topics_and_a_click_selects_their_points(window, qtbot):
    eset, _points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    panel = window.panels["topics"]
    ids, names = eset.metadata[CLUSTER_COLUMN], eset.metadata[CLUSTER_LABEL_COLUMN]
    fine, fine_names = eset.metadata[FINE_CLUSTER_COLUMN], eset.metadata[FINE_CLUSTER_LABEL_COLUMN]
    tree = panel.tree
    top = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    expected_top = [(names[ids == c][0], int((ids == c).sum())) for c in range(3)]
    expected_top.append(("Unclustered", int((ids == -1).sum())))
    assert [(item.text(0), int(item.text(1).replace(",", ""))) for item in top] == expected_top
    for c, item in enumerate(top[:3]):
        children = {
            (item.child(j).text(0), int(item.child(j).text(1))) for j in range(item.childCount())
        }
        inside = np.unique(fine[(ids == c) & (fine >= 0)])
        assert children == {(fine_names[fine == f][0], int((fine == f).sum())) for f in inside}
        assert "key words:" in item.toolTip(0)
    # a click on a topic selects its documents; on a fine topic, its own
    tree.expandAll()
    for item, rows in ((top[1], np.flatnonzero(ids == 1)), (top[0].child(0), None)):
        if rows is None:
            rows = np.flatnonzero(fine == fine[fine_names == item.text(0)][0])
        rect = tree.visualItemRect(item)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert np.array_equal(np.sort(window.session.selection), rows)


def test_topics_colour_the_map_and_names_export(window, qtbot, tmp_path):
    eset, _points = open_corpus(window, qtbot)
    panel = window.panels["topics"]
    find_topics_in_panel(window, qtbot, eset)
    panel.colour_check.setChecked(True)
    panel.find_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy("topics"), timeout=20000)
    assert window.session.active.colour_column == CLUSTER_LABEL_COLUMN
    assert "3 topics" in panel.message.text() and "unclustered" in panel.message.text()
    panel.rename_topic(0, 2, "Third")
    written = panel.export_names(tmp_path / "names.json")
    document = json.loads(written.read_text(encoding="utf-8"))
    rows = {(t["level"], t["cluster"]): t for t in document["topics"]}
    assert rows[("coarse", 2)]["name"] == "Third"
    assert rows[("coarse", 2)]["keywords"]  # the key words found are exported with the names
    assert rows[("coarse", -1)]["name"] == "Unclustered"
    assert document["settings"]["min_cluster_sizes"] == [100, 20]


def test_cancel_writes_nothing_and_bad_requests_are_said(window, qtbot):
    panel = window.panels["topics"]
    panel.find_button.click()
    assert "Open a set first" in panel.message.text()
    eset, _points = open_corpus(window, qtbot)
    panel.text_box.setCurrentText("text")
    panel.find_button.click()
    panel.cancel_button.click()  # before the worker could answer
    qtbot.wait(500)
    assert CLUSTER_COLUMN not in eset.metadata
    assert panel.message.text().startswith("Cancelled")
    assert panel.find_button.isEnabled() and not panel.cancel_button.isEnabled()
    panel.language_box.addItem("klingon")
    panel.language_box.setCurrentText("klingon")
    panel.find_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy("topics"), timeout=10000)
    assert "No stop words for language 'klingon'" in panel.message.text()
    assert CLUSTER_COLUMN not in eset.metadata


def test_names_and_contours_can_be_hidden_and_landmarks_give_way(window, qtbot):
    eset, _points = open_corpus(window, qtbot)
    landmarks = window.view.label_layer.landmark_items
    qtbot.waitUntil(lambda: any(item.isVisible() for item in landmarks), timeout=5000)
    find_topics_in_panel(window, qtbot, eset)
    panel, layer = window.panels["topics"], window.maps.topic_layer
    assert layer.drawn_names() and not any(item.isVisible() for item in landmarks)
    panel.names_check.setChecked(False)
    qtbot.wait(30)
    assert not any(item.isVisible() for item in layer.items)
    assert any(item.isVisible() for item in landmarks)  # the point labels are back
    assert any(curve.isVisible() for curve in layer.contours)
    panel.density_check.setChecked(False)
    assert not any(curve.isVisible() for curve in layer.contours)
    panel.names_check.setChecked(True)
    qtbot.wait(30)
    assert len([item for item in layer.items if item.isVisible()]) == 3


def test_a_set_that_comes_with_topics_opens_coloured_by_them(window, qtbot):
    """An atlas (a set with cluster columns) opened first in a window is shown coloured by its
    coarse topics, every name inside the legend's box; a colour chosen afterwards is kept."""
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.topics import find_topics, topic_columns
    from tests.core.test_topics_find import _two_level_layout

    points, texts, _coarse, _fine = _two_level_layout()
    topics = find_topics(points, texts, min_cluster_size=100)
    columns = {"text": np.array(texts, dtype=object), **topic_columns(topics)}
    labels = [f"doc {i}" for i in range(len(points))]
    atlas = EmbeddingSet(labels, points.astype(np.float32), columns, name="atlas")
    window.session.add_set(atlas)
    qtbot.waitUntil(
        lambda: window.session.projection is not None and window.is_idle(), timeout=15000
    )
    assert window.session.active.colour_column == CLUSTER_LABEL_COLUMN
    legend = window.view.legend
    for column in (CLUSTER_LABEL_COLUMN, FINE_CLUSTER_LABEL_COLUMN):
        # the second is drawn over a legend already shown: it once stayed a 30 x 14 px box
        window.session.active.set_colour_column(column)
        qtbot.wait(20)
        names = set(np.asarray(atlas.metadata[column]).tolist())
        drawn = [label for label in legend.findChildren(QLabel) if label.text() in names]
        assert {label.text() for label in drawn} == names
        for label in drawn:  # every name inside the legend's box
            assert legend.rect().contains(label.geometry()), (label.text(), legend.size())

    plain = EmbeddingSet(labels, points.astype(np.float32), {"text": columns["text"]}, name="p")
    window.session.add_set(plain)
    qtbot.waitUntil(lambda: window.session.current is plain and window.is_idle(), timeout=15000)
    assert window.session.active.colour_column is None  # no topics: the theme's colour
    window.session.show(atlas)
    window.session.active.set_colour_column("text")
    window.session.show(plain)
    window.session.show(atlas)
    assert window.session.active.colour_column == "text"  # chosen, so kept
