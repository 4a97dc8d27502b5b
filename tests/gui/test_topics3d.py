"""Topic names on the 3-D map (OpenGL: run under xvfb-run): a corpus set's coarse names at their
topics' anchors, projected anew when the camera moves, never overlapping; the landmark words give
way to them (the selection's label stays); fine names when the camera comes close.

The expected anchor of a topic is computed here from its definition (the member nearest the
members' mean, in the three coordinates the view draws) and projected with numpy through the
view's own projection and view matrices (tests/gui/test_epoch_labels3d.on_screen), not by the
view's projection code.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest
from PySide6.QtCore import QRectF, QThread

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.dataset import EmbeddingSet
from tests.gui.test_epoch_labels3d import on_screen

pytestmark = pytest.mark.gl
COARSE = ["space, launch, orbit", "god, faith, church", "engine, car, wheel"]
FINE = [["launch, rocket", "orbit, moon"], ["god, belief", "church, priest"],
        ["engine, oil", "wheel, tyre"]]  # fmt: skip
SIZES = (160, 120, 80)  # coarse topics of different sizes: the biggest is placed first


def atlas_like() -> EmbeddingSet:
    """Three coarse topics far apart in 3-D, each two fine blobs, plus unclustered points."""
    rng = np.random.default_rng(7)
    centres = np.array([[0.0, 0.0, 0.0], [12.0, 2.0, -3.0], [3.0, 11.0, 8.0]])
    points, coarse, fine = [], [], []
    for c, (centre, size) in enumerate(zip(centres, SIZES, strict=True)):
        for f, shift in enumerate(([-1.5, 0.0, 1.0], [1.5, 0.5, -1.0])):
            n = size // 2
            points.append(centre + shift + rng.normal(0, 0.6, (n, 3)))
            coarse += [c] * n
            fine += [2 * c + f] * n
    points.append(rng.uniform(-4, 16, (30, 3)))  # unclustered
    coarse += [-1] * 30
    fine += [-1] * 30
    vectors = np.vstack(points).astype(np.float32)
    coarse_ids, fine_ids = np.array(coarse, np.int64), np.array(fine, np.int64)
    flat = [name for pair in FINE for name in pair]
    metadata = {
        CLUSTER_COLUMN: coarse_ids,
        CLUSTER_LABEL_COLUMN: np.array(
            [COARSE[c] if c >= 0 else "Unclustered" for c in coarse], dtype=object
        ),
        FINE_CLUSTER_COLUMN: fine_ids,
        FINE_CLUSTER_LABEL_COLUMN: np.array(
            [flat[f] if f >= 0 else "Unclustered" for f in fine], dtype=object
        ),
    }
    labels = [f"doc {i}" for i in range(len(vectors))]
    return EmbeddingSet(labels, vectors, metadata, name="atlas3d")


def open_atlas_3d(window, qtbot):
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")
    eset = atlas_like()
    window.session.add_set(eset)
    qtbot.waitUntil(
        lambda: window.session.projection is not None and window.is_idle(), timeout=15000
    )
    window.maps.three_d_action.setChecked(True)
    view = window.maps.view3d
    if view is None or not view.isValid():
        pytest.skip("no OpenGL context could be created here")
    # the 3-D layout (not the flat one shown while it is computed)
    qtbot.waitUntil(
        lambda: len(view.coords) == len(eset) and np.ptp(view.coords[:, 2]) > 1, timeout=15000
    )
    qtbot.waitUntil(window.is_idle, timeout=15000)
    view.setCameraPosition(azimuth=30, elevation=25)
    qtbot.wait(50)
    return eset, view


def anchor_rows(coords: np.ndarray, ids: np.ndarray) -> dict[int, int]:
    """Per cluster id >= 0, the row of the member nearest the members' mean (the definition)."""
    xyz = coords.astype(np.float64)
    rows = {}
    for cluster in np.unique(ids[ids >= 0]):
        members = np.flatnonzero(ids == cluster)
        mean = xyz[members].mean(axis=0)
        rows[int(cluster)] = int(members[np.argmin(((xyz[members] - mean) ** 2).sum(axis=1))])
    return rows


