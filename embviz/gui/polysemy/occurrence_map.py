"""One word's occurrence map in the lab, 2-D or 3-D: the occurrences coloured by sense/cluster,
the sentence on hover, and the word's static vector as a star labelled "static vector".

The 2-D map is a pyqtgraph plot; the 3-D one (``map3d``) is made the first time it is asked for,
because it needs an OpenGL context. Both draw a ``PolysemyMap`` the core computed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QStackedWidget, QToolTip

from embviz.core.polysemy import PolysemyMap, StaticMarker

if TYPE_CHECKING:
    from embviz.gui.polysemy.map3d import OccurrenceMap3D

MARKER_BRUSH = "#F0E442"
STATIC_LEGEND = "★ static vector"
STATIC_LEGEND_NEAREST = "★ static vector (at nearest occurrence)"
EDGE_PX = 14.0  # free pixels between the outermost points (a star is 22 px wide) and the edge
LEGEND_GAP_PX = 6.0


class _Plot(pg.PlotWidget):
    """A plot that asks for little (the default 600 x 480 hint makes the columns scroll)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(280, self.minimumHeight())


def make_plot(title: str, height: int) -> pg.PlotWidget:
    plot = _Plot(background="w")
    plot.setTitle(title, color="#222", size="10pt")
    plot.setMinimumHeight(height)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setTextPen("#333")
        plot.getAxis(axis).setPen("#888")
    return plot


