"""The 3-D map: GLScatterPlotItem layers with orbit (left drag), zoom (wheel) and pan (middle
drag or Ctrl + left drag), with the same colours, hits, selection and isolation as the 2-D map.

Hover picking projects the points with the view's own projection and view matrices in numpy
(about a millisecond at 100,000 points; the projection is cached until the camera moves) and takes
the front-most point within a few pixels of the cursor. The same projection places the text drawn
over the frame (labels3d): axis titles, labels of the selection and search hits, landmarks.
Search hits and the selection are drawn over the cloud (no depth test, normal blending): the
additive blending pyqtgraph uses by default adds an orange dot to a white background as white.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from OpenGL.GL import GL_DEPTH_TEST
from pyqtgraph.opengl.GLGraphicsItem import GLOptions
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QPainter, QVector3D
from PySide6.QtWidgets import QLabel

from embviz.core.colors import Colouring, single_colour
from embviz.gui.views.labels3d import paint_labels, plan_labels
from embviz.gui.views.scatter2d import FADED_OPACITY
from embviz.gui.views.themes import THEMES, Theme

HOVER_RADIUS_PX = 8
MOVING_LABELS_LIMIT = 50_000  # above this many points, landmarks wait while the camera is dragged
EMPTY = np.empty(0, dtype=np.int64)
ON_TOP = {**GLOptions["translucent"], GL_DEPTH_TEST: False}


def project_to_screen(points: np.ndarray, matrix: np.ndarray, width: float, height: float):
    """Widget pixel coordinates (N x 2) and depth (clip w; <= 0 is behind the camera)."""
    x, y, z = points[:, 0], points[:, 1], points[:, 2]
    m = matrix.astype(np.float32)

    def row(r: int) -> np.ndarray:  # one row of the product, without a (threaded) BLAS call
        return x * m[r, 0] + y * m[r, 1] + z * m[r, 2] + m[r, 3]

    w = row(3)
    safe = np.where(w > 1e-12, w, 1.0)
    sx = (row(0) / safe + 1.0) * 0.5 * width
    sy = (1.0 - row(1) / safe) * 0.5 * height
    return np.stack([sx, sy], axis=1), w


class Scatter3DView(gl.GLViewWidget):
    pointHovered = Signal(int)
    pointClicked = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cloud = gl.GLScatterPlotItem(pxMode=True)
        self.hit_layer = gl.GLScatterPlotItem(pxMode=True)
        self.selected_layer = gl.GLScatterPlotItem(pxMode=True)
        self.cloud.setGLOptions("translucent")
        self.axes = gl.GLLinePlotItem(mode="lines", width=1.5, antialias=True)
        self.axes.setGLOptions("translucent")
        for depth, layer in enumerate((self.hit_layer, self.selected_layer), start=1):
            layer.setGLOptions(ON_TOP)  # drawn after the cloud, over it
            layer.setDepthValue(depth)
        self.setMouseTracking(True)
        for item in (self.axes, self.cloud, self.hit_layer, self.selected_layer):
            self.addItem(item)
        self.axis_titles: tuple[str, str, str] = ("x", "y", "z")
        self.top_band = 0.0  # logical px at the top kept free of the scene (for a legend)
        self.show_axes = True
        self.show_landmarks = True
        self.font_size = 9
        self.placed: list = []  # the text drawn over the last frame (labels3d.Placed)
        self._plan: list = []
        self._placed_key: tuple | None = None
        self.hover_label = QLabel(self)
        self.hover_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hover_label.hide()
        self.coords = np.empty((0, 3), dtype=np.float32)
        self.labels: Sequence[str] = []
        self.colouring: Colouring = single_colour(0, (0, 0, 0))
        self.theme: Theme = THEMES["light"]
        self.point_size, self.opacity, self.isolated = 5.0, 0.7, False
        self.filter_mask: np.ndarray | None = None  # rows passing the view's filters
        self.hit_rows = self.selected_rows = EMPTY
        self.hovered_row = -1
        self._projected: tuple | None = None
        self._press: QPointF | None = None
        self.set_theme("light")

    # data ---------------------------------------------------------------------------------
    def set_points(self, coords, labels: Sequence[str], axis_titles=None) -> None:
        """Show ``coords`` (N x 3; fewer columns are padded with zeros) named by ``labels``."""
        titles = list(axis_titles or [])[:3]
        self.axis_titles = tuple(titles + ["x", "y", "z"][len(titles) :])
        coords = np.zeros((0, 3), np.float32) if coords is None else np.asarray(coords)
        if coords.shape[1] < 3:
            coords = np.hstack([coords, np.zeros((len(coords), 3 - coords.shape[1]))])
        self.coords = np.ascontiguousarray(coords[:, :3], dtype=np.float32)
        self.labels = labels
        self.colouring = single_colour(len(self.coords), self.theme.point)
        self.hit_rows = self.selected_rows = EMPTY
        self.hovered_row = -1
        self.isolated = False
        self.filter_mask = None
        self.reset_camera()
        self._draw()

    def reset_camera(self) -> None:
        if not len(self.coords):
            return
        lo, hi = self.coords.min(axis=0), self.coords.max(axis=0)
        centre = (lo + hi) / 2
        self.opts["center"] = QVector3D(*map(float, centre))
        self.setCameraPosition(distance=float(np.linalg.norm(hi - lo)) * 1.3 + 1e-6)

    def shown_rows(self) -> np.ndarray | None:
        return self.selected_rows if self.isolated else None

    def _rgba(self, rows, table, codes, alpha) -> np.ndarray:
        colours = np.empty((len(rows), 4), dtype=np.float32)
        colours[:, :3] = table[codes[rows], :3] / 255.0
        colours[:, 3] = alpha
        return colours

    def _draw(self) -> None:
        self._projected = None
        self._placed_key = None
        self._draw_axes()
        n = len(self.coords)
        subset = self.shown_rows()
        shown = np.arange(n) if subset is None else subset
        c = self.colouring
        dim = 0.25 if self.hit_rows.size else 1.0
        for layer, rows in (
            (self.hit_layer, self.hit_rows),
            (self.selected_layer, self.selected_rows),
        ):
            layer.setVisible(bool(len(rows)))  # an empty GL item fails to draw
        alpha: float | np.ndarray = self.opacity * dim
        if self.filter_mask is not None:  # rows a filter leaves out: faded, as on the 2-D map
            alpha = np.where(self.filter_mask[shown], alpha, FADED_OPACITY)
        self.cloud.setData(
            pos=self.coords[shown],
            color=self._rgba(shown, c.table, c.codes, alpha),
            size=self.point_size,
        )
        hits = np.intersect1d(self.hit_rows, shown)
        hit_table = np.array([self.theme.hit], np.uint8) if c.kind == "single" else c.table
        hit_codes = np.zeros(n, np.uint8) if c.kind == "single" else c.codes
        self.hit_layer.setData(
            pos=self.coords[hits], color=self._rgba(hits, hit_table, hit_codes, 1.0),
            size=self.point_size + 3,
        )  # fmt: skip
        sel = self.selected_rows
        colour = np.array([*(np.array(self.theme.selected) / 255.0), 1.0], dtype=np.float32)
        self.selected_layer.setData(
            pos=self.coords[sel], color=np.tile(colour, (len(sel), 1)), size=self.point_size + 4
        )

    def _draw_axes(self) -> None:
        """Three axis lines from the layout's lowest corner, as long as the layout is wide."""
        ends = self.axis_ends()
        self.axes.setVisible(self.show_axes and ends is not None)
        if ends is None:
            return
        lines = np.repeat(ends[:1], 6, axis=0)
        lines[1::2] = ends[1:]
        colour = (*(np.array(self.theme.axis) / 255.0), 1.0)
        self.axes.setData(pos=lines, color=colour)

    def axis_ends(self) -> np.ndarray | None:
        """The axes' origin and their three ends (4 x 3), or None when there is nothing.

        The axes start a little outside the layout's lowest corner and run a little past its
        extent, so that they frame the points rather than run through them.
        """
        finite = self.coords[np.isfinite(self.coords).all(axis=1)]
        if not len(finite):
            return None
        lo, hi = finite.min(axis=0), finite.max(axis=0)
        span = np.where(hi > lo, hi - lo, max(float((hi - lo).max()), 1.0))
        origin = lo - 0.1 * span
        ends = np.repeat(origin[None, :], 4, axis=0).astype(np.float32)
        for axis in range(3):
            ends[axis + 1, axis] = hi[axis] + 0.1 * span[axis]
        return ends

    def set_colouring(self, colouring: Colouring | None) -> None:
        self.colouring = colouring or single_colour(len(self.coords), self.theme.point)
        self._draw()

    def set_hits(self, rows) -> None:
        self.hit_rows = np.asarray(rows, dtype=np.int64)
        self._draw()

    def set_selection(self, rows) -> None:
        self.selected_rows = np.asarray(rows, dtype=np.int64)
        self._draw()

    def set_isolated(self, isolated: bool) -> None:
        self.isolated = bool(isolated)
        self._draw()

    def set_point_size(self, size: float) -> None:
        self.point_size = float(size)
        self._draw()

    def set_filter(self, mask: np.ndarray | None) -> None:
        """Fade the rows where ``mask`` is False (None: no filter)."""
        mask = None if mask is None else np.asarray(mask, dtype=bool)
        self.filter_mask = mask if mask is not None and mask.shape == (len(self.coords),) else None
        self._draw()

    def set_opacity(self, opacity: float) -> None:
        self.opacity = float(opacity)
        self._draw()

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.setBackgroundColor(self.theme.background)
        r, g, b, a = self.theme.hover_fill
        self.hover_label.setStyleSheet(
            f"background: rgba({r},{g},{b},{a}); color: rgb{tuple(self.theme.text)}; padding: 2px;"
        )
        if self.colouring.kind == "single":
            self.colouring = single_colour(len(self.coords), self.theme.point)
        self._draw()

    def centre_on(self, rows) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size or not len(self.coords):
            return
        xyz = self.coords[rows]
        self.opts["center"] = QVector3D(*map(float, xyz.mean(axis=0)))
        span = float(np.linalg.norm(xyz.max(axis=0) - xyz.min(axis=0)))
        self.setCameraPosition(distance=max(span * 2.0, 1e-3 * self.opts["distance"]))
        self._projected = None

    # picking ------------------------------------------------------------------------------
    def screen_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows shown, their widget pixel positions and depths (cached per camera)."""
        key = (self.width(), self.height(), self.top_band, self.devicePixelRatioF(),
               str(self.opts["center"]), self.opts["distance"],
               self.opts["elevation"], self.opts["azimuth"], self.opts["fov"])  # fmt: skip
        if self._projected is None or self._projected[0] != key:
            subset = self.shown_rows()
            shown = np.arange(len(self.coords)) if subset is None else subset
            xy, depth = self.project(self.coords[shown])
            self._projected = (key, shown, xy, depth)
        return self._projected[1], self._projected[2], self._projected[3]

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Widget pixels (N x 2) and clip depth of ``points`` (N x 3), by the camera's own
        projection and view matrices and the viewport OpenGL draws into."""
        region = self.gl_viewport()
        x, y, w, h = region
        m = self.projectionMatrix(region, region) * self.viewMatrix()
        matrix = np.array(m.data(), dtype=np.float64).reshape(4, 4).T
        xy, depth = project_to_screen(np.asarray(points, dtype=np.float32), matrix, w, h)
        dpr = self.devicePixelRatioF()
        device_height = max(round(self.height() * dpr), 1)
        xy[:, 0] += x
        xy[:, 1] += device_height - (y + h)  # GL counts rows from the bottom
        return xy / dpr, depth

    def gl_viewport(self) -> tuple[int, int, int, int]:
        """Where OpenGL draws, in device pixels (x, y from the bottom, width, height): the
        whole widget but a band of ``top_band`` logical pixels kept for a legend."""
        dpr = self.devicePixelRatioF()
        w, h = max(round(self.width() * dpr), 1), max(round(self.height() * dpr), 1)
        band = min(round(self.top_band * dpr), h - 1)
        return (0, 0, w, h - band)

    def row_at(self, x: float, y: float) -> int:
        """The front-most point within a few pixels of widget position (x, y), or -1."""
        rows, xy, depth = self.screen_positions()
        if not len(rows):
            return -1
        d2 = (xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2
        near = np.flatnonzero((d2 <= HOVER_RADIUS_PX**2) & (depth > 0))
        if not near.size:
            return -1
        return int(rows[near[np.argmin(depth[near] + d2[near] * 1e-9)]])

    def screen_pos_of(self, row: int) -> QPointF:
        rows, xy, _ = self.screen_positions()
        i = np.searchsorted(rows, row)
        return QPointF(float(xy[i, 0]), float(xy[i, 1]))

    def mousePressEvent(self, ev) -> None:  # noqa: N802
        self._press = ev.position()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        if self._press is not None and ev.button() == Qt.MouseButton.LeftButton:
            moved = ev.position() - self._press
            if abs(moved.x()) + abs(moved.y()) < 4:
                self.pointClicked.emit(self.row_at(ev.position().x(), ev.position().y()))
        was_dragging, self._press = self._press is not None, None
        super().mouseReleaseEvent(ev)
        if was_dragging and len(self.coords) > MOVING_LABELS_LIMIT:
            self.update()  # the landmarks come back

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        super().mouseMoveEvent(ev)
        if ev.buttons() == Qt.MouseButton.NoButton:
            self.hover(ev.position().x(), ev.position().y())

    def hover(self, x: float, y: float) -> int:
        """Show the label of the point under widget position (x, y): one label, beside it.

        The label is the view's own; the widget's tool tip holds the same text (for tests and
        accessibility) but never pops up as a second label (see ``event``).
        """
        row = self.row_at(x, y)
        if row != self.hovered_row:
            if row < 0:
                self.clear_hover()
                return row
            self.hovered_row = row
            self.hover_label.setText(self.labels[row])
            self.hover_label.adjustSize()
            gap = (self.point_size + 4) / 2 + 2  # beside the dot, not over it
            self.hover_label.move(int(x + gap), int(y - gap) - self.hover_label.height())
            self.hover_label.show()
            self.setToolTip(self.labels[row])
            self.update()  # its own label over the frame steps aside (one label, not two)
            self.pointHovered.emit(row)
        return row

    def clear_hover(self) -> None:
        was = self.hovered_row
        self.hovered_row = -1
        self.hover_label.hide()
        self.setToolTip("")
        if was != -1:
            self.update()
            self.pointHovered.emit(-1)

    def event(self, ev) -> bool:
        if ev.type() == QEvent.Type.ToolTip:
            return True  # the hover label says it already
        return super().event(ev)

    def leaveEvent(self, ev) -> None:  # noqa: N802
        super().leaveEvent(ev)
        self.clear_hover()

    # text over the frame --------------------------------------------------------------------
    def paintGL(self) -> None:  # noqa: N802
        if self.top_band > 0:  # draw the scene below the band (Qt set the whole widget)
            viewport = self.gl_viewport()
            GL.glViewport(*viewport)
            self.paint(region=viewport, viewport=viewport)
        else:
            super().paintGL()
        if not len(self.coords):
            self.placed = []
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            plan = self.plan_text()
            self.placed = [p for p in plan if p.row < 0 or p.row != self.hovered_row]
            paint_labels(painter, self.placed, self.theme, self.font_size, bool(self.hit_rows.size))
        finally:
            painter.end()

    def plan_text(self) -> list:
        """Axis titles, then labels of the selection, hits and landmarks (cached per camera)."""
        rows, xy, depth = self.screen_positions()
        camera = self._projected[0] if self._projected is not None else None
        key: tuple[Any, ...] | None = (
            camera,
            len(rows),
            self.hit_rows.tobytes(),
            self.selected_rows.tobytes(),
        )
        if key == self._placed_key:
            return self._plan
        titles = []
        ends = self.axis_ends() if self.show_axes else None
        if ends is not None:
            at, w = self.project(ends[1:])
            titles = [
                (t, x, y) for t, (x, y), d in zip(self.axis_titles, at, w, strict=True) if d > 0
            ]
        focus = np.concatenate([self.selected_rows[:300], self.hit_rows[:200]])
        focus = focus[np.sort(np.unique(focus, return_index=True)[1])]
        moving = self._press is not None and len(rows) > MOVING_LABELS_LIMIT
        if moving:
            key = None  # while the camera is dragged, big sets wait with their landmarks
        if not self.show_landmarks or moving:
            keep = np.isin(rows, focus)
            rows, xy, depth = rows[keep], xy[keep], depth[keep]
        placed = plan_labels(
            xy, depth, rows, self.labels, focus, (self.width(), self.height()),
            self.font_size, (self.point_size + 4) / 2, titles,
        )  # fmt: skip
        self._placed_key, self._plan = key, placed
        return placed
