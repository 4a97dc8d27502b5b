"""Pixel truth outside the live window: `embviz render`, exported PNG and SVG, and a device pixel
ratio of 2. The dots found in each picture must sit where the view box maps the points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter

from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import data_area, find_dots, match, viewport_pos, window_pos
from tests.gui.test_pixels import GRID, open_set, resize, write_set

LIGHT = THEMES["light"]
ROOT = Path(__file__).resolve().parents[2]


def expected_in_window(window) -> tuple[np.ndarray, QRectF]:
    view = window.view
    points = [window_pos(window, view, x, y) for x, y in view.coords]
    return np.array([[p.x(), p.y()] for p in points]), data_area(window, view)


def assert_dots_at(image, expected, region, scale=1.0, what=""):
    found = find_dots(image, LIGHT.point, LIGHT.background, region)
    assert len(found) == len(expected), f"{what}: {len(found)} dots drawn of {len(expected)}"
    _, distance = match(found, np.asarray(expected) * scale)
    assert distance.max() <= 1.0, f"{what}: dots off by up to {distance.max():.1f} px"


def test_embviz_render_puts_the_dots_where_the_axes_say(tmp_path, qapp, monkeypatch):
    from embviz.gui.render import render

    path = write_set(tmp_path, GRID)
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where render keeps its settings
    for size in [(800, 600), (1600, 1000)]:
        seen = {}

        def inspect(window, seen=seen):
            seen["expected"], seen["region"] = expected_in_window(window)

        out = tmp_path / f"render-{size[0]}.png"
        render(str(path), out, size, inspect=inspect)
        image = QImage(str(out))
        assert (image.width(), image.height()) == size
        assert_dots_at(image, seen["expected"], seen["region"], what=f"render {size}")
    assert list(scratch.iterdir()) == []  # each render removes its settings folder


def test_exported_png_and_svg_put_the_dots_where_the_axes_say(window, qtbot, tmp_path):
    from PySide6.QtSvg import QSvgRenderer

    from embviz.gui.export_view import export_png, export_svg

    open_set(window, qtbot, write_set(tmp_path, GRID))
    resize(window, qtbot, (1200, 800))
    view, vb = window.view, window.view.plotItem.vb
    # PNG: the plot's scene rectangle scaled to the asked width (pyqtgraph's ImageExporter)
    source = view.plotItem.sceneBoundingRect()
    for width in (None, 2000):
        png = QImage(str(export_png(window, tmp_path / f"map-{width}.png", width)))
        scale = min(png.width() / source.width(), png.height() / source.height())

        def to_png(p: QPointF, scale=scale) -> tuple[float, float]:
            return ((p.x() - source.left()) * scale, (p.y() - source.top()) * scale)

        expected = np.array(
            [to_png(vb.mapViewToScene(QPointF(float(x), float(y)))) for x, y in view.coords]
        )
        box = vb.sceneBoundingRect()
        region = QRectF(*to_png(box.topLeft()), box.width() * scale, box.height() * scale)
        assert_dots_at(png, expected, region, what=f"PNG width={width}")
    # SVG: the view at its own size; drawn back with Qt's SVG renderer
    svg = export_svg(window, tmp_path / "map.svg")
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    image = QImage(view.width(), view.height(), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, view.width(), view.height()))
    painter.end()
    expected = np.array([[viewport_pos(view, x, y).x(), viewport_pos(view, x, y).y()]
                         for x, y in view.coords])  # fmt: skip
    region = view.viewportTransform().mapRect(vb.sceneBoundingRect())
    assert_dots_at(image, expected, region, what="SVG")


CHILD = """
import json, sys
from pathlib import Path
from embviz.gui.render import render
from tests.gui.test_pixels_export import expected_in_window
seen = {}
def inspect(window):
    expected, region = expected_in_window(window)
    seen.update(expected=expected.tolist(), dpr=window.devicePixelRatioF(),
                region=[region.left(), region.top(), region.width(), region.height()])
render(sys.argv[1], Path(sys.argv[2]), (900, 700), inspect=inspect)
print("SEEN" + json.dumps(seen))
"""


def test_render_at_device_pixel_ratio_two(tmp_path):
    path = write_set(tmp_path, GRID)
    out = tmp_path / "render-x2.png"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(out)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.split("SEEN", 1)[1])
    if seen["dpr"] != 2.0:
        pytest.skip(f"QT_SCALE_FACTOR=2 gave a device pixel ratio of {seen['dpr']} here")
    image = QImage(str(out))
    assert image.width() == 1800
    x, y, w, h = (v * 2 for v in seen["region"])
    assert_dots_at(image, seen["expected"], QRectF(x, y, w, h), scale=2.0, what="render x2")
