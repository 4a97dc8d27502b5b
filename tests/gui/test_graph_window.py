"""Graph embeddings in the window: trained in a worker, the Poincaré disk, edges of the selection.

What is checked is what a person sees: the unit circle and the selection's edges are found in
the grabbed window at the pixels the view box's mapping gives for the data (tests/gui/
pixel_probe.py); the edges drawn are those the edge list holds for the selected node.
"""

from __future__ import annotations

import numpy as np
import pytest
from gensim.test.utils import datapath
from PySide6.QtCore import QPointF

from embviz.gui.views.graph_layer import EDGE_COLOUR
from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import coverage, data_area, image_array, window_pos

LARGE = datapath("poincare_hypernyms_large.tsv")


def train(window, qtbot, params, path=LARGE):
    opener = window.panels["graph_open"]
    opener.train(path, params)
    qtbot.waitUntil(
        lambda: (
            window.session.current is not None
            and window.is_idle()
            and window.session.projection is not None
        ),
        timeout=30000,
    )
    qtbot.wait(100)
    return window.session.current


def edge_pixels(window) -> np.ndarray:
    """How much of the edge colour each window pixel shows (0 outside the map's data area)."""
    theme = THEMES["light"]
    rgb = image_array(window.grab())
    alpha = EDGE_COLOUR[3] / 255
    drawn = tuple(
        int(round(b + alpha * (c - b)))
        for c, b in zip(EDGE_COLOUR[:3], theme.background, strict=True)
    )
    return in_data_area(window, coverage(rgb, drawn, theme.background))


def in_data_area(window, weight: np.ndarray) -> np.ndarray:
    area = data_area(window, window.view)
    mask = np.zeros_like(weight, dtype=bool)
    mask[int(area.top()) : int(area.bottom()), int(area.left()) : int(area.right())] = True
    return np.where(mask, weight, 0.0)


def near(weight: np.ndarray, point: QPointF, radius: int = 1) -> bool:
    x, y = int(point.x()), int(point.y())
    return bool(weight[y - radius : y + radius + 1, x - radius : x + radius + 1].max() > 0)


def test_poincare_disk_trained_in_the_window(window, qtbot):
    from gensim.models.poincare import PoincareModel, PoincareRelations

    from embviz.models.graph.params import GraphParams

    params = GraphParams(algorithm="poincare", dims=2, epochs=30, negative=5, seed=4)
    eset = train(window, qtbot, params)
    reference = PoincareModel(PoincareRelations(LARGE), size=2, negative=5, seed=4, workers=1)
    reference.train(epochs=30, batch_size=10)
    assert eset.labels == reference.kv.index_to_key
    np.testing.assert_array_equal(eset.vectors, reference.kv.vectors.astype(np.float32))
    view = window.view
    assert np.array_equal(view.coords, eset.vectors)  # 2 dims: drawn as they are
    assert window.session.active.colour_column == "community"
    # the unit circle: at the pixels of (cos t, sin t), and not inside the disk
    window.session.active.set_colour_column(None)
    qtbot.wait(50)
    theme = THEMES["light"]
    rgb = image_array(window.grab())
    disk = window.maps.graph_layer.disk
    assert disk.isVisible()
    pen = disk.opts["pen"].color()
    drawn = tuple(
        int(round(b + pen.alphaF() * (c - b)))
        for c, b in zip((pen.red(), pen.green(), pen.blue()), theme.background, strict=True)
    )
    circle = in_data_area(window, coverage(rgb, drawn, theme.background))
    on_radius = 0
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    for t in angles:  # along the ray at angle t (inside the data area), the circle sits at r = 1
        expected = window_pos(window, view, np.cos(t), np.sin(t))
        ray = [
            window_pos(window, view, r * np.cos(t), r * np.sin(t))
            for r in np.linspace(0.9, 1.1, 161)
        ]
        hits = [(p.x(), p.y()) for p in ray if circle[int(p.y()), int(p.x())] > 0]
        if hits:
            centre = np.mean(np.unique(np.floor(hits), axis=0) + 0.5, axis=0)
            dist = np.hypot(centre[0] - expected.x(), centre[1] - expected.y())
            on_radius += dist <= 1.0
    assert on_radius >= 21, on_radius  # a point's label may lie across the circle here and there


