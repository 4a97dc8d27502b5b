"""The lab's 3-D occurrence map: the main window's 3-D view (orbit, zoom, numpy hover picking)
with the occurrences coloured by sense/cluster and the static vector as a larger marker.

A 3-D view needs an OpenGL context (an X display with GLX); ``gl_problem`` says in words why
there is none, so the lab can say so instead of showing a dead widget.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL.GL import GL_DEPTH_TEST
from pyqtgraph.opengl.GLGraphicsItem import GLOptions
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from embviz.core.colors import Colouring
from embviz.core.polysemy import StaticMarker
from embviz.gui.views.scatter3d import HOVER_RADIUS_PX, Scatter3DView

MARKER_ROW = -2  # what ``hovered_row`` holds while the cursor is on the static marker
MARKER_RING = (0.07, 0.07, 0.07, 1.0)
MARKER_FILL = (0.94, 0.89, 0.26, 1.0)  # the 2-D star's yellow


def gl_problem() -> str | None:
    """None when an OpenGL context can be made and used here, else why not (for a person)."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    platform = QGuiApplication.platformName()
    context = QOpenGLContext()
    if not context.create():
        return f"3-D needs OpenGL, and no OpenGL context can be created here (Qt platform {platform!r})."
    surface = QOffscreenSurface()
    surface.create()
    if not surface.isValid() or not context.makeCurrent(surface):
        return (
            f"3-D needs OpenGL, and this display (Qt platform {platform!r}) cannot draw with it; "
            "run on a desktop with GLX, or under xvfb-run with +extension GLX."
        )
    context.doneCurrent()
    return None


class OccurrenceMap3D(Scatter3DView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.point_size = 11.0
        self.opacity = 0.9
        self.marker: StaticMarker | None = None
        self.hover_label.setWordWrap(True)  # tips are whole sentences
        self.hover_label.setMaximumWidth(360)
        # a black ring around a yellow dot, drawn over the occurrences (the 2-D map's star)
        self.marker_ring = gl.GLScatterPlotItem(pxMode=True)
        self.marker_item = gl.GLScatterPlotItem(pxMode=True)
        self.marker_text = gl.GLTextItem(text="  static vector", color=QColor(20, 20, 20))
        on_top = dict(GLOptions["translucent"])  # additive (the default) makes black invisible
        on_top[GL_DEPTH_TEST] = False  # drawn last, over the occurrences: ring, then fill
        for depth, item in enumerate((self.marker_ring, self.marker_item, self.marker_text)):
            item.setVisible(False)
            item.setGLOptions(on_top)
            item.setDepthValue(10 + depth)
            self.addItem(item)
        self.legend = QLabel(self)
        self.legend.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.legend.setStyleSheet("background: rgba(255,255,255,200); color: #222; padding: 2px;")
        self.legend.move(4, 4)
        self.show_axes = False  # as the lab's 2-D map: the layout's axes mean nothing here

    def plan_text(self) -> list:
        """No text over the occurrences: their labels are whole sentences (shown on hover)."""
        return []

    def set_map(self, coords, tips: list[str], groups: list[str], colours: dict) -> None:
        """Occurrences at ``coords`` (n x 3) coloured by group; ``tips`` are their hover texts."""
        self.set_points(coords, tips)
        names = list(colours)
        codes = np.array([names.index(g) for g in groups], dtype=np.uint8)
        table = np.array([colours[n] for n in names], dtype=np.uint8).reshape(-1, 3)
        self.set_colouring(Colouring(codes, table, "categorical"))
        rows = [
            f"<span style='color:rgb{tuple(rgb)}'>●</span> {html.escape(name)}"
            for name, rgb in colours.items()
        ]
        self.legend.setText("<br>".join(rows))
        self._fit_legend()

    def set_marker(self, marker: StaticMarker | None) -> None:
        self.marker = marker
        shown = marker is not None
        for item in (self.marker_ring, self.marker_item, self.marker_text):
            item.setVisible(shown)  # an empty GL item fails to draw
        if marker is None:
            return
        xyz = np.zeros(3, np.float32)
        xyz[: len(marker.position)] = marker.position[:3]
        size = self.point_size + 9
        ring, fill = (np.array([c], np.float32) for c in (MARKER_RING, MARKER_FILL))
        self.marker_ring.setData(pos=xyz[None], color=ring, size=size)
        self.marker_item.setData(pos=xyz[None], color=fill, size=size - 6)
        self.marker_text.setData(pos=xyz)
        where = "" if marker.exact else " (at nearest occurrence)"
        self.legend.setText(self.legend.text() + f"<br><b>◉</b> static vector{where}")
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The legend sits over the top of the widget: OpenGL draws below it, never under it."""
        self.legend.adjustSize()
        self.top_band = float(self.legend.y() + self.legend.height() + 4)
        self._projected = None
        self._placed_key = None
        self.update()

    def marker_near(self, x: float, y: float) -> bool:
        if self.marker is None:
            return False
        xyz = np.zeros((1, 3), np.float32)
        xyz[0, : len(self.marker.position)] = self.marker.position[:3]
        xy, depth = self.project(xyz)
        radius = HOVER_RADIUS_PX + 4
        return bool(depth[0] > 0 and np.hypot(xy[0, 0] - x, xy[0, 1] - y) <= radius)

    def hover(self, x: float, y: float) -> int:
        """The static marker first (it is drawn largest, on top), then the occurrences."""
        marker = self.marker
        if marker is None or not self.marker_near(x, y):
            row = super().hover(x, y)
            self._keep_label_inside()
            return row
        if self.hovered_row != MARKER_ROW:
            self.hovered_row = MARKER_ROW
            self.hover_label.setText(marker.note)
            self.hover_label.adjustSize()
            self.hover_label.move(int(x) + 10, max(0, int(y) - self.hover_label.height() - 4))
            self.hover_label.show()
            self.setToolTip(marker.note)
            self._keep_label_inside()
        return MARKER_ROW

    def _keep_label_inside(self) -> None:
        label = self.hover_label
        if label.isVisible():
            x = min(label.x(), self.width() - label.width() - 2)
            label.move(max(0, x), max(0, label.y()))
