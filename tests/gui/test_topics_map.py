"""Topic names and contours on the 2-D map: at the right pixels, never overlapping, coarse then
fine with zoom, renamed in place, and gone with another set."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import QPointF

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.dataset import EmbeddingSet
from embviz.core.projection import Projection
from tests.gui.pixel_probe import image_array, window_pos
from tests.gui.topics_helpers import find_topics_in_panel, nearest_to_mean, open_corpus


def drawn_items(layer):
    return [item for item in layer.items if item.isVisible()]


def test_coarse_names_are_drawn_at_the_cluster_centres(window, qtbot):
    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    view, layer = window.view, window.maps.topic_layer
    ids, names = eset.metadata[CLUSTER_COLUMN], eset.metadata[CLUSTER_LABEL_COLUMN]
    expected_names = {names[ids == c][0] for c in range(3)}
    assert layer.level_shown == 0
    assert set(layer.drawn_names()) == expected_names and len(drawn_items(layer)) == 3
    picture = image_array(window.grab())
    offset = QPointF(view.viewport().mapTo(window, view.viewport().rect().topLeft()))
    for item in drawn_items(layer):
        text = item.textItem.toPlainText()
        cluster = int(ids[np.flatnonzero(names == text)[0]])
        x, y = nearest_to_mean(points, ids == cluster)
        anchor = window_pos(window, view, x, y)
        box = view.viewportTransform().mapRect(item.sceneBoundingRect()).translated(offset)
        assert abs(box.center().x() - anchor.x()) < 2 and abs(box.center().y() - anchor.y()) < 2
        # the name's dark text pixels are centred on the anchor too (what a person sees)
        x0, y0 = int(box.left()), int(box.top())
        patch = picture[y0 : int(box.bottom()) + 1, x0 : int(box.right()) + 1].astype(int)
        dark_y, dark_x = np.nonzero(patch.sum(axis=2) < 250)
        assert len(dark_x) > 40, text
        assert abs(x0 + dark_x.mean() + 0.5 - anchor.x()) < 4
        assert abs(y0 + dark_y.mean() + 0.5 - anchor.y()) < 5
        assert dark_x.max() - dark_x.min() > 0.7 * (box.width() - 8)  # the whole name is drawn
    assert any(curve.isVisible() for curve in layer.contours)


def test_names_never_overlap_when_crowded(window, qtbot):
    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    view, layer = window.view, window.maps.topic_layer
    for span in (400.0, 2000.0):  # zoomed far out: the centres crowd within a few pixels
        view.plotItem.vb.setRange(xRange=(20 - span, 20 + span), yRange=(15 - span, 15 + span))
        qtbot.wait(30)
        shown = drawn_items(layer)
        assert 1 <= len(shown) < 3
        for a, b in itertools.combinations(shown, 2):
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect())
        # the biggest cluster keeps its name
        sizes = {
            n: int((eset.metadata[CLUSTER_LABEL_COLUMN] == n).sum()) for n in layer.drawn_names()
        }
        biggest = max(range(3), key=lambda c: (eset.metadata[CLUSTER_COLUMN] == c).sum())
        assert (
            eset.metadata[CLUSTER_LABEL_COLUMN][eset.metadata[CLUSTER_COLUMN] == biggest][0]
            in sizes
        )


def test_zooming_in_shows_the_fine_names(window, qtbot):
    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    view, layer = window.view, window.maps.topic_layer
    coarse_names = set(layer.drawn_names())
    view.plotItem.vb.setRange(xRange=(-9, 9), yRange=(-7, 7), padding=0)  # the first group
    qtbot.wait(30)
    assert layer.level_shown == 1
    fine, fine_names = eset.metadata[FINE_CLUSTER_COLUMN], eset.metadata[FINE_CLUSTER_LABEL_COLUMN]
    in_view = (np.abs(points[:, 0]) < 9) & (np.abs(points[:, 1]) < 7) & (fine >= 0)
    expected = set()
    for cluster in np.unique(fine[in_view]):
        x, y = nearest_to_mean(points, fine == cluster)
        if abs(x) < 8 and abs(y) < 6:  # its centre is in view (with room for the name)
            expected.add(fine_names[fine == cluster][0])
    assert len(expected) == 2 and set(layer.drawn_names()) == expected
    assert not expected & coarse_names
    for item in drawn_items(layer):
        assert not item.textItem.font().bold()  # fine names are plain, coarse ones bold
    window.view.fit()
    qtbot.wait(30)
    assert layer.level_shown == 0 and set(layer.drawn_names()) == coarse_names


def test_renaming_changes_what_is_drawn_and_the_column(window, qtbot):
    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    panel, layer = window.panels["topics"], window.maps.topic_layer
    ids = eset.metadata[CLUSTER_COLUMN]
    before = {item.textItem.toPlainText(): item.pos() for item in drawn_items(layer)}
    old = eset.metadata[CLUSTER_LABEL_COLUMN][ids == 1][0]
    panel.item_for(0, 1).setText(0, "Metals and such")  # as a person's edit in the list
    qtbot.wait(30)
    assert set(eset.metadata[CLUSTER_LABEL_COLUMN][ids == 1]) == {"Metals and such"}
    assert old not in set(eset.metadata[CLUSTER_LABEL_COLUMN])
    now = {item.textItem.toPlainText(): item.pos() for item in drawn_items(layer)}
    assert "Metals and such" in now and old not in now
    assert abs(now["Metals and such"].x() - before[old].x()) < 1e-6  # same anchor
    assert panel.item_for(0, 1).text(0) == "Metals and such"


def test_another_set_or_projection_redraws_and_nothing_stale_shows(window, qtbot):
    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    layer = window.maps.topic_layer
    names = set(layer.drawn_names())
    plain = EmbeddingSet(["a", "b", "c", "d"], np.eye(4, 2, dtype=np.float32) * 3, name="plain")
    window.session.add_set(plain)
    qtbot.waitUntil(lambda: window.session.current is plain and not window.runner.is_busy())
    qtbot.wait(30)
    assert layer.drawn_names() == [] and not drawn_items(layer)
    assert not any(curve.isVisible() for curve in layer.contours)
    assert window.panels["topics"].tree.topLevelItemCount() == 0
    window.session.show(eset)
    qtbot.waitUntil(lambda: window.session.projection is not None and not window.runner.is_busy())
    qtbot.wait(30)
    assert set(layer.drawn_names()) == names
    # a layout still forming shows no names (they would jump about)
    forming = Projection((points * 3).astype(np.float32), "custom", {"shift": 2}, partial=True)
    window.session.set_projection(window.session.active, eset, forming, eset.version)
    qtbot.wait(30)
    assert layer.drawn_names() == []
    # a new layout of the same set: the names move to the new centres
    moved = Projection((points * 2 + 100).astype(np.float32), "custom", {"shift": 1})
    window.session.set_projection(window.session.active, eset, moved, eset.version)
    qtbot.wait(30)
    ids = eset.metadata[CLUSTER_COLUMN]
    for topic, _name in layer.placed:
        x, y = nearest_to_mean(points * 2 + 100, ids == topic.cluster)
        assert (topic.x, topic.y) == (float(np.float32(x)), float(np.float32(y)))


def test_a_large_set_is_laid_out_in_a_worker_and_a_late_answer_is_dropped(
    window, qtbot, monkeypatch
):
    from embviz.gui.views import topic_layer

    eset, points = open_corpus(window, qtbot)
    find_topics_in_panel(window, qtbot, eset)
    layer = window.maps.topic_layer
    names = set(layer.drawn_names())
    monkeypatch.setattr(topic_layer, "SYNC_ROWS", 10)  # as if the set were large
    moved = Projection((points + 50).astype(np.float32), "custom", {"shift": 3})
    window.session.set_projection(window.session.active, eset, moved, eset.version)
    assert layer.drawn_names() == []  # nothing of the old layout while the worker runs
    qtbot.waitUntil(lambda: set(layer.drawn_names()) == names, timeout=10000)
    assert {(t.x, t.y) for t, _ in layer.placed} <= {tuple(map(float, p)) for p in moved.coords}
    # a worker still running when another set is shown: its answer never draws
    again = Projection((points - 50).astype(np.float32), "custom", {"shift": 4})
    window.session.set_projection(window.session.active, eset, again, eset.version)
    plain = EmbeddingSet(["a", "b", "c"], np.eye(3, 2, dtype=np.float32), name="plain")
    drawn_on_plain = []
    apply = layer._apply

    def spy(kept):  # anything drawn while the plain set is shown, even for a moment
        if window.session.current is plain and kept is not None:
            drawn_on_plain.append(kept)
        apply(kept)

    monkeypatch.setattr(layer, "_apply", spy)
    window.session.add_set(plain)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    qtbot.wait(50)
    assert window.session.current is plain and layer.drawn_names() == []
    assert drawn_on_plain == []