def test_selection_edges_end_at_the_points(window, qtbot):
    from embviz.io.edge_list import read_edge_list
    from embviz.models.graph.params import GraphParams

    params = GraphParams(algorithm="poincare", dims=2, epochs=30, negative=5, seed=4)
    eset = train(window, qtbot, params)
    window.session.active.set_colour_column(None)
    node = "canine.n.02"
    row = eset.index_of(node)
    window.session.select([row])
    qtbot.wait(100)
    expected = {
        tuple(sorted(pair))
        for pair in read_edge_list(LARGE).relations
        if node in pair and pair[0] != pair[1]
    }
    drawn = window.maps.graph_layer.drawn_pairs
    shown = {tuple(sorted((eset.labels[a], eset.labels[b]))) for a, b in drawn if a != b}
    assert shown == expected and len(expected) >= 4
    weight = edge_pixels(window)
    view = window.view
    for a, b in drawn:
        if a == b:
            continue
        p, q = (window_pos(window, view, *eset.vectors[r]) for r in (a, b))
        length = np.hypot(q.x() - p.x(), q.y() - p.y())
        if length < 20:
            continue
        ux, uy = (q.x() - p.x()) / length, (q.y() - p.y()) / length
        along = [
            QPointF(p.x() + f * (q.x() - p.x()), p.y() + f * (q.y() - p.y()))
            for f in np.linspace(0.2, 0.8, 13)
        ]
        assert np.mean([near(weight, s) for s in along]) >= 0.8
        for f in (0.35, 0.65):  # 5 px to either side of the segment: nothing
            mid = QPointF(p.x() + f * (q.x() - p.x()), p.y() + f * (q.y() - p.y()))
            for side in (-5, 5):
                off = QPointF(mid.x() - uy * side, mid.y() + ux * side)
                assert not near(weight, off, 0), (eset.labels[a], eset.labels[b], f, side)
    # the drawn edge pixels all lie on the expected segments (within 1.5 px)
    ys, xs = np.nonzero(weight)
    segments = []
    for a, b in drawn:
        p, q = (window_pos(window, view, *eset.vectors[r]) for r in (a, b))
        segments.append((p.x(), p.y(), q.x(), q.y()))
    centres = np.stack([xs + 0.5, ys + 0.5], axis=1)
    d = np.min([_distance_to_segment(centres, s) for s in segments], axis=0)
    # but the selected node's ring (red, antialiased into pinks): within its radius
    selected = window_pos(window, view, *eset.vectors[row])
    ring = (view.point_size + 9) / 2 + 2
    outside_ring = np.hypot(centres[:, 0] - selected.x(), centres[:, 1] - selected.y()) > ring
    assert outside_ring.sum() > 30
    assert d[outside_ring].max() <= 1.5, np.sort(d[outside_ring])[-5:]


def _distance_to_segment(points: np.ndarray, seg) -> np.ndarray:
    x0, y0, x1, y1 = seg
    a, b = np.array([x0, y0]), np.array([x1, y1])
    ab = b - a
    t = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-12), 0, 1)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


@pytest.mark.parametrize("algorithm", ["node2vec"])
def test_walk_embedding_opens_projected_and_coloured(window, qtbot, algorithm):
    from embviz.models.graph.params import GraphParams

    params = GraphParams(algorithm=algorithm, dims=8, walk_length=10, walks_per_node=2, seed=2)
    eset = train(window, qtbot, params)
    assert eset.dims == 8 and len(eset) == 128
    assert window.session.projection.method == "pca"
    assert not window.maps.graph_layer.disk.isVisible()
    assert window.session.active.colour_column == "community"


