"""The 3-D map: layers of points drawn from OpenGL buffers, with orbit (left drag), zoom (wheel)
and pan (middle drag or Ctrl + left drag), and the same colours, hits, selection, filters and
isolation as the 2-D map.

Speed at a million points on software OpenGL (llvmpipe), where every point drawn costs CPU time:
- Positions and colours go to the GPU once, and again only when they change (cloud3d); a frame
  sends a matrix and a count.
- The points are stored in a shuffled order, so any prefix is a spread subsample. While the
  camera moves (and for ``SETTLE_MS`` after its last move) each layer draws only its first
  ``moving_points`` points; the count follows the time frames took, so that a moving frame
  takes about ``MOVING_FRAME_S``. When the camera is still, every point comes back a slice of
  about ``STILL_SLICE_S`` a frame into a kept picture (frames3d), the event loop running between.
- Hover picking asks a Morton-ordered block index (pick3d) for the few blocks that can lie under
  the cursor and projects only their points; the result is the front-most point within a few
  pixels, as if every point had been projected.

The projection of every shown point (numpy, with the view's own matrices; cached until the
camera moves) places the text drawn over a still frame (labels3d): axis titles, labels of the
selection and search hits, landmarks; while a big set is moving only the axis titles and the
labels of interest are placed. Search hits and the selection are drawn over the cloud (no depth
test, normal blending).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from OpenGL.GL import GL_DEPTH_TEST
from pyqtgraph.opengl.GLGraphicsItem import GLOptions
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QVector3D
from PySide6.QtWidgets import QLabel

from embviz.core.colors import Colouring, single_colour
from embviz.gui.views.camera3d import framing_distance
from embviz.gui.views.cloud3d import PointCloud3D
from embviz.gui.views.frames3d import StillScene
from embviz.gui.views.labels3d import LandmarkChoice, choice_holds, paint_labels, plan_view_text
from embviz.gui.views.layers3d import EVERYTHING, AxisLines, axis_ends, finite_box, sync
from embviz.gui.views.layers3d import in_draw_order as in_order
from embviz.gui.views.pick3d import VoxelIndex, to_screen
from embviz.gui.views.themes import THEMES, Theme
from embviz.gui.views.topics3d import TopicNames3D, landmarks_on

HOVER_RADIUS_PX = 8
MOVING_LABELS_LIMIT = 50_000  # above this many points, landmarks wait while the camera moves
SETTLE_MS = 120  # the camera counts as still this long after its last move (as the 2-D map)
MOVING_FRAME_S = 0.03  # what drawing the points of a moving frame may take (20 fps with the rest)
STILL_SLICE_S = 0.1  # what drawing one slice of the still picture may take
FIRST_MOVING_POINTS = 100_000  # points a moving frame draws before any frame has been timed
MIN_MOVING_POINTS = 20_000
EMPTY = np.empty(0, dtype=np.int64)
ON_TOP = {**GLOptions["translucent"], GL_DEPTH_TEST: False}


class Scatter3DView(gl.GLViewWidget):
    pointHovered = Signal(int)
    pointClicked = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cloud = PointCloud3D()
        self.hit_layer = PointCloud3D()
        self.selected_layer = PointCloud3D()
        self.axes = AxisLines(mode="lines", width=1.5, antialias=True)
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
        self.show_landmarks = True  # the person's setting (labels3d.landmarks_on: drawn now)
        self.topic_names = TopicNames3D(self)  # a corpus atlas's topic names (topics3d)
        self.font_size = 9
        self.placed: list = []  # the text drawn over the last frame (labels3d.Placed)
        self.rows_version = 0  # bumped when the rows drawn change (not when they only move)
        self.landmark_choice: LandmarkChoice | None = None  # kept while only positions change
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
        self.pointer: tuple[float, float] | None = None  # where the pointer rests on the map
        self.fitted: tuple[tuple, float] | None = None  # the last fit: camera place, layout span
        self._projected: tuple | None = None
        self._press: QPointF | None = None
        # draw order: a shuffle of the rows, so that any prefix is a spread subsample
        self.order = EMPTY
        self.rank = EMPTY  # row -> place in ``order``
        self.index = VoxelIndex(self.coords)
        self._allowed: np.ndarray | None = None  # rows that can be picked (None: all)
        self._bounds: tuple[np.ndarray, Any] = (self.coords, None)  # coords, their finite box
        self._stale: set[str] = set()
        self.moving = False  # the last on-screen frame was drawn while the camera moved
        self.moving_points = FIRST_MOVING_POINTS
        self.slice_points = 2 * FIRST_MOVING_POINTS  # a slice of the still picture
        self.adaptive = True  # both follow the time frames take to draw their points
        self.point_seconds: float | None = None  # what a point costs to draw (smoothed)
        self.frame_times: list[tuple[bool, int, float]] = []  # (moving, points drawn, seconds)
        self._painted_camera: tuple | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.update)  # still again: draw every point
        self.scene = StillScene()  # the still picture, completed a slice a frame
        self.refine_timer = QTimer(self)  # asks for the next slice after pending events
        self.refine_timer.setSingleShot(True)
        self.refine_timer.setInterval(0)
        self.refine_timer.timeout.connect(self.update)
        self.progressive = True
        self._scene_version = 0  # bumped when what the kept picture shows changes
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
        self.rows_version += 1
        self.landmark_choice = None
        n = len(self.coords)
        self.order = np.random.default_rng(0).permutation(n)
        self.rank = np.empty(n, np.int64)
        self.rank[self.order] = np.arange(n)
        self.index = VoxelIndex(self.coords, background=True)
        self.colouring = single_colour(n, self.theme.point)
        self.hit_rows = self.selected_rows = EMPTY
        self.hovered_row = -1
        self.isolated = False
        self.filter_mask = None
        self.reset_camera()
        self._painted_camera = None  # the first frame of new points is drawn whole
        self._draw()

    def reset_camera(self, padding: float = 0.0) -> None:
        """Frame the points (the orbit is kept); ``padding``: room to grow, a share of it."""
        box = self.box()
        if box is None:
            return
        lo, hi = box
        centre = (lo + hi) / 2
        self.opts["center"] = QVector3D(*map(float, centre))
        span = float(np.linalg.norm(hi - lo)) * (1 + padding)
        self.setCameraPosition(distance=framing_distance(self, span, 1.3))
        self.fitted = (self._camera_place(), span)

    def _camera_place(self) -> tuple:
        centre = self.opts["center"]
        return (centre.x(), centre.y(), centre.z(), self.opts["distance"])

    def shown_rows(self) -> np.ndarray | None:
        return self.selected_rows if self.isolated else None

    def in_draw_order(self, rows) -> np.ndarray:
        """``rows`` sorted by their place in the shuffled draw order."""
        return in_order(self.rank, rows)

    def _draw(self, *what: str) -> None:
        """Mark layers to rebuild (all when none is named) and ask for a frame."""
        what = what or EVERYTHING
        self._stale.update(what)
        if "points" in what or "positions" in what:
            self._projected = None
            self._allowed = None if "points" in what else self._allowed
        self._placed_key = None
        self.update()

    def sync_layers(self) -> None:
        """Rebuild what changed since the last frame: positions, colours, hits, selection."""
        stale, self._stale = self._stale, set()
        if stale:
            sync(self, stale)
            self._scene_version += bool(stale & {"points", "positions", "colours", "axes"})
        self._set_sizes()

    def _set_sizes(self) -> None:
        self.cloud.set_size(self.point_size)
        self.hit_layer.set_size(self.point_size + 3)
        self.selected_layer.set_size(self.point_size + 4)

    def box(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The finite points' lowest and highest corner (None: there are none)."""
        if self._bounds[0] is not self.coords:  # once per set of points (not per frame)
            self._bounds = (self.coords, finite_box(self.coords))
        return self._bounds[1]

    def axis_ends(self) -> np.ndarray | None:
        """The axes' origin and their three ends (4 x 3), or None when there is nothing."""
        return axis_ends(self.box())

    def set_colouring(self, colouring: Colouring | None) -> None:
        self.colouring = colouring or single_colour(len(self.coords), self.theme.point)
        self._draw("colours")

    def set_hits(self, rows) -> None:
        self.hit_rows = np.asarray(rows, dtype=np.int64)
        self._draw("hits", "colours")  # the other points dim while there are hits

    def set_selection(self, rows) -> None:
        self.selected_rows = np.asarray(rows, dtype=np.int64)
        self._draw("selection", *(("points",) if self.isolated else ()))

    def set_isolated(self, isolated: bool) -> None:
        self.isolated = bool(isolated)
        self._draw("points")

    def set_point_size(self, size: float) -> None:
        self.point_size = float(size)
        self._set_sizes()
        self._placed_key = None

    def set_filter(self, mask: np.ndarray | None) -> None:
        """Fade the rows where ``mask`` is False (None: no filter); faded rows are not picked."""
        mask = None if mask is None else np.asarray(mask, dtype=bool)
        self.filter_mask = mask if mask is not None and mask.shape == (len(self.coords),) else None
        self._allowed = None
        self._draw("colours")

    def set_opacity(self, opacity: float) -> None:
        self.opacity = float(opacity)
        self._draw("colours")

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.setBackgroundColor(self.theme.background)
        r, g, b, a = self.theme.hover_fill
        self.hover_label.setStyleSheet(
            f"background: rgba({r},{g},{b},{a}); color: rgb{tuple(self.theme.text)}; padding: 2px;"
        )
        if self.colouring.kind == "single":
            self.colouring = single_colour(len(self.coords), self.theme.point)
        self._draw("colours", "selection", "axes")

    def centre_on(self, rows) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size or not len(self.coords):
            return
        xyz = self.coords[rows]
        self.opts["center"] = QVector3D(*map(float, xyz.mean(axis=0)))
        span = float(np.linalg.norm(xyz.max(axis=0) - xyz.min(axis=0)))
        self.setCameraPosition(
            distance=max(framing_distance(self, span, 2.0), 1e-3 * self.opts["distance"])
        )
        self._projected = None

    # picking ------------------------------------------------------------------------------
    def camera_key(self) -> tuple:
        centre = self.opts["center"]
        return (self.width(), self.height(), self.top_band, self.devicePixelRatioF(),
                centre.x(), centre.y(), centre.z(), self.opts["distance"],
                self.opts["elevation"], self.opts["azimuth"], self.opts["fov"])  # fmt: skip

    def screen_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows shown, their widget pixel positions and depths (cached per camera)."""
        key = self.camera_key()
        if self._projected is None or self._projected[0] != key:
            subset = self.shown_rows()
            shown = np.arange(len(self.coords)) if subset is None else subset
            xy, depth = self.project(self.coords[shown])
            self._projected = (key, shown, xy, depth)
        return self._projected[1], self._projected[2], self._projected[3]

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """The camera's projection and view matrices (4 x 4, numpy, row-major)."""
        region = self.gl_viewport()
        projection = np.array(self.projectionMatrix(region, region).data()).reshape(4, 4).T
        view = np.array(self.viewMatrix().data(), dtype=np.float64).reshape(4, 4).T
        return projection, view

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Widget pixels (N x 2) and clip depth of ``points`` (N x 3), by the camera's own
        projection and view matrices and the viewport OpenGL draws into."""
        x, y, w, h = self.gl_viewport()
        projection, view = self.matrices()
        xy, depth = to_screen(np.asarray(points, dtype=np.float32), projection @ view, w, h)
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

    def allowed_rows(self) -> np.ndarray | None:
        """Rows that can be picked: shown and not faded by a filter (None: every row)."""
        if self._allowed is None:
            subset = self.shown_rows()
            if subset is None and self.filter_mask is None:
                return None
            allowed = np.full(len(self.coords), subset is None)
            if subset is not None:
                allowed[subset] = True
            if self.filter_mask is not None:
                allowed &= self.filter_mask
            self._allowed = allowed
        return self._allowed

    def row_at(self, x: float, y: float) -> int:
        """The front-most point within a few pixels of widget position (x, y), or -1.

        Only the blocks of points that can lie under the cursor are projected (pick3d)."""
        if not len(self.coords):
            return -1
        vx, vy, w, h = self.gl_viewport()
        dpr = self.devicePixelRatioF()
        device_height = max(round(self.height() * dpr), 1)
        at = (x * dpr - vx, y * dpr - (device_height - (vy + h)))
        projection, view = self.matrices()
        return self.index.pick(
            projection, view, (w, h), at, HOVER_RADIUS_PX * dpr, self.allowed_rows()
        )

    def screen_pos_of(self, row: int) -> QPointF:
        xy, _ = self.project(self.coords[[int(row)]])
        return QPointF(float(xy[0, 0]), float(xy[0, 1]))

    def mousePressEvent(self, ev) -> None:  # noqa: N802
        self._press = ev.position()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        if self._press is not None and ev.button() == Qt.MouseButton.LeftButton:
            moved = ev.position() - self._press
            if abs(moved.x()) + abs(moved.y()) < 4:
                self.pointClicked.emit(self.row_at(ev.position().x(), ev.position().y()))
        self._press = None
        super().mouseReleaseEvent(ev)

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        super().mouseMoveEvent(ev)
        self.pointer = (ev.position().x(), ev.position().y())
        if ev.buttons() == Qt.MouseButton.NoButton:
            self.hover(*self.pointer)

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
            was, self.hovered_row = self.hovered_row, row
            self.hover_label.setText(self.labels[row])
            self.hover_label.adjustSize()
            gap = (self.point_size + 4) / 2 + 2  # beside the dot, not over it
            self.hover_label.move(int(x + gap), int(y - gap) - self.hover_label.height())
            self.hover_label.show()
            self.setToolTip(self.labels[row])
            self._labelled_frame_changes(was, row)
            self.pointHovered.emit(row)
        return row

    def clear_hover(self) -> None:
        was = self.hovered_row
        self.hovered_row = -1
        self.hover_label.hide()
        self.setToolTip("")
        if was != -1:
            self._labelled_frame_changes(was, -1)
            self.pointHovered.emit(-1)

    def _labelled_frame_changes(self, was: int, row: int) -> None:
        """Repaint when the hovered point's own label over the frame must step aside or come
        back (one label, not two); otherwise the hover label alone changes (no new frame)."""
        if any(p.row >= 0 and p.row in (was, row) for p in self._plan):
            self.update()

    def event(self, ev) -> bool:
        if ev.type() == QEvent.Type.ToolTip:
            return True  # the hover label says it already
        return super().event(ev)

    def leaveEvent(self, ev) -> None:  # noqa: N802
        super().leaveEvent(ev)
        self.pointer = None
        self.clear_hover()

    # frames and the text over them -----------------------------------------------------------
    def paintGL(self) -> None:  # noqa: N802
        self.sync_layers()
        camera = self.camera_key()
        if camera != self._painted_camera:
            if self._painted_camera is not None:
                self._settle.start()  # the camera moved: (re)start the wait for stillness
            self._painted_camera = camera
        self.moving = self._settle.isActive()
        if self.moving or len(self.cloud) <= self.moving_points or not self.progressive:
            self.scene.invalidate()
            moving, drawn, seconds = self.moving, *self._paint_direct()
        else:  # still: the kept picture, completed a slice a frame
            key = (camera, self._scene_version, self.cloud.size, tuple(self.opts["bgcolor"]))
            moving = False
            drawn, seconds = self.scene.paint(self, key, self.slice_points)
            if drawn >= MIN_MOVING_POINTS // 2 and self.scene.done < self.scene.total:
                self._adapt(drawn, seconds)
        self.frame_times = [*self.frame_times[-99:], (moving, drawn, seconds)]
        if not len(self.coords):
            self.placed = []
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            plan = self.plan_text()
            self.placed = [p for p in plan if p.row < 0 or p.row != self.hovered_row]
            paint_labels(painter, self.placed, self.theme, self.font_size, bool(self.hit_rows.size))
            self.topic_names.paint(painter, [p.rect for p in self.placed])
        finally:
            painter.end()

    @property
    def refining(self) -> bool:
        """The camera is still and the kept picture does not hold every point yet."""
        return self.scene.key is not None and not self.scene.complete

    @property
    def all_drawn(self) -> bool:
        """The last frame showed every point (still, and the picture complete)."""
        last = self.frame_times[-1] if self.frame_times else None
        direct = last is not None and not last[0] and last[1] >= len(self.cloud)
        return not self.moving and (self.scene.complete or direct)

    def _paint_direct(self) -> tuple[int, float]:
        """Draw the frame (a subsample while moving); the points drawn and the seconds taken."""
        budget = self.moving_points if self.moving else None
        layers = (self.cloud, self.hit_layer, self.selected_layer)
        for layer in layers:
            layer.draw_count = budget
        start = time.perf_counter()
        try:
            if self.top_band > 0:  # draw the scene below the band (Qt set the whole widget)
                viewport = self.gl_viewport()
                GL.glViewport(*viewport)
                self.paint(region=viewport, viewport=viewport)
            else:
                super().paintGL()
            drawn = sum(layer.drawn for layer in layers)
            GL.glFinish()  # the points are drawn by now: time them
            seconds = time.perf_counter() - start
            if self.moving and drawn >= MIN_MOVING_POINTS // 2:
                self._adapt(drawn, seconds)
        finally:
            for layer in layers:
                layer.draw_count = None  # an export (renderToArray) draws every point
        return drawn, seconds

    def _adapt(self, drawn: int, seconds: float) -> None:
        """Size the next moving frame (``MOVING_FRAME_S``) and still slice (``STILL_SLICE_S``)
        from what drawing ``drawn`` points took."""
        if not self.adaptive or seconds <= 0 or drawn <= 0:
            return
        cost = seconds / drawn
        if self.point_seconds is not None:
            cost = float(np.sqrt(self.point_seconds * cost))  # halfway, on a log scale
        self.point_seconds = cost
        top = max(len(self.coords), MIN_MOVING_POINTS)
        self.moving_points = int(min(max(MOVING_FRAME_S / cost, MIN_MOVING_POINTS), top))
        self.slice_points = int(min(max(STILL_SLICE_S / cost, MIN_MOVING_POINTS), top))

    def plan_text(self) -> list:
        """Axis titles, then labels of the selection, hits and landmarks (cached per camera).
        While a big set moves, only the rows of interest are projected (no landmarks); while its
        still picture fills in after a new layout, so are the landmarks kept from the last."""
        moving = self.moving or (self.refining and not choice_holds(self))
        moving = moving and len(self.coords) > MOVING_LABELS_LIMIT
        key = (self.camera_key(), moving or not landmarks_on(self), self.isolated,
               self.hit_rows.tobytes(), self.selected_rows.tobytes())  # fmt: skip
        if key != self._placed_key:
            self._placed_key, self._plan = key, plan_view_text(self, focus_only=moving)
        return self._plan
