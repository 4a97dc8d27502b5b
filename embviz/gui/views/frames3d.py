"""The still 3-D frame, kept and completed a slice at a time.

When the camera stops, the scene under the overlays (the axes and the cloud: items of depth
value <= 0) is drawn into a framebuffer of its own, ``slice`` points of the shuffled draw order
per frame, each slice on top of the last with the depth buffer kept, so the finished picture is
the one a single draw of every point makes. Each frame copies that picture to the screen and
draws the overlays (search hits, selection, markers: depth value > 0) and the text over it. The
event loop runs between slices, so a mouse move is answered at once; once the picture is whole
a frame costs one copy, so a hover label that steps aside does not redraw a million points.
"""

from __future__ import annotations

import importlib
import time

from OpenGL import GL

QtOpenGL = importlib.import_module("PySide6.QtOpenGL")


class StillScene:
    def __init__(self) -> None:
        self.fbo = None
        self.key: tuple | None = None
        self.done = 0  # points of the cloud in the picture so far
        self.total = 0

    @property
    def complete(self) -> bool:
        return self.key is not None and self.done >= self.total

    def invalidate(self) -> None:
        self.key = None
        self.done = 0

    def _target(self, width: int, height: int):
        fbo = self.fbo
        if fbo is None or fbo.width() != width or fbo.height() != height:
            attachment = QtOpenGL.QOpenGLFramebufferObject.Attachment.CombinedDepthStencil
            self.fbo = QtOpenGL.QOpenGLFramebufferObject(width, height, attachment)
            self.key = None
        return self.fbo

    def paint(self, view, key: tuple, slice_points: int) -> tuple[int, float]:
        """Add a slice to the picture (a new one when ``key`` changed), copy it to ``view``'s
        framebuffer and draw the overlays. Returns the points drawn and the seconds taken."""
        width, height = view.deviceWidth(), view.deviceHeight()
        fbo = self._target(max(width, 1), max(height, 1))
        region = view.gl_viewport()
        cloud = view.cloud
        fresh = key != self.key
        if fresh:
            self.key, self.done, self.total = key, 0, len(cloud)
        drawn, seconds = 0, 0.0
        if fresh or self.done < self.total:
            start = time.perf_counter()
            fbo.bind()
            GL.glViewport(*region)
            view.setProjection(region, region)
            view.setModelview()
            if fresh:
                GL.glClearColor(*view.opts["bgcolor"])
                GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            cloud.draw_first, cloud.draw_count = self.done, slice_points
            try:
                for item in _top_items(view):
                    if item.depthValue() <= 0 and (fresh or item is cloud):
                        _draw(view, item)
            finally:
                cloud.draw_first, cloud.draw_count = 0, None
            drawn = cloud.drawn
            self.done += drawn
            GL.glFinish()
            seconds = time.perf_counter() - start
            if self.done < self.total:
                view.refine_timer.start()  # the next slice, after pending events
        target = view.defaultFramebufferObject()
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo.handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        GL.glBlitFramebuffer(
            0, 0, width, height, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST
        )
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        GL.glViewport(*region)
        view.setProjection(region, region)
        view.setModelview()
        for item in _top_items(view):
            if item.depthValue() > 0:
                _draw(view, item)
        return drawn, seconds


def _top_items(view) -> list:
    items = [x for x in view.items if x.parentItem() is None and x.visible()]
    return sorted(items, key=lambda a: a.depthValue())


def _draw(view, item) -> None:
    """Draw one top-level item and its children, as GLViewWidget.drawItemTree does."""
    view._modelViewStack.append(view.currentModelView() * item.transform())
    try:
        view.drawItemTree(item)
    finally:
        view._modelViewStack.pop()