def test_cli_result_reopens_with_its_edges_disk_and_poincare_neighbours(window, qtbot, tmp_path):
    from embviz.cli import main

    out = tmp_path / "hyper.vec"
    args = ["train", "--graph", LARGE, "--algorithm", "poincare", "--dims", "5", "--epochs", "10"]
    assert main([*args, "--negative", "5", "--seed", "1", "-o", str(out)]) == 0
    window.open_paths([out])
    qtbot.waitUntil(
        lambda: (
            window.session.current is not None
            and "community" in window.session.current.metadata
            and window.is_idle()
            and window.session.projection is not None
            and window.session.projection.method == "poincare-disk"
        ),
        timeout=30000,
    )
    eset = window.session.current
    assert eset.dims == 5
    coords = window.view.coords.astype(np.float64)
    np.testing.assert_allclose(
        np.linalg.norm(coords, axis=1), np.linalg.norm(eset.vectors, axis=1), rtol=1e-5
    )
    assert window.maps.graph_layer.disk.isVisible()
    panel = window.panels["neighbors"]
    assert panel.metric_box.currentText() == "poincare"
    row = eset.index_of("dog.n.01")
    window.session.select([row])
    qtbot.wait(50)
    drawn = {
        tuple(sorted((eset.labels[a], eset.labels[b])))
        for a, b in window.maps.graph_layer.drawn_pairs
    }
    from embviz.io.edge_list import read_edge_list

    expected = {tuple(sorted(p)) for p in read_edge_list(LARGE).relations if "dog.n.01" in p}
    assert drawn == expected


def test_dropped_edge_list_asks_then_trains_and_bad_values_are_said(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    edges = tmp_path / "tiny.tsv"
    edges.write_text("a\tb\nb\tc\nc\ta\nc\td\n")
    vectors = tmp_path / "vectors.csv"
    vectors.write_text("label,x,y\ncat,0.25,1.5\ndog,0.5,-2.0\n")
    opener = window.panels["graph_open"]
    assert opener.take_dropped([str(edges), str(vectors)]) == [str(vectors)]
    dialog = opener.dialog
    assert dialog is not None and dialog.isVisible() and "tiny.tsv" in dialog.windowTitle()
    dialog.form.set_values({"algorithm": "deepwalk", "dims": 4, "walk_length": 5, "p": 0.0})
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and "p must be at least" in dialog.message.text()
    dialog.form.set_values({"p": 1.0})
    ok.click()
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    eset = window.session.current
    assert sorted(eset.labels) == ["a", "b", "c", "d"] and eset.dims == 4


def test_bad_edge_list_keeps_what_was_open(window, qtbot, tmp_path):
    from embviz.models.graph.params import GraphParams

    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\t1\nb\tc\n")
    window.panels["graph_open"].train(bad, GraphParams())
    qtbot.waitUntil(lambda: window.last_error is not None and window.is_idle(), timeout=30000)
    assert f"{bad}, line 2" in window.last_error.text()
    assert window.session.current is None


def test_cancel_keeps_what_was_open_and_stops_the_training(window, qtbot):
    import threading
    import time

    from embviz.models.graph.params import GraphParams

    window.panels["graph_open"].train(LARGE, GraphParams(algorithm="poincare", epochs=100_000))
    qtbot.waitUntil(
        lambda: any(t.name == "embviz-graph" for t in threading.enumerate()), timeout=15000
    )
    qtbot.wait(300)
    start = time.monotonic()
    window.runner.cancel("graph")
    qtbot.waitUntil(
        lambda: not any(t.name == "embviz-graph" for t in threading.enumerate()), timeout=5000
    )
    assert time.monotonic() - start < 2.0
    qtbot.wait(100)
    assert window.session.current is None and window.last_error is None
