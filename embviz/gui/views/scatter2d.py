"""The central 2-D map: points, hover labels, click selection, search highlights, landmarks.

Drawing only: which point is under the cursor comes from core.picking (a k-d tree), which points
get landmark labels from core.landmarks. The view emits rows; the window updates the session.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QToolTip
from superqt.utils import qdebounced

from embviz.core.landmarks import pick_landmarks, place_without_overlap
from embviz.core.picking import PointIndex

POINT_COLOUR = (31, 119, 180)
HIT_COLOUR = (230, 85, 13)
SELECTED_COLOUR = (214, 39, 40)
HOVER_RADIUS_PX = 8
LANDMARK_CELL_PX = (60, 18)  # candidate grid; overlap removal then thins them out
MAX_LANDMARKS = 160


class ScatterView(pg.PlotWidget):
    pointHovered = Signal(int)  # row, or -1 when the cursor leaves all points
    pointClicked = Signal(int)  # row, or -1 for a click on empty space

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w")
        self.setAntialiasing(True)
        self.plotItem.setAspectLocked(True)
        self.plotItem.showGrid(x=False, y=False)
        self.plotItem.setMenuEnabled(False)
        for axis in ("left", "bottom"):
            self.plotItem.getAxis(axis).enableAutoSIPrefix(False)
            self.plotItem.getAxis(axis).setTextPen(pg.mkPen(90, 90, 90))
            self.plotItem.getAxis(axis).setPen(pg.mkPen(170, 170, 170))
        self.points = pg.ScatterPlotItem(pxMode=True, size=4, pen=None)
        self.hits = pg.ScatterPlotItem(pxMode=True, size=8, pen=pg.mkPen("w", width=0.8))
        self.selected = pg.ScatterPlotItem(
            pxMode=True, size=14, brush=None, pen=pg.mkPen(SELECTED_COLOUR, width=2.5)
        )
        self.hover_marker = pg.ScatterPlotItem(
            pxMode=True, size=12, brush=None, pen=pg.mkPen(20, 20, 20, width=1.5)
        )
        for item in (self.points, self.hits, self.selected, self.hover_marker):
            self.addItem(item)
        self.hover_text = pg.TextItem(
            "", color=(0, 0, 0), fill=pg.mkBrush(255, 255, 220, 230), anchor=(0, 1)
        )
        self.hover_text.setZValue(100)
        self.hover_text.hide()
        self.addItem(self.hover_text)
        self.overlay_lines = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(44, 160, 44, width=2))
        self.overlay_points = pg.ScatterPlotItem(pxMode=True, size=10, pen=pg.mkPen("w", width=1))
        for item in (self.overlay_lines, self.overlay_points):
            item.setZValue(20)
            self.addItem(item)
        self.overlays: dict = {}
        self.overlay_rows = np.empty(0, dtype=np.int64)
        self._landmark_items: list[pg.TextItem] = []
        self._focus_items: list[pg.TextItem] = []
        self._overlay_items: list[pg.TextItem] = []
        self.coords = np.empty((0, 2), dtype=np.float32)
        self.labels: list[str] = []
        self.index: PointIndex | None = None
        self.hovered_row = -1
        self.hit_rows = np.empty(0, dtype=np.int64)
        self.selected_rows = np.empty(0, dtype=np.int64)
        self.font_size = 9
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.plotItem.vb.sigRangeChanged.connect(self._schedule_labels)

    # data ---------------------------------------------------------------------------------
    def set_points(
        self, coords: np.ndarray | None, labels: list[str], axis_titles: tuple[str, str] = ("", "")
    ) -> None:
        if coords is None:
            coords = np.empty((0, 2), dtype=np.float32)
        self.coords = np.ascontiguousarray(coords[:, :2], dtype=np.float32)
        self.labels = labels
        self.index = PointIndex(self.coords)
        self.hovered_row = -1
        self.hover_marker.clear()
        self.hover_text.hide()
        self.plotItem.setLabel("bottom", axis_titles[0])
        self.plotItem.setLabel("left", axis_titles[1])
        self._draw_points()
        self.set_hits(np.empty(0, dtype=np.int64))
        self.set_selection(np.empty(0, dtype=np.int64))
        self.set_overlays({})
        if len(self.coords):
            self.plotItem.vb.autoRange(padding=0.04)
        self._update_labels()

    def _draw_points(self) -> None:
        alpha = 60 if self.hit_rows.size else 140
        size = 4 if len(self.coords) > 50_000 else 5
        self.points.setData(
            x=self.coords[:, 0],
            y=self.coords[:, 1],
            size=size,
            brush=pg.mkBrush(*POINT_COLOUR, alpha),
        )

    def set_hits(self, rows: np.ndarray) -> None:
        """Search hits: drawn on top, the rest dimmed."""
        self.hit_rows = np.asarray(rows, dtype=np.int64)
        self._draw_points()
        xy = self.coords[self.hit_rows] if self.hit_rows.size else np.empty((0, 2))
        self.hits.setData(x=xy[:, 0], y=xy[:, 1], brush=pg.mkBrush(*HIT_COLOUR, 230))
        self._update_labels()

    def set_selection(self, rows: np.ndarray) -> None:
        self.selected_rows = np.asarray(rows, dtype=np.int64)
        xy = self.coords[self.selected_rows] if self.selected_rows.size else np.empty((0, 2))
        self.selected.setData(x=xy[:, 0], y=xy[:, 1])
        self._update_labels()

    def set_overlays(self, overlays: dict) -> None:
        """Draw each panel's overlay: lines between rows, marked and labelled rows."""
        self.overlays = dict(overlays)
        xs, ys, px, py, brushes, rows = [], [], [], [], [], []
        n = len(self.coords)
        for overlay in self.overlays.values():
            for a, b in overlay.edges:
                if 0 <= a < n and 0 <= b < n:
                    xs += [self.coords[a, 0], self.coords[b, 0]]
                    ys += [self.coords[a, 1], self.coords[b, 1]]
            for row in overlay.rows:
                if 0 <= row < n:
                    px.append(self.coords[row, 0])
                    py.append(self.coords[row, 1])
                    brushes.append(pg.mkBrush(*overlay.colour, 230))
                    rows.append(int(row))
        self.overlay_lines.setData(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
        self.overlay_points.setData(x=px, y=py, brush=brushes)
        self.overlay_rows = np.asarray(rows, dtype=np.int64)
        self._update_labels()

    def centre_on(self, rows: np.ndarray) -> None:
        if len(rows) == 0:
            return
        xy = self.coords[np.asarray(rows)]
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        pad = max(x1 - x0, y1 - y0, 1e-3) * 0.2 + 1e-3
        self.plotItem.vb.setRange(xRange=(x0 - pad, x1 + pad), yRange=(y0 - pad, y1 + pad))

    # picking ------------------------------------------------------------------------------
    def row_at(self, scene_pos: QPointF) -> int:
        """Row of the point under ``scene_pos`` (within a few pixels), or -1."""
        if self.index is None or not self.plotItem.vb.sceneBoundingRect().contains(scene_pos):
            return -1
        point = self.plotItem.vb.mapSceneToView(scene_pos)
        pixel = self.plotItem.vb.viewPixelSize()
        radius = HOVER_RADIUS_PX * max(pixel[0], pixel[1])
        row = self.index.nearest(point.x(), point.y(), radius)
        return -1 if row is None else row

    def scene_pos_of(self, row: int) -> QPointF:
        x, y = self.coords[row]
        return self.plotItem.vb.mapViewToScene(QPointF(float(x), float(y)))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        row = self.row_at(scene_pos)
        if row == self.hovered_row:
            return
        self.hovered_row = row
        if row < 0:
            self.hover_marker.clear()
            self.hover_text.hide()
            self.setToolTip("")
            QToolTip.hideText()
        else:
            label = self.labels[row]
            x, y = self.coords[row]
            self.hover_marker.setData(x=[x], y=[y])
            self.hover_text.setText(label)
            self.hover_text.setPos(float(x), float(y))
            self.hover_text.show()
            self.setToolTip(label)
            view_pos = self.mapFromScene(scene_pos)
            QToolTip.showText(self.mapToGlobal(view_pos), label, self)
        self.pointHovered.emit(row)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.pointClicked.emit(self.row_at(event.scenePos()))

    # labels -------------------------------------------------------------------------------
    @qdebounced(timeout=80)
    def _schedule_labels(self, *_args) -> None:
        self._update_labels()

    def _text_item(self, pool: list[pg.TextItem], i: int, bold: bool) -> pg.TextItem:
        while len(pool) <= i:
            fill = pg.mkBrush(255, 255, 255, 200 if bold else 120)
            item = pg.TextItem("", anchor=(0.5, 1.2), fill=fill)
            font = QFont()
            font.setPointSize(self.font_size)
            font.setBold(bold)
            item.setFont(font)
            item.setZValue(50 if bold else 10)
            self.addItem(item)
            pool.append(item)
        return pool[i]

    def _place(self, pool: list[pg.TextItem], rows: np.ndarray, colour, bold: bool) -> None:
        for i, row in enumerate(rows):
            item = self._text_item(pool, i, bold)
            item.setText(self.labels[int(row)], color=colour)
            item.setPos(float(self.coords[row, 0]), float(self.coords[row, 1]))
            item.show()
        for item in pool[len(rows) :]:
            item.hide()

    def _update_labels(self) -> None:
        focus = np.concatenate([self.selected_rows, self.overlay_rows, self.hit_rows[:40]]).astype(
            np.int64
        )
        focus = focus[np.sort(np.unique(focus, return_index=True)[1])]  # unique, order kept
        if not len(self.coords):
            self._place(self._focus_items, focus, None, bold=True)
            self._place(self._landmark_items, np.empty(0, dtype=np.int64), None, False)
            return
        vb = self.plotItem.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        width, height = max(vb.width(), 1.0), max(vb.height(), 1.0)
        cells = (
            max(1, int(width) // LANDMARK_CELL_PX[0]),
            max(1, int(height) // LANDMARK_CELL_PX[1]),
        )
        candidates = pick_landmarks(self.coords, (x0, y0, x1, y1), cells, limit=2000)
        candidates = np.setdiff1d(candidates, focus)
        rows = np.concatenate([focus, candidates])
        # label boxes in screen pixels (labels sit just above their point)
        font = QFont()
        font.setPointSize(self.font_size)
        metrics = QFontMetricsF(font)
        xy = np.empty((len(rows), 2))
        xy[:, 0] = (self.coords[rows, 0] - x0) / (x1 - x0) * width
        xy[:, 1] = (y1 - self.coords[rows, 1]) / (y1 - y0) * height - metrics.height() * 0.7
        widths = np.array([metrics.horizontalAdvance(self.labels[r]) for r in rows])
        kept = place_without_overlap(xy, widths, metrics.height(), fixed=len(focus))
        landmarks = rows[kept[kept >= len(focus)]][:MAX_LANDMARKS]
        self._place(self._focus_items, focus, QColor(120, 30, 0), bold=True)
        grey = QColor(70, 70, 70) if not self.hit_rows.size else QColor(160, 160, 160)
        self._place(self._landmark_items, landmarks, grey, bold=False)
