"""A layer of points drawn as one numpy-rendered image at the screen's resolution.

pyqtgraph's ScatterPlotItem draws each point as a sprite (about half a second a frame at a
million points). This item instead asks core.raster for an image of exactly the visible region at
the painter's device resolution, then draws it in one call, so a frame costs about the same at
10,000 or 1,000,000 points. Exporters that paint at a larger scale get a sharper image, not a
blown-up one.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter

from embviz.core.raster import GridIndex, premultiplied_table, render

MOVING_POINTS = 300_000  # points drawn per frame while the view moves; all once it settles


class PointCloudItem(pg.GraphicsObject):
    def __init__(self, diameter: float = 5.0, opacity: float = 0.7) -> None:
        super().__init__()
        self.grid = GridIndex(np.empty((0, 2), dtype=np.float32))
        self.codes = np.empty(0, dtype=np.uint8)  # per row of the whole set
        self._sorted_codes = np.empty(0, dtype=np.uint8)
        self._lut = premultiplied_table(np.array([[0, 0, 0]], dtype=np.uint8))
        self.diameter = diameter
        self.opacity = opacity
        self.last_paint_ms = 0.0
        self.moving = False  # while the view pans/zooms: draw an even subsample (LOD)
        self._rect = QRectF()
        self._key: tuple | None = None
        self._coords: np.ndarray | None = None

    # data ---------------------------------------------------------------------------------
    def set_points(self, coords: np.ndarray, rows: np.ndarray | None = None) -> None:
        """Draw ``coords[rows]`` (all rows when None); the same points again cost nothing."""
        key = (id(coords), len(coords), None if rows is None else np.asarray(rows).tobytes())
        if key == self._key and coords is self._coords:
            return
        self._key, self._coords = key, coords
        self.prepareGeometryChange()
        self.grid = GridIndex(coords, rows)
        x0, y0, x1, y1 = self.grid.bounds
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0) if self.grid.size else QRectF()
        self._resort()

    def set_colours(self, codes: np.ndarray, table: np.ndarray) -> None:
        """``codes``: a colour code per row of the set; ``table``: K x 3 uint8 colours."""
        self.codes = np.asarray(codes, dtype=np.uint8)
        self._lut = premultiplied_table(table)
        self._resort()

    def set_style(self, diameter: float | None = None, opacity: float | None = None) -> None:
        if diameter is not None:
            self.diameter = float(diameter)
        if opacity is not None:
            self.opacity = float(opacity)
        self.update()

    def _resort(self) -> None:
        if len(self.codes) and self.grid.size and self.grid.rows.max() < len(self.codes):
            self._sorted_codes = self.codes[self.grid.rows]
        else:
            self._sorted_codes = np.zeros(self.grid.size, dtype=np.uint8)
        self.update()

    # drawing ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        if self._rect.isNull():
            return QRectF()
        # a disc reaches past its centre; a few pixels in data units
        px = self.pixelSize() if self.getViewBox() is not None else (0.0, 0.0)
        pad_x = (px[0] if px[0] else 0.0) * self.diameter
        pad_y = (px[1] if px[1] else 0.0) * self.diameter
        return self._rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def pixelSize(self):  # noqa: N802
        try:
            return self.getViewBox().viewPixelSize()
        except Exception:  # not in a view yet
            return (0.0, 0.0)

    def image_for(self, view: tuple[float, float, float, float], size: tuple[int, int], scale=1.0):
        """The layer's image of ``view`` (x0, y0, x1, y1) at ``size`` pixels, as a QImage."""
        pixels = render(
            self.grid,
            self._sorted_codes,
            self._lut,
            view,
            size,
            self.diameter * scale,
            self.opacity,
            max_points=MOVING_POINTS if self.moving else None,
        )
        return argb_image(pixels)

    def paint(self, painter: QPainter, *_args) -> None:
        vb = self.getViewBox()
        if vb is None or self.grid.size == 0:
            return
        start = time.perf_counter()
        rect = vb.viewRect()
        device = painter.deviceTransform()
        a = device.map(QPointF(rect.left(), rect.bottom()))
        b = device.map(QPointF(rect.right(), rect.top()))
        left, top = min(a.x(), b.x()), min(a.y(), b.y())
        width, height = int(round(abs(b.x() - a.x()))), int(round(abs(b.y() - a.y())))
        if width < 1 or height < 1 or width * height > 80_000_000:
            return
        scale = width / max(vb.width(), 1.0)
        flip_x, flip_y = b.x() < a.x(), a.y() > b.y()
        image = self.image_for(
            (rect.left(), rect.top(), rect.right(), rect.bottom()), (width, height), scale
        )
        if flip_x or flip_y:
            image = image.mirrored(flip_x, flip_y)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(left, top), image)
        painter.restore()
        self.last_paint_ms = (time.perf_counter() - start) * 1000


def argb_image(pixels: np.ndarray) -> QImage:
    """A QImage owning a copy of ``pixels`` (H x W uint32, premultiplied ARGB32).

    The image is allocated by Qt and filled through its bits: building a QImage on a numpy
    buffer trips a reference-counting bug in some PySide6 versions.
    """
    height, width = pixels.shape
    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    if width and height:
        stride = image.bytesPerLine() // 4
        target = np.frombuffer(image.bits(), dtype=np.uint32, count=stride * height)
        target.reshape(height, stride)[:, :width] = pixels
    return image