class OccurrenceMap(QStackedWidget):
    def __init__(self, tip, parent=None) -> None:
        super().__init__(parent)
        self.tip = tip  # occurrence index -> HTML
        self.dims = 2
        self.map = make_plot("occurrences", 200)
        self.map.hideAxis("left")
        self.map.hideAxis("bottom")
        self.scatter = pg.ScatterPlotItem(size=11, hoverable=True, tip=self._tip, hoverSize=15)
        self.map.addItem(self.scatter)
        self.marker: StaticMarker | None = None
        self.marker_item = pg.ScatterPlotItem(
            symbol="star", size=22, hoverable=True, hoverSize=26, tip=self._marker_tip,
            brush=pg.mkBrush(MARKER_BRUSH), pen=pg.mkPen("#111", width=1.2),
        )  # fmt: skip
        self.marker_item.setZValue(10)
        self.marker_label = pg.TextItem("static vector", color="#111", anchor=(-0.15, 1.1))
        self.marker_label.setZValue(10)
        for item in (self.marker_item, self.marker_label):
            item.setVisible(False)
            self.map.addItem(item)
        self.legend = self.map.addLegend(
            offset=(4, 4), labelTextColor="#222", brush=(255, 255, 255, 200)
        )
        self.view3d: OccurrenceMap3D | None = None  # made when 3-D is first asked for
        self.addWidget(self.map)
        self.setMinimumHeight(200)
        self._xy = np.empty((0, 2))  # what is drawn (occurrences and the star), for fitting
        self._brushes: list = []  # the occurrences' brushes, as last drawn
        self._moved = self._fitting = False
        vb = self.map.getPlotItem().vb
        vb.sigResized.connect(self._refit_unless_moved)
        vb.sigRangeChangedManually.connect(self._on_moved)
        self.map.viewport().installEventFilter(self)  # the pointer leaving ends the sentence tip

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Leave and watched is self.map.viewport():
            self.map.getPlotItem().vb.setToolTip("")  # pyqtgraph leaves the last tip set
            QToolTip.hideText()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(280, 200)

    # 2-D / 3-D ----------------------------------------------------------------------------
    def set_dims(self, dims: int) -> None:
        """Show the 2-D or the 3-D map (the lab has checked that OpenGL works first)."""
        if dims == 3 and self.view3d is None:
            from embviz.gui.polysemy.map3d import OccurrenceMap3D

            self.view3d = OccurrenceMap3D(self)
            self.addWidget(self.view3d)
        self.dims = dims
        self.setCurrentWidget(self.view3d if dims == 3 and self.view3d is not None else self.map)

    # drawing ------------------------------------------------------------------------------
    def clear(self) -> None:
        self.scatter.clear()
        self.marker = None
        self.marker_item.setVisible(False)
        self.marker_label.setVisible(False)

    def draw(
        self,
        layer: int,
        shown: PolysemyMap,
        groups: list[str],
        colours: dict,
        extent: np.ndarray | None = None,
    ) -> None:
        """Draw ``shown`` (2-D or 3-D) coloured by ``groups``; ``colours``: group -> rgb.

        ``extent``: the points the view should fit (every layer's, when the layers are aligned:
        the view then stays put while the slider moves the points; a view the person zoomed or
        panned is kept). None: fit ``shown``."""
        self.marker = shown.marker
        if shown.dims == 3:
            if self.view3d is not None:
                tips = [self.tip(i) for i in range(len(groups))]
                self.view3d.set_map(shown.coords, tips, groups, colours)
                self.view3d.set_marker(shown.marker)
            return
        self._brushes = [pg.mkBrush(*colours[g], 220) for g in groups]
        self.scatter.setData(
            pos=np.asarray(shown.coords, dtype=float)[:, :2],
            brush=self._brushes,
            pen=pg.mkPen("#333", width=0.6),
            data=list(range(len(groups))),
        )
        self.legend.clear()
        for name, rgb in colours.items():
            self.legend.addItem(pg.ScatterPlotItem(brush=pg.mkBrush(*rgb), size=10), name)
        marker = shown.marker
        self.marker_item.setVisible(marker is not None)
        self.marker_label.setVisible(marker is not None)
        if marker is not None:
            x, y = (float(v) for v in marker.position[:2])
            self.marker_item.setData(pos=[(x, y)], data=["static"])
            self.marker_label.setPos(x, y)
            title = STATIC_LEGEND if marker.exact else STATIC_LEGEND_NEAREST
            sample = pg.ScatterPlotItem(
                symbol="star", size=14, brush=pg.mkBrush(MARKER_BRUSH), pen=pg.mkPen("#111")
            )
            self.legend.addItem(sample, title)
        self.map.getPlotItem().setTitle(f"occurrences at layer {layer}", color="#222", size="10pt")
        if extent is not None:
            xy = np.asarray(extent, dtype=float)[:, :2]
            same = self._xy.shape == xy.shape and bool(np.array_equal(self._xy, xy))
            self._xy = xy[np.isfinite(xy).all(axis=1)]
            if same and self._moved:
                return  # the same aligned maps: the person's view stays
            self._moved = False
            self.fit()
            return
        xy = np.asarray(shown.coords, dtype=float)[:, :2]
        if marker is not None:
            xy = np.vstack([xy, np.asarray(marker.position, dtype=float)[None, :2]])
        self._xy, self._moved = xy[np.isfinite(xy).all(axis=1)], False
        self.fit()

    def move_points(self, coords: np.ndarray, marker_position: np.ndarray | None) -> None:
        """Put the drawn points (and the star) at ``coords``: a frame of a move between layers,
        in the colours of the last :meth:`draw` (nothing else changes)."""
        xy = np.asarray(coords, dtype=float)[:, :2]
        if len(xy) != len(self._brushes):
            return
        self.scatter.setData(
            pos=xy, brush=self._brushes, pen=pg.mkPen("#333", width=0.6), data=list(range(len(xy)))
        )
        if marker_position is not None and self.marker_item.isVisible():
            x, y = (float(v) for v in np.asarray(marker_position)[:2])
            self.marker_item.setData(pos=[(x, y)], data=["static"])
            self.marker_label.setPos(x, y)

    def _on_moved(self, *_args) -> None:
        if not self._fitting:
            self._moved = True  # the person zoomed or panned: a resize keeps their view

    def _refit_unless_moved(self, *_: object) -> None:
        if not self._moved:  # a person who moved the map keeps their view
            self.fit()

    def fit(self) -> None:
        """Show every point, with room for the legend: the legend sits over the map's corner,
        so a band as tall (or as wide, whichever costs less) is kept free of points."""
        vb = self.map.getPlotItem().vb
        w, h = vb.width(), vb.height()
        if not len(self._xy) or w < 4 * EDGE_PX or h < 4 * EDGE_PX:
            return
        (x0, y0), (x1, y1) = self._xy.min(axis=0), self._xy.max(axis=0)
        span = max(x1 - x0, y1 - y0, 1e-9)
        if x1 - x0 <= 1e-12 * span:
            x0, x1 = x0 - span / 2, x1 + span / 2
        if y1 - y0 <= 1e-12 * span:
            y0, y1 = y0 - span / 2, y1 + span / 2
        top = left = 0.0
        if self.legend.isVisible() and self.legend.items:
            box = self.legend.mapRectToItem(vb, self.legend.boundingRect())
            top_band, left_band = box.bottom() + LEGEND_GAP_PX, box.right() + LEGEND_GAP_PX
            if top_band / h <= left_band / w:
                top = top_band
            else:
                left = left_band
        sx = (x1 - x0) / max(w - left - 2 * EDGE_PX, 1.0)  # data units per pixel
        sy = (y1 - y0) / max(h - top - 2 * EDGE_PX, 1.0)
        self._fitting = True
        try:
            vb.setRange(
                xRange=(x0 - (left + EDGE_PX) * sx, x1 + EDGE_PX * sx),
                yRange=(y0 - EDGE_PX * sy, y1 + (top + EDGE_PX) * sy),
                padding=0,
            )
        finally:
            self._fitting = False

    def _tip(self, x=None, y=None, data=None) -> str:
        return "" if data is None else self.tip(int(data))

    def _marker_tip(self, x=None, y=None, data=None) -> str:
        return "" if self.marker is None else f"<p>{html.escape(self.marker.note)}</p>"
