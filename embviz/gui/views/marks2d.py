"""Overlays' free places on the 2-D map: positions that are no row, such as a search query placed
among its nearest documents. Each is a star in its overlay's colour with its words beside it,
drawn above the labels so that nothing hides it."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

STAR_PX = 26
Z = 60  # above the labels (10, bold ones 50)


class MarkLayer:
    def __init__(self, plot: pg.PlotWidget) -> None:
        self.plot = plot
        self.star = pg.ScatterPlotItem(
            pxMode=True, size=STAR_PX, symbol="star", pen=pg.mkPen("k", width=1.5)
        )
        self.star.setZValue(Z)
        plot.addItem(self.star)
        self.texts: list[pg.TextItem] = []

    def draw(self, overlays: dict, text_colour, fill_colour) -> None:
        """Draw the ``marks`` of every overlay: (x, y, words) in layout coordinates."""
        for item in self.texts:
            self.plot.removeItem(item)
        self.texts = []
        xs, ys, brushes = [], [], []
        for overlay in overlays.values():
            for x, y, text in getattr(overlay, "marks", []):
                xs.append(float(x))
                ys.append(float(y))
                brushes.append(pg.mkBrush(*overlay.colour, 255))
                if text:
                    item = pg.TextItem(
                        text,
                        anchor=(0.5, 1.5),
                        color=QColor(*text_colour),
                        fill=pg.mkBrush(*fill_colour, 220),
                    )
                    item.setPos(float(x), float(y))
                    item.setZValue(Z + 1)
                    self.plot.addItem(item, ignoreBounds=True)
                    self.texts.append(item)
        self.star.setData(x=xs, y=ys, brush=brushes)
