"""Arrows on the 2-D map, drawn in device pixels so their heads keep one size at every zoom.

Each arrow is given in the map's coordinates (x0, y0) -> (x1, y1); at paint time both ends are
mapped through the painter's own transform (as the point layer does), the shaft is drawn to the
base of the head and the head is a filled triangle whose tip is exactly the end point.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from embviz.gui.views.item_bounds import padded_bounds

HEAD_PX = 11.0  # the head's length along the shaft
HEAD_HALF_WIDTH_PX = 4.5


class ArrowItem(pg.GraphicsObject):
    def __init__(self, colour: tuple[int, int, int] = (0, 0, 0), width: float = 2.0) -> None:
        super().__init__()
        self.segments = np.empty((0, 4), dtype=np.float64)
        self.colour = colour
        self.width = width
        self._rect = QRectF()

    def set_arrows(self, segments: np.ndarray, colour: tuple[int, int, int]) -> None:
        """``segments``: M x 4 rows (x0, y0, x1, y1) in view coordinates; non-finite ones are
        left out."""
        segments = np.asarray(segments, dtype=np.float64).reshape(-1, 4)
        self.prepareGeometryChange()
        self.segments = segments[np.isfinite(segments).all(axis=1)]
        self.colour = tuple(int(c) for c in colour)  # type: ignore[assignment]
        if len(self.segments):
            xs = self.segments[:, [0, 2]]
            ys = self.segments[:, [1, 3]]
            x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
            self._rect = QRectF(x0, y0, max(x1 - x0, 1e-12), max(y1 - y0, 1e-12))
        else:
            self._rect = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        return padded_bounds(self, self._rect, HEAD_PX)

    def device_segments(self, painter: QPainter) -> np.ndarray:
        """The arrows' ends in the painter's device pixels (M x 4)."""
        device = painter.deviceTransform()
        out = np.empty_like(self.segments)
        for i, (x0, y0, x1, y1) in enumerate(self.segments):
            a = device.map(QPointF(x0, y0))
            b = device.map(QPointF(x1, y1))
            out[i] = (a.x(), a.y(), b.x(), b.y())
        return out

    def paint(self, painter: QPainter, *_args) -> None:
        if not len(self.segments):
            return
        ends = self.device_segments(painter)
        colour = QColor(*self.colour)
        painter.save()
        painter.resetTransform()  # draw in device pixels (as the point layer does)
        beyond, invertible = painter.deviceTransform().inverted()
        if invertible:
            painter.setWorldTransform(beyond)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            pen = QPen(colour, self.width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            for x0, y0, x1, y1 in ends:
                draw_arrow(painter, pen, colour, (x0, y0), (x1, y1))
        painter.restore()


def arrow_head(start: tuple[float, float], end: tuple[float, float]) -> np.ndarray:
    """The head's triangle (tip, left, right) in pixels for an arrow ``start`` -> ``end``;
    shorter arrows get a smaller head (at most half their length)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length = float(np.hypot(dx, dy))
    if length == 0.0:
        return np.array([[x1, y1]] * 3)
    ux, uy = dx / length, dy / length
    head = min(HEAD_PX, length / 2)
    half = HEAD_HALF_WIDTH_PX * head / HEAD_PX
    bx, by = x1 - ux * head, y1 - uy * head
    return np.array([[x1, y1], [bx - uy * half, by + ux * half], [bx + uy * half, by - ux * half]])


def draw_arrow(painter: QPainter, pen: QPen, colour: QColor, start, end) -> None:
    head = arrow_head(start, end)
    base = head[1:].mean(axis=0)
    painter.setPen(pen)
    painter.drawLine(QPointF(*start), QPointF(float(base[0]), float(base[1])))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in head]))
