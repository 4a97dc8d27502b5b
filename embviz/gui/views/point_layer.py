"""A layer of points drawn as one numpy-rendered image at the screen's resolution.

pyqtgraph's ScatterPlotItem draws each point as a sprite (about half a second a frame at a
million points). This item instead asks core.raster for an image of exactly the visible region at
the painter's device resolution, then draws it in one call, so a frame costs about the same at
10,000 or 1,000,000 points. Exporters that paint at a larger scale get a sharper image, not a
blown-up one.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QWidget

from embviz.core.raster import GridIndex, premultiplied_table, render

MOVING_POINTS = 300_000  # points drawn per frame while the view moves; all once it settles
# Above this many points in a layer, the image of every point is made in a thread once the view
# rests (the spread subsample stays meanwhile), so a still map of ten million points never holds
# the GUI thread for the half second that image takes.
BACKGROUND_POINTS = 2_000_000


class PointCloudItem(pg.GraphicsObject):
    fullImageMade = Signal(object)  # (key, QImage or None), from the thread that made it

    def __init__(self, diameter: float = 5.0, opacity: float = 0.7) -> None:
        super().__init__()
        self._version = 0  # bumped by every change of points, colours or style
        self._full: tuple | None = None  # (key, QImage): every point, made in the background
        self._making: tuple | None = None  # the key being made now
        self.complete = True  # the last paint drew every point of the layer
        self.fullImageMade.connect(self._on_full_image, Qt.ConnectionType.QueuedConnection)
        self.grid = GridIndex(np.empty((0, 2), dtype=np.float32))
        self.codes = np.empty(0, dtype=np.uint8)  # per row of the whole set
        self._sorted_codes = np.empty(0, dtype=np.uint8)
        self._sorted_for: GridIndex | None = None  # the grid _sorted_codes follow
        self._lut = premultiplied_table(np.array([[0, 0, 0]], dtype=np.uint8))
        self.diameter = diameter
        self.opacity = opacity
        self.last_paint_ms = 0.0
        self.moving = False  # while the view pans/zooms: draw an even subsample (LOD)
        self._rect = QRectF()
        self._key: bytes | None = None  # the rows drawn (None: all)
        self._coords: np.ndarray | None = None

    # data ---------------------------------------------------------------------------------
    def set_points(
        self, coords: np.ndarray, rows: np.ndarray | None = None, grid: GridIndex | None = None
    ) -> None:
        """Draw ``coords[rows]`` (all rows when None); the same points again cost nothing.
        ``grid``: an index of every row of ``coords`` made beforehand, used when it fits."""
        # the same array object (held here, so never another one at that address) and rows
        key = None if rows is None else np.asarray(rows).tobytes()
        if coords is self._coords and key == self._key:
            return
        self._key, self._coords = key, coords
        self._version += 1
        self.prepareGeometryChange()
        fits = grid is not None and grid.built_on(coords, rows)
        self.grid = grid if fits and grid is not None else GridIndex(coords, rows)
        x0, y0, x1, y1 = self.grid.bounds
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0) if self.grid.size else QRectF()
        self._resort()

    def set_colours(self, codes: np.ndarray, table: np.ndarray) -> None:
        """``codes``: a colour code per row of the set; ``table``: K x 3 uint8 colours."""
        codes = np.asarray(codes, dtype=np.uint8)
        self._lut = premultiplied_table(table)
        self._version += 1
        if codes is self.codes and self._sorted_for is self.grid:  # the same codes: no resort
            self.update()
            return
        self.codes = codes
        self._resort()

    def set_style(self, diameter: float | None = None, opacity: float | None = None) -> None:
        if diameter is not None:
            self.diameter = float(diameter)
        if opacity is not None:
            self.opacity = float(opacity)
        self._version += 1
        self.update()

    def settle(self) -> None:
        """The view rests: a layer drawn in part while it moved is drawn whole (one drawn whole
        is not drawn again: a second repaint of every epoch of a training, before)."""
        self.moving = False
        if not self.complete:
            self.update()

    def _resort(self) -> None:
        self._sorted_for = self.grid
        if len(self.codes) and self.grid.size and self.grid.max_row < len(self.codes):
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

    def screen_image_for(
        self, view: tuple[float, float, float, float], size: tuple[int, int], scale=1.0
    ):
        """The image to show on screen now: as :meth:`image_for`, but a big layer at rest gets
        its spread subsample at once and the image of every point when a thread has made it."""
        if self.moving or self.grid.size <= BACKGROUND_POINTS:
            # a subsample while moving only above MOVING_POINTS: below, every point is drawn
            self.complete = not self.moving or self.grid.size <= MOVING_POINTS
            return self.image_for(view, size, scale)
        key = (self._version, view, size, scale)
        if self._full is not None and self._full[0] == key:
            self.complete = True
            return self._full[1]
        self.complete = False
        if self._making is None:
            self._make_full_image(key)
        pixels = render(
            self.grid, self._sorted_codes, self._lut, view, size, self.diameter * scale,
            self.opacity, max_points=MOVING_POINTS,
        )  # fmt: skip
        return argb_image(pixels)

    def _make_full_image(self, key: tuple) -> None:
        self._making = key
        _version, view, size, scale = key
        args = (self.grid, self._sorted_codes, self._lut, view, size, self.diameter * scale,
                self.opacity)  # fmt: skip
        signal = self.fullImageMade

        def make() -> None:
            try:
                image = argb_image(render(*args))
            except Exception:  # noqa: BLE001 - the subsample stays; nothing to report
                image = None
            try:
                signal.emit((key, image))
            except RuntimeError:  # the item was deleted meanwhile
                pass

        threading.Thread(target=make, name="map-full-image", daemon=True).start()

    def _on_full_image(self, made: tuple) -> None:
        key, image = made
        self._making = None
        if image is not None and key[0] == self._version:
            self._full = (key, image)
        self.update()  # shows it, or asks for the image of the view as it is now

    def paint(self, painter: QPainter, *_args) -> None:
        vb = self.getViewBox()
        if vb is None or self.grid.size == 0:
            return
        start = time.perf_counter()
        device, rect = painter.deviceTransform(), vb.viewRect()
        placed = device_pixel_rect(device, rect)
        if placed is None:
            return
        (left, top, width, height), view, (flip_x, flip_y) = placed
        if width * height > 80_000_000:
            return
        scale = device.mapRect(rect).width() / max(vb.width(), 1.0)  # device px per view px
        if isinstance(painter.device(), QWidget):  # the screen; a grab or an export waits for all
            image = self.screen_image_for(view, (width, height), scale)
        else:
            image = self.image_for(view, (width, height), scale)
        if flip_x or flip_y:
            image = image.mirrored(flip_x, flip_y)
        painter.save()
        # Draw in device pixels: undo what the painter adds beyond this item's own transform
        # (a redirection offset when a window or a widget is grabbed, the device pixel ratio),
        # so that image pixel (0, 0) lands on device pixel (left, top), one to one.
        painter.resetTransform()
        beyond, invertible = painter.deviceTransform().inverted()
        if invertible:
            painter.setWorldTransform(beyond)
            painter.drawImage(QPoint(left, top), image)
        painter.restore()
        self.last_paint_ms = (time.perf_counter() - start) * 1000


def device_pixel_rect(device: QTransform, rect: QRectF):
    """Whole device pixels covering ``rect`` (view units) and the view rectangle they show.

    Returns ((left, top, width, height) in device pixels, (x0, y0, x1, y1) in view units with
    y0 < y1, (flip_x, flip_y)), or None when nothing is to be drawn. The view rectangle is
    mapped back from the whole pixels, so pixel i of the image covers exactly device pixels
    [left + i, left + i + 1) and a point lands where ``device`` puts it.
    """
    if rect.isNull() or not rect.isValid() or not device.isInvertible() or device.isRotating():
        return None
    box = device.mapRect(rect)
    left, top = int(np.floor(box.left() + 1e-6)), int(np.floor(box.top() + 1e-6))
    right, bottom = int(np.ceil(box.right() - 1e-6)), int(np.ceil(box.bottom() - 1e-6))
    width, height = right - left, bottom - top
    if width < 1 or height < 1:
        return None
    inverse = device.inverted()[0]
    a = inverse.map(QPointF(left, top))
    b = inverse.map(QPointF(right, bottom))
    x0, x1 = sorted((a.x(), b.x()))
    y0, y1 = sorted((a.y(), b.y()))
    # render() puts x0 at the image's left and y1 at its top; mirror where the device differs
    flip_x, flip_y = a.x() > b.x(), a.y() < b.y()
    return (left, top, width, height), (x0, y0, x1, y1), (flip_x, flip_y)


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
