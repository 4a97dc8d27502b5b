"""Image thumbnails on the 2-D map: one item that paints only the thumbnails in view.

Level of detail: the view is cut into cells of one thumbnail's size on the screen, and each cell
shows at most one thumbnail (the lowest row among the points in it), so thumbnails never cover
each other and a frame draws at most a few hundred of them whatever the set's size; zooming in
shows more. Thumbnails show once the view holds at most :attr:`ThumbnailItem.show_below` points
(zoomed in), always for the row under the pointer (drawn larger, on top). The points in view come
from a grid index (:class:`embviz.core.raster.GridIndex`), and the pixmaps from a bounded cache;
a paint makes new thumbnails for at most :data:`BUDGET_MS`, then asks for another frame, so a
frame never waits on a folder of large images.

Positions are mapped to device pixels through the painter's own transform (as the point layer
does), so a thumbnail is centred on its point's pixel in the window, in exports and at any DPR.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from embviz.core.raster import GridIndex
from embviz.core.tasks import Progress
from embviz.gui.views.item_bounds import padded_bounds
from embviz.io.images import ImageSource, thumbnail

log = logging.getLogger(__name__)
THUMB_PX = 40  # a thumbnail's longer side on the screen (logical pixels)
HOVER_PX = 96  # the hovered row's thumbnail
SHOW_BELOW = 3_000  # thumbnails show when at most this many points are in view
CACHE = 6_000  # pixmaps kept
BUDGET_MS = 12.0  # new thumbnails made per paint, at most this long


class ThumbnailItem(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self.source: ImageSource | None = None
        self.grid = GridIndex(np.empty((0, 2), dtype=np.float32))
        self.coords = np.empty((0, 2), dtype=np.float32)
        self.size_px = THUMB_PX
        self.show_below = SHOW_BELOW
        self.enabled = True
        self.hover_row = -1
        self.drawn_rows = np.empty(0, dtype=np.int64)  # rows of the last frame's thumbnails
        self.drawn_boxes: dict[int, QRectF] = {}  # row -> device rectangle, last frame
        self.last_paint_ms = 0.0
        self.pending = False
        self.frame_codes: np.ndarray | None = None
        self.selected: set[int] = set()
        self.selected_colour: tuple[int, ...] = (255, 0, 0)
        self.frame_table = np.zeros((1, 3), np.uint8)
        self.failed: set[int] = set()  # rows whose image could not be read (logged once)
        self._cache: OrderedDict[tuple[int, int], QPixmap] = OrderedDict()
        self._rect = QRectF()
        self._more = QTimer(singleShot=True, interval=0)
        self._more.timeout.connect(self.update)

    # data ---------------------------------------------------------------------------------
    def set_images(
        self, coords: np.ndarray | None, source: ImageSource | None, rows: np.ndarray | None = None
    ) -> None:
        """Thumbnails of ``source`` at ``coords`` (rows: those drawn, None = all)."""
        self.prepareGeometryChange()
        self._cache.clear()
        self.failed.clear()
        self.hover_row = -1
        if coords is None or source is None or len(source) != len(coords):
            self.source, self.coords = None, np.empty((0, 2), dtype=np.float32)
            self.grid = GridIndex(self.coords)
            self._rect = QRectF()
        else:
            self.source = source
            self.coords = np.ascontiguousarray(np.asarray(coords)[:, :2], dtype=np.float32)
            self.grid = GridIndex(self.coords, rows)
            x0, y0, x1, y1 = self.grid.bounds
            self._rect = QRectF(x0, y0, x1 - x0, y1 - y0) if self.grid.size else QRectF()
        self.update()

    def set_rows(self, rows: np.ndarray | None) -> None:
        """Only these rows get thumbnails (a filter, isolation); None: all."""
        if self.source is None:
            return
        self.prepareGeometryChange()
        self.grid = GridIndex(self.coords, rows)
        self.update()

    def set_frame_colours(self, codes: np.ndarray | None, table: np.ndarray | None) -> None:
        """Frame each thumbnail in its point's colour (codes per row into table K x 3); None:
        a white frame."""
        self.frame_codes = None if codes is None else np.asarray(codes)
        self.frame_table = np.zeros((1, 3), np.uint8) if table is None else np.asarray(table)
        self.update()

    def set_selected(self, rows: np.ndarray, colour: tuple[int, int, int]) -> None:
        self.selected = set(np.asarray(rows, dtype=np.int64).tolist()[:5000])
        self.selected_colour = tuple(int(c) for c in colour)
        self.update()

    def set_hover(self, row: int) -> None:
        if row != self.hover_row:
            self.hover_row = row
            self.update()

    def set_size(self, px: int) -> None:
        self.size_px = int(px)
        self._cache.clear()
        self.update()

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.update()

    # drawing ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        return padded_bounds(self, self._rect, HOVER_PX)

    def pixmap(self, row: int, side: int) -> QPixmap | None:
        """Row ``row``'s thumbnail, ``side`` device pixels on its longer side (cached)."""
        key = (row, side)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        if self.source is None or row in self.failed:
            return None
        try:
            fitted = getattr(self.source, "thumbnail", None)  # a file read at a reduced size
            rgba = (
                fitted(row, side) if fitted is not None else thumbnail(self.source.rgba(row), side)
            )
        except Exception as exc:  # a missing or damaged file: that point keeps its dot
            self.failed.add(row)
            log.warning("no thumbnail for row %d: %s", row, exc)
            return None
        pix = QPixmap.fromImage(rgba_image(rgba))
        self._cache[key] = pix
        if len(self._cache) > CACHE:
            self._cache.popitem(last=False)
        return pix

    def rows_to_draw(self, device: QTransform, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """(rows, their device-pixel centres (K x 2)) of the thumbnails this frame shows: one
        per screen cell, lowest row first. ``device``: view units to device pixels; ``scale``:
        device pixels per logical pixel."""
        vb = self.getViewBox()
        empty = np.empty(0, dtype=np.int64), np.empty((0, 2))
        if vb is None or self.source is None or self.grid.size == 0 or not self.enabled:
            return empty
        if not device.isInvertible() or device.isRotating():
            return empty
        rect = vb.viewRect()
        px, py = vb.viewPixelSize()
        half = self.size_px / 2
        x0, x1 = rect.left() - half * px, rect.right() + half * px
        y0, y1 = rect.top() - half * py, rect.bottom() + half * py
        where = self.grid.candidates(x0, y0, x1, y1)
        x, y, rows = self.grid.x[where], self.grid.y[where], self.grid.rows[where]
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        if int(inside.sum()) > self.show_below:
            return empty  # zoomed out: the dots say more than a carpet of thumbnails
        x, y, rows = x[inside], y[inside], rows[inside]
        dx = device.m11() * x + device.m21() * y + device.dx()
        dy = device.m12() * x + device.m22() * y + device.dy()
        cell = self.size_px * scale
        key = np.floor(dx / cell).astype(np.int64) * 1_000_003 + np.floor(dy / cell).astype(
            np.int64
        )
        order = np.argsort(rows, kind="stable")
        _, first = np.unique(key[order], return_index=True)
        keep = order[first]
        keep = keep[np.argsort(rows[keep])]  # at most one per cell; then none overlapping
        keep = keep[not_overlapping(dx[keep], dy[keep], cell)]
        return rows[keep], np.column_stack([dx[keep], dy[keep]])

    def paint(self, painter: QPainter, *_args) -> None:
        start = time.perf_counter()
        device = painter.deviceTransform()  # this item's units to device pixels
        vb = self.getViewBox()
        if vb is None:
            return
        scale = device.mapRect(vb.viewRect()).width() / max(vb.width(), 1.0)  # device px / px
        if not getattr(self.source, "loaded", True):  # a sprite sheet still being read
            self.drawn_rows, self.drawn_boxes, self.pending = np.empty(0, np.int64), {}, True
            return
        rows, centres = self.rows_to_draw(device, scale)
        hover = self.hover_row if self.source is not None and self.hover_row >= 0 else -1
        self.drawn_boxes = {}
        if not len(rows) and hover < 0:
            self.drawn_rows, self.pending = rows, False
            return
        painter.save()
        painter.resetTransform()  # draw in device pixels (as the point layer does)
        beyond, invertible = painter.deviceTransform().inverted()
        if not invertible:
            painter.restore()
            return
        painter.setWorldTransform(beyond)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        side = max(1, round(self.size_px * scale))
        border = QPen(QColor(255, 255, 255, 220), max(1.0, scale))
        drawn, pending = [], False
        # a frame on the screen (or a grab of the window, which paints through it) makes
        # thumbnails for BUDGET_MS at most; an export or `embviz render` painting into an
        # image gets every one
        budget = BUDGET_MS if isinstance(painter.device(), QWidget) else float("inf")
        for row, (cx, cy) in zip(rows.tolist(), centres.tolist(), strict=True):
            cached = (row, side) in self._cache
            if not cached and (time.perf_counter() - start) * 1000 > budget:
                pending = True
                continue
            pix = self.pixmap(row, side)
            if pix is not None:
                w, h = pix.width(), pix.height()
                box = QRectF(cx - w / 2, cy - h / 2, w, h)
                painter.drawPixmap(box.topLeft(), pix)
                self.drawn_boxes[row] = box
                drawn.append(row)
        if drawn:  # the frames: in the points' colours when they are coloured by a column
            painter.setBrush(Qt.BrushStyle.NoBrush)
            codes = self.frame_codes
            if codes is None or len(codes) != len(self.coords):
                painter.setPen(border)
                painter.drawRects([self.drawn_boxes[row] for row in drawn])
            else:
                rows_drawn = np.asarray(drawn)
                for code in np.unique(codes[rows_drawn]).tolist():
                    colour = QColor(*(int(c) for c in self.frame_table[code]))
                    painter.setPen(QPen(colour, 2 * scale))
                    boxes = [self.drawn_boxes[r] for r in rows_drawn[codes[rows_drawn] == code]]
                    painter.drawRects([b.adjusted(-scale, -scale, scale, scale) for b in boxes])
        chosen = [r for r in drawn if r in self.selected]
        if chosen:  # selected rows: the selection's colour, thicker (the rings are underneath)
            painter.setPen(QPen(QColor(*self.selected_colour), 3 * scale))
            boxes = [self.drawn_boxes[r].adjusted(-scale, -scale, scale, scale) for r in chosen]
            painter.drawRects(boxes)
        if hover >= 0 and np.isfinite(self.coords[hover]).all():
            x, y = (float(v) for v in self.coords[hover])
            cx = device.m11() * x + device.m21() * y + device.dx()
            cy = device.m12() * x + device.m22() * y + device.dy()
            pix = self.pixmap(hover, max(1, round(HOVER_PX * scale)))
            if pix is not None:
                self.drawn_boxes[hover] = self._draw(
                    painter, pix, cx, cy, QPen(QColor(40, 40, 40), max(1.0, 2 * scale))
                )
        painter.restore()
        self.drawn_rows = np.asarray(drawn, dtype=np.int64)
        self.pending = pending  # some thumbnails wait for the next frame
        if pending:
            self._more.start()
        self.last_paint_ms = (time.perf_counter() - start) * 1000

    def _draw(self, painter: QPainter, pix: QPixmap, cx: float, cy: float, pen: QPen) -> QRectF:
        w, h = pix.width(), pix.height()
        box = QRectF(cx - w / 2, cy - h / 2, w, h)
        painter.drawPixmap(box.topLeft(), pix)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box)
        return box