def frame(view):
    """Draw a frame (its text is placed then) and return it as an RGB array."""
    image = view.grabFramebuffer().convertToFormat(view.grabFramebuffer().Format.Format_RGB888)
    bits = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return bits.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3
    )


def assert_at_anchors(view, eset, level: int, moved: tuple[str, ...] = ()) -> list:
    """Each drawn name is its topic's and centred within 1.5 px on its anchor row's dot; those
    ``moved`` (their anchor is taken) beside it: at most half their width or 1.2 of their
    height away (placement's nudges). No two boxes of text overlap."""
    ids_col, names_col = (
        (CLUSTER_COLUMN, CLUSTER_LABEL_COLUMN) if level == 0 else
        (FINE_CLUSTER_COLUMN, FINE_CLUSTER_LABEL_COLUMN)
    )  # fmt: skip
    ids, names = eset.metadata[ids_col], eset.metadata[names_col]
    rows = anchor_rows(view.coords, ids)
    xy, w = on_screen(view, view.coords)
    drawn = view.topic_names.placed
    for name in drawn:
        cluster = int(ids[np.flatnonzero(names == name.topic.name)[0]])
        row = rows[cluster]
        assert w[row] > 0
        centre = name.rect.center()
        if name.topic.name in moved:
            dx, dy = abs(centre.x() - xy[row, 0]), abs(centre.y() - xy[row, 1])
            assert dx <= name.rect.width() / 2 + 0.5 and dy <= 1.2 * name.rect.height() + 0.5
            assert dx > 1.5 or dy > 1.5  # it did move off its anchor
            continue
        assert abs(centre.x() - xy[row, 0]) <= 1.5 and abs(centre.y() - xy[row, 1]) <= 1.5, (
            f"{name.topic.name}: centred at ({centre.x():.1f}, {centre.y():.1f}), its anchor "
            f"row {row} at ({xy[row, 0]:.1f}, {xy[row, 1]:.1f})"
        )
    boxes = [n.rect for n in drawn] + [p.rect for p in view.placed]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.intersects(b), (a, b)
    return drawn


def dark_pixels(picture: np.ndarray, rect: QRectF) -> np.ndarray:
    """(x, y) of the dark (text) pixels inside ``rect`` of a light-theme frame."""
    x0, y0 = int(rect.left()) + 1, int(rect.top()) + 1
    patch = picture[y0 : int(rect.bottom()), x0 : int(rect.right())].astype(int)
    ys, xs = np.nonzero(patch.sum(axis=2) < 250)
    return np.column_stack([xs + x0 + 0.5, ys + y0 + 0.5])


def test_coarse_names_at_their_anchors_seen_and_following_the_camera(window, qtbot):
    eset, view = open_atlas_3d(window, qtbot)
    picture = frame(view)
    if os.environ.get("EMBVIZ_SHOT"):  # a screenshot to look at
        view.grabFramebuffer().save(os.environ["EMBVIZ_SHOT"])
    assert view.devicePixelRatioF() == 1.0 or pytest.skip("pixels checked at a ratio of 1")
    # landmark words give way to the names (no word of a point is drawn but the axes' titles)
    assert [p.kind for p in view.placed] == ["axis"] * 3
    drawn = assert_at_anchors(view, eset, 0)
    assert view.topic_names.level_shown == 0
    assert sorted(view.topic_names.drawn_names()) == sorted(COARSE)
    assert view.topic_names.drawn_names()[0] == COARSE[0]  # the biggest topic first
    xy, _ = on_screen(view, view.coords)
    rows = anchor_rows(view.coords, eset.metadata[CLUSTER_COLUMN])
    for name in drawn:  # the name is on the screen, centred on its anchor (what a person sees)
        dark = dark_pixels(picture, name.rect)
        assert len(dark) > 60, name.topic.name
        anchor = xy[rows[COARSE.index(name.topic.name)]]
        middle = (dark.min(axis=0) + dark.max(axis=0)) / 2  # of the text's ink
        assert np.all(np.abs(middle - anchor) < 3), (name.topic.name, middle, anchor)
        assert np.ptp(dark[:, 0]) > 0.7 * (name.rect.width() - 8)  # the whole name is drawn

    # the camera orbits: the names follow their anchors
    view.setCameraPosition(azimuth=140, elevation=-10)
    frame(view)
    assert sorted(view.topic_names.drawn_names()) == sorted(COARSE)
    assert_at_anchors(view, eset, 0)


