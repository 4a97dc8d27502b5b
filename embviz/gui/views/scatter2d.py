"""The central 2-D map: points, hover labels, click/box/lasso selection, search hits, colours.

Level of detail: every layer of points (all, search hits, selection) is a PointCloudItem, an image
rendered with numpy at the screen's resolution, so a frame costs about the same at ten thousand or
a million points; only the few marked points (selection rings, overlays, hover) are sprites.
Picking goes through core.picking's k-d tree; labels through labels2d. The view emits rows; the
window updates the session.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from embviz.core.colors import Colouring, single_colour
from embviz.core.picking import PointIndex, simplify_path
from embviz.gui.views.arrow_layer import ArrowItem
from embviz.gui.views.labels2d import LabelLayer
from embviz.gui.views.legend import Legend
from embviz.gui.views.map_viewbox import MapViewBox
from embviz.gui.views.marks2d import MarkLayer
from embviz.gui.views.point_layer import PointCloudItem
from embviz.gui.views.themes import THEMES, Theme

HOVER_RADIUS_PX = 8
MAX_RINGS = 500
MOVING_LABELS_LIMIT = 50_000  # above this many points, landmarks hide while moving
SETTLE_MS = 120  # after the last pan/zoom step, draw every point again
EMPTY = np.empty(0, dtype=np.int64)
# Rows a filter leaves out stay on the map, faded: the map keeps its shape, so a person sees where
# the rows that pass sit among the rest (as cross-filtering atlases do). They are not picked.
FADED_OPACITY = 0.16


class ScatterView(pg.PlotWidget):
    pointHovered = Signal(int)  # row, or -1 when the cursor leaves all points
    pointClicked = Signal(int)  # row, or -1 for a click on empty space
    selectionDrawn = Signal(object, str)  # rows inside a box or lasso, "replace"|"add"|"remove"

    def __init__(self, parent=None) -> None:
        self.map_box = MapViewBox()
        super().__init__(parent, viewBox=self.map_box)
        self.setAntialiasing(True)
        self.plotItem.setAspectLocked(True)
        self.plotItem.setMenuEnabled(False)
        for axis in ("left", "bottom"):
            self.plotItem.getAxis(axis).enableAutoSIPrefix(False)
        self.cloud = PointCloudItem(5, 0.7)
        self.faded_cloud = PointCloudItem(5, FADED_OPACITY)  # rows a filter leaves out
        self.hit_cloud = PointCloudItem(8, 0.95)
        self.selected_cloud = PointCloudItem(7, 0.95)
        self.rings = pg.ScatterPlotItem(pxMode=True, size=14, brush=None)
        self.hover_marker = pg.ScatterPlotItem(pxMode=True, size=12, brush=None)
        self.overlay_lines: dict[str, pg.PlotDataItem] = {}  # one per panel, in its colour
        self.overlay_arrows: dict[str, ArrowItem] = {}  # the same, for overlays with arrows
        self.overlay_points = pg.ScatterPlotItem(pxMode=True, size=10, pen=pg.mkPen("w", width=1))
        # drawing order; overlay lines (one item per panel, added later) sit at 4
        layers = (self.cloud, self.hit_cloud, self.selected_cloud, self.rings)
        items = (*layers, self.overlay_points, self.hover_marker, self.faded_cloud)
        for item, z in zip(items, (0, 1, 2, 3, 5, 6, -1), strict=True):
            item.setZValue(z)
            self.addItem(item)
        self.hover_text = pg.TextItem("", anchor=(0, 1))
        self.hover_text.setZValue(100)
        self.hover_text.hide()
        self.addItem(self.hover_text, ignoreBounds=True)
        self.label_layer = LabelLayer(self.plotItem)
        self.marks = MarkLayer(self)  # overlays' free places (a query's star)
        self.legend = Legend(self)
        self.coords = np.empty((0, 2), dtype=np.float32)
        self._grid = None  # a GridIndex of every point, made beforehand (a big atlas's reader)
        self.labels: Sequence[str] = []
        self.index: PointIndex | None = None
        self.colouring: Colouring = single_colour(0, (0, 0, 0))
        self.theme: Theme = THEMES["light"]
        self.point_size, self.opacity, self.isolated = 5.0, 0.7, False
        self.hovered_row = self.linked_row = -1
        self.hit_rows = self.selected_rows = self.overlay_rows = EMPTY
        self.filter_mask: np.ndarray | None = None  # rows passing the view's filters
        self.overlays: dict = {}
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.viewport().installEventFilter(self)  # the pointer leaving the map ends the hover
        # pyqtgraph drops mouse moves that come within 10 ms of the last one (mouseRateLimit),
        # so a pointer that stops right after a fast move could leave the hover on a point it
        # has left: the last position is looked at again once the pointer rests.
        self._rest_pos: QPointF | None = None
        self._rest = QTimer(self, singleShot=True, interval=25)
        self._rest.timeout.connect(self._on_pointer_rest)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.map_box.shapeDrawn.connect(self._on_shape)
        self.plotItem.vb.sigRangeChanged.connect(self._moving)
        self.moved_by_person = False  # panned or zoomed since the layout was fitted
        self._forming = self._fitting = False
        self.plotItem.vb.sigRangeChangedManually.connect(self._on_moved_by_person)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        self.set_theme("light")

    # data ---------------------------------------------------------------------------------
    def set_points(
        self,
        coords,
        labels: Sequence[str],
        axis_titles=("", ""),
        keep_view=False,
        forming=False,
        grid=None,
    ) -> None:
        """Show ``coords`` (N x 2+) named by ``labels``; the view fits them unless ``keep_view``.

        ``forming``: a layout still forming (t-SNE, UMAP previews): each step refits the view
        to it, so it fills the map as it grows, unless the person has moved the view since the
        layout began forming; the finished layout then keeps the person's view too.
        ``grid``: a GridIndex of every row of ``coords`` made beforehand (in a worker), if any.
        """
        if forming and not self._forming:
            self.moved_by_person = False  # a new layout begins forming
        follow = forming or self._forming
        self._forming = bool(forming)
        if coords is None:
            coords = np.empty((0, 2), dtype=np.float32)
        self.coords = np.ascontiguousarray(coords[:, :2], dtype=np.float32)
        self.labels = labels
        self._grid = grid
        self.index = PointIndex(self.coords, background=True)
        self.colouring = single_colour(len(self.coords), self.theme.point)
        self.legend.show_colouring(None)
        self.hovered_row = self.linked_row = self.label_layer.aside = -1
        self.hover_marker.clear()
        self.hover_text.hide()
        self.plotItem.setLabel("bottom", axis_titles[0])
        self.plotItem.setLabel("left", axis_titles[1])
        self.hit_rows = self.selected_rows = EMPTY
        self.rings.clear()  # the old layout's rings would stretch the range to fit
        self.isolated = False
        self.filter_mask = None
        self.set_overlays({})
        self._draw_layers()
        if not keep_view and not (follow and self.moved_by_person):
            self.fit()
        if not follow:
            self.moved_by_person = False
        self._update_labels()

    def fit(self, padding: float = 0.04) -> None:
        """Show every point (finite coordinates only), with a margin."""
        grid = self.cloud.grid  # its bounds are those of the finite points, found once
        if grid.size and self.cloud._coords is self.coords and self.cloud._key is None:
            x0, y0, x1, y1 = (float(v) for v in grid.bounds)
        else:
            xy = self.coords[np.isfinite(self.coords).all(axis=1)]
            if not len(xy):
                return
            (x0, y0), (x1, y1) = xy.min(axis=0).astype(float), xy.max(axis=0).astype(float)
        span = max(x1 - x0, y1 - y0) or max(abs(x0), abs(y0), 1.0)
        x0, x1 = (x0, x1) if x1 > x0 else (x0 - span / 2, x1 + span / 2)
        y0, y1 = (y0, y1) if y1 > y0 else (y0 - span / 2, y1 + span / 2)
        self._fitting = True
        try:
            self.plotItem.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=padding)
        finally:
            self._fitting = False

    def _on_moved_by_person(self, *_args) -> None:
        if not self._fitting:
            self.moved_by_person = True

    def shown_rows(self) -> np.ndarray | None:
        """Rows drawn in full (None: all of them); isolating the selection draws only it, a
        filter only the rows passing it."""
        shown = self.selected_rows if self.isolated else None
        if self.filter_mask is not None:
            passing = np.flatnonzero(self.filter_mask)
            shown = passing if shown is None else np.intersect1d(shown, passing)
        return shown

    def faded_rows(self) -> np.ndarray:
        """Rows a filter leaves out (drawn faded, not picked)."""
        if self.filter_mask is None:
            return EMPTY
        out = np.flatnonzero(~self.filter_mask)
        return np.intersect1d(out, self.selected_rows) if self.isolated else out

    def set_filter(self, mask: np.ndarray | None) -> None:
        """Draw only the rows where ``mask`` is True in full; the others faded."""
        mask = None if mask is None else np.asarray(mask, dtype=bool)
        self.filter_mask = mask if mask is not None and mask.shape == (len(self.coords),) else None
        self._draw_layers()
        self._update_labels()

    def _draw_layers(self) -> None:
        shown = self.shown_rows()
        self.cloud.set_points(self.coords, shown, self._grid)
        self.faded_cloud.set_points(self.coords, self.faded_rows())
        hits = self.hit_rows
        if shown is not None and hits.size:  # a mask, not intersect1d: no sort of the shown rows
            drawn = np.zeros(len(self.coords), dtype=bool)
            drawn[shown] = True
            hits = hits[drawn[hits]]
        self.hit_cloud.set_points(self.coords, hits)
        self.selected_cloud.set_points(self.coords, self.selected_rows)
        self._recolour()

    def _recolour(self) -> None:
        c = self.colouring
        self.cloud.set_colours(c.codes, c.table)
        self.faded_cloud.set_colours(c.codes, c.table)
        if c.kind == "single":
            self.hit_cloud.set_colours(
                np.zeros(len(self.coords), np.uint8), np.array([self.theme.hit], np.uint8)
            )
        else:
            self.hit_cloud.set_colours(c.codes, c.table)
        self.selected_cloud.set_colours(
            np.zeros(len(self.coords), np.uint8), np.array([self.theme.selected], np.uint8)
        )
        self._restyle()

    def _restyle(self) -> None:
        dim = 0.25 if self.hit_rows.size else 1.0
        self.cloud.set_style(self.point_size, self.opacity * dim)
        self.faded_cloud.set_style(self.point_size, FADED_OPACITY)
        self.hit_cloud.set_style(self.point_size + 3, min(1.0, self.opacity + 0.3))
        self.selected_cloud.set_style(self.point_size + 2, 0.95)
        self.rings.setSize(self.point_size + 9)
        self.label_layer.dot_radius = (self.point_size + 3) / 2  # a hit's dot, the largest

    def set_colouring(self, colouring: Colouring | None) -> None:
        """Colour the points by a column (None: the theme's single colour)."""
        self.colouring = colouring or single_colour(len(self.coords), self.theme.point)
        self.legend.show_colouring(colouring)
        self._recolour()

    def set_point_size(self, size: float) -> None:
        self.point_size = float(size)
        self._restyle()
        self._update_labels()

    def set_opacity(self, opacity: float) -> None:
        self.opacity = float(opacity)
        self._restyle()

    def set_font_size(self, size: int) -> None:
        self.label_layer.set_font_size(size)
        self._update_labels()

    def set_isolated(self, isolated: bool) -> None:
        self.isolated = bool(isolated)
        self._draw_layers()
        self._update_labels()

    def set_hits(self, rows: np.ndarray) -> None:
        """Search hits: drawn on top, the rest dimmed."""
        self.hit_rows = np.asarray(rows, dtype=np.int64)
        self._draw_layers()
        self._update_labels()

    def set_selection(self, rows: np.ndarray) -> None:
        self.selected_rows = np.asarray(rows, dtype=np.int64)
        if self.isolated:
            self._draw_layers()
        else:
            self.selected_cloud.set_points(self.coords, self.selected_rows)
        xy = (
            self.coords[self.selected_rows[:MAX_RINGS]]
            if self.selected_rows.size <= MAX_RINGS
            else np.empty((0, 2))
        )
        self.rings.setData(x=xy[:, 0], y=xy[:, 1])
        self._update_labels()

    def set_overlays(self, overlays: dict) -> None:
        """Draw each panel's overlay: lines between rows in its colour, marked and labelled rows."""
        self.overlays = dict(overlays)
        n = len(self.coords)
        for name in [name for name in self.overlay_lines if name not in self.overlays]:
            self.removeItem(self.overlay_lines.pop(name))
        self._draw_arrows()
        rows, brushes = [], []
        for name, overlay in self.overlays.items():
            edges = [(a, b) for a, b in overlay.edges if 0 <= a < n and 0 <= b < n]
            item = self.overlay_lines.get(name)
            if item is None:
                item = self.overlay_lines[name] = pg.PlotDataItem(connect="pairs")
                item.setZValue(4)
                self.addItem(item)
            item.setPen(pg.mkPen(*overlay.colour, width=2))
            pairs = np.asarray(edges, dtype=np.int64).reshape(-1)
            item.setData(self.coords[pairs, 0].astype(float), self.coords[pairs, 1].astype(float))
            for row in overlay.rows:
                if 0 <= row < n:
                    rows.append(int(row))
                    brushes.append(pg.mkBrush(*overlay.colour, 230))
        self.overlay_rows = np.asarray(rows, dtype=np.int64)
        xy = self.coords[self.overlay_rows]
        self.overlay_points.setData(x=xy[:, 0], y=xy[:, 1], brush=brushes)
        self.marks.draw(self.overlays, self.theme.text, self.theme.label_fill)
        self._update_labels()

    def _draw_arrows(self) -> None:
        """Each overlay's arrows (positions, not rows) in one arrow layer of its colour."""
        wanted = {name: o for name, o in self.overlays.items() if len(o.arrows)}
        for name in [name for name in self.overlay_arrows if name not in wanted]:
            self.removeItem(self.overlay_arrows.pop(name))
        for name, overlay in wanted.items():
            item = self.overlay_arrows.get(name)
            if item is None:
                item = self.overlay_arrows[name] = ArrowItem()
                item.setZValue(4)
                self.addItem(item, ignoreBounds=True)
            item.set_arrows(overlay.arrows, overlay.colour)

    def centre_on(self, rows: np.ndarray) -> None:
        if len(rows) == 0 or not len(self.coords):
            return
        xy = self.coords[np.asarray(rows)].astype(np.float64)
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        extent = float(np.ptp(self.coords, axis=0).max()) or 1.0
        # a lone point is shown with its surroundings (5% of the map), not magnified without end
        pad = max(float(max(x1 - x0, y1 - y0)) * 0.2, 0.05 * extent)
        self.moved_by_person = True  # asked for: a forming layout leaves this view alone
        self.plotItem.vb.setRange(
            xRange=(float(x0) - pad, float(x1) + pad), yRange=(float(y0) - pad, float(y1) + pad)
        )

    def set_tool(self, tool: str) -> None:
        self.map_box.set_tool(tool)

    def set_theme(self, name: str) -> None:
        from embviz.gui.views.theme_apply import apply_theme_2d

        self.theme = THEMES[name]
        apply_theme_2d(self, self.theme)
        if self.colouring.kind == "single":
            self.colouring = single_colour(len(self.coords), self.theme.point)
        self._recolour()
        self._update_labels()

    # picking ------------------------------------------------------------------------------
    def row_at(self, scene_pos: QPointF) -> int:
        """Row of the point under ``scene_pos`` (within a few pixels), or -1."""
        if self.index is None or not self.plotItem.vb.sceneBoundingRect().contains(scene_pos):
            return -1
        point = self.plotItem.vb.mapSceneToView(scene_pos)
        pixel = self.plotItem.vb.viewPixelSize()
        radius = HOVER_RADIUS_PX * max(pixel[0], pixel[1])
        if self.index.building and self.cloud._coords is self.coords:
            # a big set's k-d tree is still being built: the drawn layer's grid answers meanwhile
            row = self.cloud.grid.nearest(point.x(), point.y(), radius)
        else:
            row = self.index.nearest(point.x(), point.y(), radius)
        if row is None or (self.isolated and not np.isin(row, self.selected_rows)):
            return -1
        if self.filter_mask is not None and not self.filter_mask[row]:
            return -1  # faded: left out by a filter
        return row

    def rows_in_shape(self, kind: str, shape: np.ndarray) -> np.ndarray:
        """Rows inside a box (two corners) or a lasso (polygon), in data units."""
        if self.index is None:
            return EMPTY
        if kind == "box":
            (x0, y0), (x1, y1) = shape
            rows = self.index.in_rect(x0, y0, x1, y1)
        else:
            step = 3 * max(self.plotItem.vb.viewPixelSize())
            rows = self.index.in_polygon(simplify_path(np.asarray(shape), step))
        shown = self.shown_rows()
        return rows if shown is None else np.intersect1d(rows, shown)

    def _on_shape(self, kind: str, shape, op: str) -> None:
        self.selectionDrawn.emit(self.rows_in_shape(kind, shape), op)

    def scene_pos_of(self, row: int) -> QPointF:
        x, y = self.coords[row]
        return self.plotItem.vb.mapViewToScene(QPointF(float(x), float(y)))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        row = self.row_at(scene_pos)
        if row == self.hovered_row:
            return
        if row < 0:
            self.clear_hover()
            return
        self.hovered_row = row
        self.linked_row = -1
        self._mark_hover(row)
        self.setToolTip(self.labels[row])  # the same text, for tests and accessibility
        self.pointHovered.emit(row)

    def _mark_hover(self, row: int) -> None:
        """Ring ``row`` and name it beside its dot."""
        x, y = self.coords[row]
        self.hover_marker.setData(x=[x], y=[y])
        self.hover_text.setText(self.labels[row], color=QColor(*self.theme.text))
        # the box's lower-left corner just beyond the hover ring, not over the dot
        px, py = self.plotItem.vb.viewPixelSize()
        reach = (self.point_size + 9) / 2 + 1
        self.hover_text.setPos(float(x) + reach * 0.7 * px, float(y) + reach * 0.7 * py)
        self.hover_text.show()
        self.label_layer.step_aside(row)  # one label: the hover label, not two

    def show_linked_hover(self, row: int) -> None:
        """The word the pointer rests on in another map, ringed and named here (-1: none).
        The pointer's own hover in this map comes first; nothing is emitted."""
        if self.hovered_row >= 0:
            return
        if 0 <= row < len(self.coords):
            self.linked_row = row
            self._mark_hover(row)
        elif self.linked_row >= 0:
            self.linked_row = -1
            self.hover_marker.clear()
            self.hover_text.hide()
            self.label_layer.step_aside(-1)

    def _on_pointer_rest(self) -> None:
        if self.plotItem is None:  # closed meanwhile (pyqtgraph drops its plot item on close)
            return
        if self._rest_pos is not None:  # a Leave stops the timer
            self._on_mouse_moved(self.mapToScene(self._rest_pos.toPoint()))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self._rest.stop()
        super().closeEvent(event)

    def clear_hover(self) -> None:
        """No point under the pointer: the hover ring, label and tooltip go."""
        was = self.hovered_row
        self.hovered_row = -1
        self.hover_marker.clear()
        self.hover_text.hide()
        self.label_layer.step_aside(-1)
        self.setToolTip("")
        if was != -1:
            self.pointHovered.emit(-1)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().leaveEvent(event)
        self.clear_hover()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.viewport():
            if event.type() == QEvent.Type.Leave:
                self._rest.stop()
                self._rest_pos = None  # no pointer rests on the map (relayout asks)
                self.clear_hover()
            elif event.type() == QEvent.Type.MouseMove:
                self._rest_pos = QPointF(event.position())
                self._rest.start()
            elif event.type() == QEvent.Type.ToolTip:
                return True  # the hover label says it already: no second label
        return super().eventFilter(watched, event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            return True
        return super().event(event)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.pointClicked.emit(self.row_at(event.scenePos()))

    # level of detail while moving ----------------------------------------------------------
    def _moving(self, *_args) -> None:
        """While the view moves, big layers draw a subsample and landmark words wait."""
        for layer in (self.cloud, self.faded_cloud, self.hit_cloud, self.selected_cloud):
            layer.moving = True
        if len(self.coords) > MOVING_LABELS_LIMIT:
            for item in self.label_layer.landmark_items:
                item.hide()
            self.label_layer.forget()  # shown again, placed afresh, once the view rests
        self._settle.start()

    def _settled(self) -> None:
        for layer in (self.cloud, self.faded_cloud, self.hit_cloud, self.selected_cloud):
            layer.settle()
        if self.index is None:  # points moved frame by frame (point_motion): pick them again
            self.index = PointIndex(self.coords, background=True)
        self._update_labels()

    # labels -------------------------------------------------------------------------------
    def _update_labels(self) -> None:
        focus = np.concatenate(
            [self.overlay_rows, self.selected_rows[:MAX_RINGS], self.hit_rows[:200]]
        )
        focus = focus[np.sort(np.unique(focus, return_index=True)[1])].astype(np.int64)
        self.label_layer.update(
            self.coords, self.labels, focus, bool(self.hit_rows.size), self.shown_rows()
        )

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if "legend" in self.__dict__:
            self.legend.reposition()