def not_overlapping(x: np.ndarray, y: np.ndarray, side: float) -> np.ndarray:
    """Indices of the boxes (``side`` wide, centred at x, y; at most one centre per ``side``
    cell, given in priority order) to keep so that no two kept ones overlap: a box is left out
    when a box of higher priority in a neighbouring cell overlaps it (vectorised)."""
    n = len(x)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    gx, gy = np.floor(x / side).astype(np.int64), np.floor(y / side).astype(np.int64)
    shift = int(max(gy.max() - gy.min(), 0)) + 3
    key = (gx - gx.min() + 1) * shift + (gy - gy.min() + 1)
    order = np.argsort(key)
    sorted_keys = key[order]
    clash = np.zeros(n, dtype=bool)
    for ox in (-1, 0, 1):
        for oy in (-1, 0, 1):
            if ox == 0 and oy == 0:
                continue
            wanted = key + ox * shift + oy
            at = np.minimum(np.searchsorted(sorted_keys, wanted), n - 1)
            other = order[at]
            found = sorted_keys[at] == wanted
            near = (np.abs(x[other] - x) < side) & (np.abs(y[other] - y) < side)
            clash |= found & near & (other < np.arange(n))
    return np.flatnonzero(~clash)


def rgba_image(rgba: np.ndarray) -> QImage:
    """A QImage owning a copy of ``rgba`` (H x W x 4 uint8), filled through its bits."""
    h, w = rgba.shape[:2]
    image = QImage(max(w, 1), max(h, 1), QImage.Format.Format_RGBA8888)
    stride = image.bytesPerLine()
    target = np.frombuffer(image.bits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    target[:, : w * 4] = rgba.reshape(h, w * 4)
    return image


class ThumbnailLayer:
    """A map's thumbnails: follows its view state (set, layout, filter) and its hover."""

    def __init__(self, controller) -> None:
        self.controller = controller
        self.view = controller.view
        self.item = ThumbnailItem()
        self.item.setZValue(20)  # over the points and landmark words, under the labels of hits
        self.view.addItem(self.item, ignoreBounds=True)
        self._shown: tuple[object, object] = (None, None)  # (set, coords) given to the item
        state = controller.state
        state.set_changed.connect(lambda _e: self.refresh())
        state.projection_changed.connect(lambda _p: self.refresh())
        state.columns_changed.connect(lambda _e: self.refresh())
        state.filter_changed.connect(lambda _m: self._rows())
        state.colour_changed.connect(lambda _c: self._colours())
        state.selection_changed.connect(self._on_selection)
        self.view.pointHovered.connect(self._on_hover)
        self.refresh()

    def refresh(self) -> None:
        """Give the item the shown set's images at the drawn coordinates (none: no images)."""
        from embviz.io.images import image_source

        eset, coords = self.controller.state.eset, self.view.coords
        if self._shown[0] is eset and self._shown[1] is coords:
            return
        self._shown = (eset, coords)
        source = None
        if eset is not None and len(coords) == len(eset):
            try:
                source = image_source(eset)
            except Exception:  # never a broken map for a column that looked like images
                log.exception("images of %s not found", eset.name)
        self.item.set_images(coords if source is not None else None, source, self.view.shown_rows())
        self._colours()
        if source is not None and not getattr(source, "loaded", True):
            self._read_sheet(source)

    def _read_sheet(self, source) -> None:
        """Read a sprite sheet in a worker (a big one takes a moment); thumbnails follow."""
        item = self.item

        def read():
            yield Progress(None, "Reading the sprite sheet")
            source.pixels()

        def done(_result) -> None:
            if isValid(item):
                item.update()

        def failed(exc: BaseException) -> None:
            log.warning("sprite sheet not read: %s", exc)
            if isValid(item):
                item.set_images(None, None)
            self.controller.window.statusBar().showMessage(f"No thumbnails: {exc}", 10000)

        self.controller.window.runner.run(
            f"sprite-{self.controller.state.uid}", "Reading the sprite sheet", read, done, failed
        )

    def _on_hover(self, row: int) -> None:
        """The hovered row's image, larger; its name moves out beyond the image's corner."""
        self.item.set_hover(row)
        if row < 0 or self.item.source is None or not 0 <= row < len(self.item.coords):
            return
        x, y = (float(v) for v in self.item.coords[row])
        px, py = self.view.plotItem.vb.viewPixelSize()
        reach = HOVER_PX / 2 + 2
        self.view.hover_text.setPos(x + reach * px, y + reach * py)

    def _on_selection(self, rows) -> None:
        if self.view.isolated:
            self._rows()
        self.item.set_selected(rows, self.view.theme.selected)

    def _colours(self) -> None:
        colouring = self.view.colouring
        if colouring.kind == "single" or len(colouring.codes) != len(self.view.coords):
            self.item.set_frame_colours(None, None)
        else:
            self.item.set_frame_colours(colouring.codes, colouring.table)

    def _rows(self) -> None:
        self.refresh()
        self.item.set_rows(self.view.shown_rows())

    @property
    def has_images(self) -> bool:
        return self.item.source is not None