def test_the_selection_keeps_its_label_beside_the_names(window, qtbot):
    eset, view = open_atlas_3d(window, qtbot)
    row = anchor_rows(view.coords, eset.metadata[CLUSTER_COLUMN])[1]  # right under a name
    window.session.select([row])
    qtbot.wait(50)
    frame(view)
    focus = [p for p in view.placed if p.kind == "focus"]
    assert [p.text for p in focus] == [f"doc {row}"]
    # the name moved beside its anchor, off the label; nothing overlaps
    assert_at_anchors(view, eset, 0, moved=(COARSE[1],))
    assert sorted(view.topic_names.drawn_names()) == sorted(COARSE)


def test_close_camera_shows_fine_names_and_no_names_without_topic_columns(window, qtbot):
    eset, view = open_atlas_3d(window, qtbot)
    centre = view.coords[eset.metadata[CLUSTER_COLUMN] == 0].mean(axis=0)
    view.opts["center"] = type(view.opts["center"])(*map(float, centre))
    view.setCameraPosition(distance=0.35 * view.fitted[0][3])
    frame(view)
    assert view.topic_names.level_shown == 1
    drawn = assert_at_anchors(view, eset, 1)
    assert {"launch, rocket", "orbit, moon"} <= {n.topic.name for n in drawn}
    assert not set(view.topic_names.drawn_names()) & set(COARSE)
    # the camera just under a topic's anchor, looking down: every point is behind it, and
    # no name is drawn (a point right behind the camera, unless it is told apart by its clip
    # w, lands in the middle of the widget)
    lowest = view.coords[:, 2].min()
    x, y = view.coords[anchor_rows(view.coords, eset.metadata[FINE_CLUSTER_COLUMN])[0], :2]
    view.opts["center"] = type(view.opts["center"])(float(x), float(y), float(lowest) - 3)
    view.setCameraPosition(elevation=90, distance=1)
    frame(view)
    _, w = on_screen(view, view.coords)
    assert (w < 0).all()
    assert view.topic_names.placed == []

    # another set without topic columns: no names, and the landmark words come back
    plain = EmbeddingSet([f"w{i}" for i in range(50)], np.random.default_rng(1).normal(
        size=(50, 3)).astype(np.float32), name="plain")  # fmt: skip
    window.session.add_set(plain)
    qtbot.waitUntil(lambda: len(view.coords) == 50 and window.is_idle(), timeout=15000)
    frame(view)
    assert view.topic_names.placed == []
    assert [p for p in view.placed if p.kind == "landmark"]


def test_a_big_sets_anchors_are_found_in_a_worker(window, qtbot, monkeypatch):
    from embviz.gui.views import topics3d

    monkeypatch.setattr(topics3d, "SYNC_ROWS", 100)  # this set's 390 rows count as big
    found_in: list[bool] = []
    real = topics3d.map_topics

    def spy(*args, **kwargs):
        found_in.append(QThread.currentThread() is window.thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(topics3d, "map_topics", spy)
    eset, view = open_atlas_3d(window, qtbot)
    qtbot.waitUntil(lambda: len(frame(view)) and len(view.topic_names.placed) == 3, timeout=10000)
    assert found_in and not any(found_in)  # never on the GUI thread
    assert_at_anchors(view, eset, 0)


def test_the_topics_panels_names_box_hides_the_3d_names(window, qtbot):
    eset, view = open_atlas_3d(window, qtbot)
    frame(view)
    assert len(view.topic_names.placed) == 3
    window.panels["topics"].names_check.setChecked(False)
    qtbot.wait(50)
    assert view.topic_names.placed == []  # the frame drawn after the box (no other event)
    assert [p for p in view.placed if p.kind == "landmark"]  # the landmark words are back
    window.panels["topics"].names_check.setChecked(True)
    qtbot.wait(50)
    assert sorted(view.topic_names.drawn_names()) == sorted(COARSE)
