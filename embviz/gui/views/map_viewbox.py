"""The 2-D map's view box: pan/zoom as pyqtgraph does, or draw a box or a lasso to select.

In "box" or "lasso" mode a left-button drag draws the shape; on release the shape (in data
coordinates) is emitted with the keyboard modifiers, which say how it combines with the current
selection (Shift adds, Ctrl/Alt removes). The right button and the wheel still zoom.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem

TOOLS = ("pan", "box", "lasso")


def selection_op(modifiers) -> str:
    """'add', 'remove' or 'replace' from the keys held while drawing."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return "add"
    if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return "remove"
    return "replace"


class MapViewBox(pg.ViewBox):
    shapeDrawn = Signal(str, object, str)  # "box" | "lasso", N x 2 polygon (data units), op

    def __init__(self) -> None:
        super().__init__()
        self.tool = "pan"
        self._path: list[QPointF] = []
        pen = QPen(QColor(214, 39, 40), 0)
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        self._rubber_rect = QGraphicsRectItem()
        self._rubber_path = QGraphicsPathItem()
        for item in (self._rubber_rect, self._rubber_path):
            item.setPen(pen)
            item.setBrush(QColor(214, 39, 40, 30))
            item.setZValue(1e6)
            item.hide()
            self.addItem(item, ignoreBounds=True)

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}; one of {TOOLS}")
        self.tool = tool

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (pyqtgraph naming)
        if self.tool == "pan" or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        here = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            self._path = [self.mapSceneToView(ev.buttonDownScenePos()), here]
        else:
            self._path.append(here)
        if self.tool == "box":
            rect = QRectF(self._path[0], here).normalized()
            self._rubber_rect.setRect(rect)
            self._rubber_rect.setVisible(not ev.isFinish())
        else:
            path = QPainterPath(self._path[0])
            for point in self._path[1:]:
                path.lineTo(point)
            path.closeSubpath()
            self._rubber_path.setPath(path)
            self._rubber_path.setVisible(not ev.isFinish())
        if ev.isFinish():
            if self.tool == "box":
                a, b = self._path[0], here
                shape = np.array([[a.x(), a.y()], [b.x(), b.y()]])
            else:
                shape = np.array([[p.x(), p.y()] for p in self._path])
            self._path = []
            self.shapeDrawn.emit(self.tool, shape, selection_op(ev.modifiers()))
