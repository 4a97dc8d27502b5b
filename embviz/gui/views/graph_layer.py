"""A graph's edges and the Poincaré disk on the 2-D map.

For a set that came from a graph (:func:`embviz.models.graph.graph_set.graph_of`), the edges
that touch the selected nodes are drawn as lines between their points on the shown layout (one
line item, ``connect="pairs"``, so a thousand edges cost one draw); a large selection draws at
most :data:`MAX_EDGES` of them and says so in the item's tooltip. For a Poincaré embedding laid
out as it is or by the disk layout (both keep every point inside the unit disk), the unit circle
is drawn: the disk's boundary, where distances grow without bound. Lines are mapped through the
view box like the points, so they end at the points' pixels at every zoom.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from embviz.core.poincare import is_poincare
from embviz.models.graph.disk_layout import NAME as DISK_LAYOUT
from embviz.models.graph.graph_set import GraphInfo, graph_of

MAX_EDGES = 50_000
EDGE_COLOUR = (231, 41, 138, 210)  # magenta: apart from the points' palette and the axes
EDGE_WIDTH = 1.5
Z_EDGES = 1.5  # over the points and search hits, under the selection (2) and its rings (3)
Z_DISK = -2  # under everything
CIRCLE_STEPS = 720
DISK_METHODS = ("as-is", DISK_LAYOUT)


class GraphLayer:
    def __init__(self, view) -> None:
        self.view = view
        self.info: GraphInfo | None = None
        self.coords: np.ndarray | None = None
        self.rows = np.empty(0, dtype=np.int64)
        self.edges = pg.PlotCurveItem(connect="pairs", antialias=True)
        self.edges.setPen(_pen(EDGE_COLOUR, EDGE_WIDTH))
        self.edges.setZValue(Z_EDGES)
        view.addItem(self.edges, ignoreBounds=True)
        t = np.linspace(0.0, 2 * np.pi, CIRCLE_STEPS + 1)
        self.disk = pg.PlotCurveItem(np.cos(t), np.sin(t), antialias=True)
        self.disk.setZValue(Z_DISK)
        view.addItem(self.disk, ignoreBounds=True)
        self.set_colours((40, 40, 40))
        self.disk.hide()
        self.drawn_pairs = np.empty((0, 2), dtype=np.int64)  # what the lines join (rows)

    def show(self, eset, projection, fit: bool = False) -> None:
        """Draw for ``eset`` on ``projection`` (None: nothing): the disk, and the selection's
        edges once :meth:`set_selection` is called. ``fit``: a new layout: the view shows the
        whole disk (unless the person has moved it)."""
        self.info = graph_of(eset)
        usable = (
            projection is not None
            and eset is not None
            and len(projection.coords) == len(eset)
            and projection.coords.shape[1] >= 2
        )
        self.coords = projection.coords[:, :2] if usable else None
        disk = usable and is_poincare(eset) and projection.method in DISK_METHODS
        self.disk.setVisible(bool(disk))
        if disk and fit and not getattr(self.view, "moved_by_person", False):
            self.view.plotItem.vb.setRange(xRange=(-1.0, 1.0), yRange=(-1.0, 1.0), padding=0.04)
        self.set_selection(np.empty(0, dtype=np.int64))

    def set_selection(self, rows) -> None:
        self.rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        pairs = np.empty((0, 2), dtype=np.int64)
        if self.info is not None and self.coords is not None and self.rows.size:
            pairs = self.info.edges_of(self.rows)
            pairs = pairs[(pairs < len(self.coords)).all(axis=1)]
        shown = pairs[:MAX_EDGES]
        if len(shown) and self.coords is not None:  # rows left out of the layout: no line
            shown = shown[np.isfinite(self.coords[shown]).all(axis=(1, 2))]
        self.drawn_pairs = shown
        if not len(shown):
            self.edges.setData([], [])
            self.edges.setToolTip("")
            return
        assert self.coords is not None
        xy = self.coords[shown.reshape(-1)].astype(np.float64)
        self.edges.setData(xy[:, 0], xy[:, 1])
        more = len(pairs) - len(shown)
        self.edges.setToolTip(
            f"{len(shown):,} edges of the selection"
            + (f" ({more:,} more not drawn)" if more else "")
        )

    def set_colours(self, text: tuple[int, int, int]) -> None:
        self.disk.setPen(_pen((*text, 150), 1.2))


def _pen(colour, width: float):
    pen = pg.mkPen(colour, width=width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen
