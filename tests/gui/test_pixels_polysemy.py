"""Pixel truth for the polysemy lab's occurrence maps: known occurrence coordinates are drawn at
the pixels the map's own mapping gives, and the legend covers no point (2-D; 3-D under xvfb)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF

from embviz.core.polysemy import PolysemyMap, StaticMarker
from embviz.gui.polysemy.occurrence_map import OccurrenceMap
from tests.gui.pixel_probe import find_dots, image_array, match

COLOURS = {"money": (213, 94, 0), "river": (0, 114, 178)}
WHITE = (255, 255, 255)
DOT_RADIUS = 11 / 2 + 1  # the occurrences' symbol is 11 px wide, with its outline
STAR_RADIUS = 22 / 2 + 1


def layout(dims: int):
    """Occurrences on a 4 x 4 grid, two senses (left and right halves); the static vector at
    the top-left corner, where a legend in that corner would cover it."""
    xy = np.array([[x, y] for y in range(4) for x in range(4)], dtype=np.float64)
    coords = np.hstack([xy, np.zeros((16, dims - 2))]) if dims > 2 else xy
    groups = ["money" if x < 2 else "river" for x, _ in xy]
    marker = StaticMarker(np.array([-1.0, 3.6, 0.0][:dims]), True, 12, "static vector of bank")
    return PolysemyMap(coords, marker, "pca", dims), groups


def disc_touches(rect: QRectF, centre, radius: float) -> bool:
    dx = max(rect.left() - centre[0], 0.0, centre[0] - rect.right())
    dy = max(rect.top() - centre[1], 0.0, centre[1] - rect.bottom())
    return bool(np.hypot(dx, dy) < radius)


@pytest.mark.parametrize("size", [(300, 230), (520, 420)])
def test_occurrences_sit_where_the_map_says_and_the_legend_covers_none(qtbot, size):
    om = OccurrenceMap(lambda i: f"occurrence {i}")
    qtbot.addWidget(om)
    om.resize(*size)
    om.show()
    qtbot.waitExposed(om)
    shown, groups = layout(2)
    om.draw(6, shown, groups, COLOURS)
    qtbot.wait(50)
    plot, vb = om.map, om.map.getPlotItem().vb
    offset = QPointF(plot.viewport().mapTo(plot, QPoint(0, 0)))

    def pixel(x: float, y: float) -> tuple[float, float]:
        p = plot.viewportTransform().map(vb.mapViewToScene(QPointF(x, y))) + offset
        return p.x(), p.y()

    legend = plot.viewportTransform().mapRect(om.legend.sceneBoundingRect()).translated(offset)
    assert legend.width() > 20 and legend.height() > 20  # the legend is there
    image = image_array(plot.grab())
    for name, rgb in COLOURS.items():
        rows = [i for i, g in enumerate(groups) if g == name]
        expected = np.array([pixel(*shown.coords[i]) for i in rows])
        found = [f for f in find_dots(image, rgb, WHITE) if not legend.contains(QPointF(*f))]
        assert len(found) == len(rows), f"{name}: {len(found)} dots of {len(rows)}"
        _, distance = match(np.array(found), expected)
        assert distance.max() <= 1.0, f"{name}: off by {distance.max():.2f} px"
        for centre in expected:
            assert not disc_touches(legend, centre, DOT_RADIUS), f"the legend covers a {name} dot"
    star = pixel(*shown.marker.position[:2])
    assert not disc_touches(legend, star, STAR_RADIUS), "the legend covers the static vector"
    area = plot.viewportTransform().mapRect(vb.sceneBoundingRect()).translated(offset)
    for x, y in [*map(tuple, shown.coords), tuple(shown.marker.position)]:
        px, py = pixel(x, y)  # and every symbol is whole inside the map
        assert area.adjusted(DOT_RADIUS, DOT_RADIUS, -DOT_RADIUS, -DOT_RADIUS).contains(px, py)


@pytest.mark.gl
def test_3d_occurrences_sit_where_the_camera_says_and_the_legend_covers_none(qtbot):
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")
    from embviz.gui.polysemy.map3d import OccurrenceMap3D, gl_problem

    if gl_problem():
        pytest.skip(gl_problem())
    view = OccurrenceMap3D()
    qtbot.addWidget(view)
    view.resize(360, 300)
    view.show()
    qtbot.waitExposed(view)
    shown, groups = layout(3)
    shown.coords[:, 2] = np.arange(16) % 3 * 0.5  # some depth
    view.set_map(shown.coords, [f"sentence {i}" for i in range(16)], groups, COLOURS)
    view.set_marker(shown.marker)
    view.setCameraPosition(azimuth=-90, elevation=80)  # almost from above: the grid as drawn
    qtbot.wait(50)
    image = view.grabFramebuffer()
    dpr = view.devicePixelRatioF()
    pixels = image_array(image)
    legend = QRectF(view.legend.geometry())
    assert legend.height() > 20
    for name, rgb in COLOURS.items():
        rows = [i for i, g in enumerate(groups) if g == name]
        expected, depth = view.project(shown.coords[rows])
        assert (depth > 0).all()
        found = find_dots(pixels, rgb, WHITE) / dpr
        found = found[[not legend.contains(QPointF(*f)) for f in found]]
        near, distance = match(found, expected)
        assert distance.max() <= 1.0, f"{name}: off by {distance.max():.2f} px"
        for centre in expected:
            assert not disc_touches(legend, centre, view.point_size / 2), "legend over a dot"
    star, _ = view.project(np.asarray(shown.marker.position, np.float32)[None])
    assert not disc_touches(legend, star[0], (view.point_size + 9) / 2)


def test_the_sentence_tip_goes_when_the_pointer_leaves_the_map(qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from tests.gui.pixel_probe import hover

    om = OccurrenceMap(lambda i: f"occurrence {i}")
    qtbot.addWidget(om)
    om.resize(400, 320)
    om.show()
    qtbot.waitExposed(om)
    shown, groups = layout(2)
    om.draw(6, shown, groups, COLOURS)
    plot, vb = om.map, om.map.getPlotItem().vb
    at = plot.viewportTransform().map(vb.mapViewToScene(QPointF(*shown.coords[5]))).toPoint()
    hover(qtbot, plot.viewport(), at)
    qtbot.waitUntil(lambda: vb.toolTip() == "occurrence 5", timeout=2000)
    QApplication.sendEvent(plot.viewport(), QEvent(QEvent.Type.Leave))
    assert vb.toolTip() == ""
