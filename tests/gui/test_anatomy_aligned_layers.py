"""The polysemy lab with its layers aligned: the aligned layouts are computed once (one call per
word), and moving the layer slider puts each occurrence at its aligned position for that layer,
at the pixel the map's own mapping gives, in a view that stays put, with no new projection."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF
from scipy.linalg import orthogonal_procrustes
from sklearn.decomposition import PCA

from embviz.core.colors import QUALITATIVE, hex_to_rgb
from embviz.core.paths import resource
from tests.gui.pixel_probe import find_dots, image_array, match

WORD = "bank"
WHITE = (255, 255, 255)
DOT_PX = 11 + 2  # an occurrence's symbol and its outline
STAR_PX = 22 + 2


@pytest.fixture
def calls(monkeypatch):
    """Count the aligned-layout runs and the per-layer projections the lab asks for."""
    import embviz.core.polysemy as polysemy
    from embviz.reduce import aligned

    counted = {"aligned": 0, "map_task": 0}
    real_aligned, real_map = aligned.aligned_layouts, polysemy.map_task

    def counting_aligned(*args, **kwargs):
        counted["aligned"] += 1
        return real_aligned(*args, **kwargs)

    def counting_map(*args, **kwargs):
        counted["map_task"] += 1
        return real_map(*args, **kwargs)

    monkeypatch.setattr(aligned, "aligned_layouts", counting_aligned)
    monkeypatch.setattr(polysemy, "map_task", counting_map)
    return counted


def pixels(column, coords: np.ndarray) -> np.ndarray:
    plot, vb = column.map, column.map.getPlotItem().vb
    offset = QPointF(plot.viewport().mapTo(plot, QPoint(0, 0)))
    out = []
    for x, y in np.asarray(coords, float)[:, :2]:
        p = plot.viewportTransform().map(vb.mapViewToScene(QPointF(x, y))) + offset
        out.append((p.x(), p.y()))
    return np.array(out)


def test_slider_moves_points_to_the_aligned_layout_without_recomputing(window, qtbot, calls):
    from embviz.gui.polysemy.lab import PolysemyLab

    lab = PolysemyLab(window)
    qtbot.addWidget(lab)
    lab.resize(900, 800)
    lab.show()
    qtbot.waitExposed(lab)
    lines = resource("polysemy/sample.tsv").read_text(encoding="utf-8").splitlines()
    lab.text.setPlainText("\n".join(line for line in lines if line.endswith("\tbank")))
    lab.words_edit.setText(WORD)
    assert lab.aligned_box.isChecked()  # aligned is what the lab does by default
    lab.run()
    qtbot.waitUntil(lab.map_ready, timeout=60000)
    assert calls["aligned"] == 1
    maps = lab.layouts.aligned(WORD, "pca")
    result = lab.results[WORD]
    assert sorted(maps) == result.layers
    # the layouts themselves: each layer is its own PCA up to a rotation/reflection (distances
    # as scikit-learn's PCA gives them), turned to best match the layer before (the best
    # rotation between two consecutive aligned layouts is then no rotation at all)
    for layer in result.layers:
        own = PCA(2).fit_transform(result.at(layer).astype(np.float64))
        drawn = maps[layer].coords
        d_own = np.linalg.norm(own[:, None] - own[None], axis=-1)
        d_drawn = np.linalg.norm(drawn[:, None] - drawn[None], axis=-1)
        assert np.allclose(d_own, d_drawn, atol=1e-3 * d_own.max())
        if layer > result.layers[0]:
            before = maps[layer - 1].coords
            rotation, _ = orthogonal_procrustes(
                drawn - drawn.mean(axis=0), before - before.mean(axis=0)
            )
            assert np.allclose(rotation, np.eye(2), atol=1e-4)
    column = lab.columns[WORD]
    vb = column.map.getPlotItem().vb
    ranges = []
    for layer in (3, 6, 1, 5, 2):
        lab.slider.setValue(layer)
        assert lab.animating()  # the points glide from the layer before
        qtbot.waitUntil(lambda: not lab.animating(), timeout=3000)
        qtbot.wait(30)
        ranges.append(vb.viewRange())
        shown = maps[layer]
        expected = pixels(column, shown.coords)
        star = pixels(column, shown.marker.position[None])[0]
        image = image_array(column.map.grab())
        legend = column.map.viewportTransform().mapRect(column.legend.sceneBoundingRect())
        groups = result.groups(layer)
        names = list(dict.fromkeys(groups))
        checked = 0
        for n, name in enumerate(names):
            rgb = hex_to_rgb(QUALITATIVE[n % len(QUALITATIVE)])
            found = [f for f in find_dots(image, rgb, WHITE) if not legend.contains(QPointF(*f))]
            for i in [i for i, g in enumerate(groups) if g == name]:
                others = np.delete(expected, i, axis=0)
                alone = np.linalg.norm(others - expected[i], axis=1).min() > DOT_PX
                if not alone or np.linalg.norm(star - expected[i]) <= (DOT_PX + STAR_PX) / 2:
                    continue  # overlapping dots merge in the picture: their centre is neither's
                _, distance = match(np.array(found), expected[i : i + 1])
                assert distance[0] <= 1.0, f"layer {layer}, occurrence {i}: {distance[0]:.2f} px"
                checked += 1
        assert checked >= 6, f"layer {layer}: only {checked} occurrences stand alone"
    assert all(np.allclose(r, ranges[0]) for r in ranges), "the map stays put; points move"
    assert calls["aligned"] == 1, "moving the slider recomputed the aligned layouts"
    assert calls["map_task"] == 0, "moving the slider ran a per-layer projection"
