"""One layer of 3-D points drawn by OpenGL from buffers uploaded once (and again only on change).

``PointCloud3D`` holds its points in draw order: positions (float32, x y z) and colours (RGBA
bytes, normalised by the GPU) in two vertex buffers, drawn as round GL_POINTS of one size in
device pixels by a small shader. ``draw_count`` draws only part of the points (from ``draw_first``): the 3-D view
stores the points in a shuffled order, so a prefix is a spread subsample of the whole cloud
(what it draws while the camera moves), and the whole buffer is drawn when the camera is still.
Nothing is sent to the GPU per frame but the matrix, the point size and the count.
"""

from __future__ import annotations

import importlib

import numpy as np
from OpenGL import GL
from OpenGL.GL import shaders
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from PySide6.QtGui import QOpenGLContext

QtOpenGL = importlib.import_module("PySide6.QtOpenGL")

VERTEX = """
uniform mat4 u_mvp;
uniform float u_size;
IN vec3 a_position;
IN vec4 a_colour;
OUT vec4 v_colour;
void main() {
    gl_Position = u_mvp * vec4(a_position, 1.0);
    gl_PointSize = u_size;
    v_colour = a_colour;
}
"""
FRAGMENT = """
#ifdef GL_ES
precision mediump float;
#endif
IN vec4 v_colour;
FRAG_DECL
void main() {
    vec2 xy = gl_PointCoord * 2.0 - 1.0;
    if (dot(xy, xy) > 1.0) discard;
    FRAG_COLOUR = v_colour;
}
"""


def _sources(context: QOpenGLContext) -> tuple[str, str]:
    """The shader sources for this context: GLSL 1.40 / 3.00 es, or 1.20 / 1.00 on old ones."""
    version = context.format().version()
    core = version >= ((3, 0) if context.isOpenGLES() else (3, 1))
    if context.isOpenGLES():
        head = "#version 300 es\n" if core else "#version 100\n"
    else:
        head = "#version 140\n" if core else "#version 120\n"
    if core:
        vert = VERTEX.replace("IN ", "in ").replace("OUT ", "out ")
        frag = FRAGMENT.replace("IN ", "in ").replace("FRAG_DECL", "out vec4 fragColour;")
        frag = frag.replace("FRAG_COLOUR", "fragColour")
    else:
        vert = VERTEX.replace("IN ", "attribute ").replace("OUT ", "varying ")
        frag = FRAGMENT.replace("IN ", "varying ").replace("FRAG_DECL", "")
        frag = frag.replace("FRAG_COLOUR", "gl_FragColor")
    return head + vert, head + frag


def _compat_profile(context: QOpenGLContext) -> bool:
    fmt = context.format()
    if fmt.profile() == fmt.OpenGLContextProfile.CompatibilityProfile:
        return True
    if fmt.profile() == fmt.OpenGLContextProfile.CoreProfile:
        return False
    return fmt.version() <= (2, 1) or context.hasExtension(b"GL_ARB_compatibility")


class PointCloud3D(GLGraphicsItem):
    """Points at ``positions`` (M x 3, draw order) in ``colours`` (M x 4 bytes), ``size`` px."""

    def __init__(self, size: float = 5.0) -> None:
        super().__init__()
        self.positions: np.ndarray = np.empty((0, 3), np.float32)
        self.colours: np.ndarray = np.empty((0, 4), np.uint8)
        self.size = float(size)
        self.draw_first = 0  # the first point drawn (draw order)
        self.draw_count: int | None = None  # how many from there; None: every point
        self.drawn = 0  # how many points the last paint drew
        self.rows = np.empty(0, np.int64)  # the row of each point, in draw order
        self._vbo_pos = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self._vbo_col = QtOpenGL.QOpenGLBuffer(QtOpenGL.QOpenGLBuffer.Type.VertexBuffer)
        self._dirty_pos = self._dirty_col = False
        self._program: int | None = None
        self._program_context: object | None = None
        self.setGLOptions("translucent")

    def __len__(self) -> int:
        return len(self.positions)

    def _by_row(self, name: str) -> np.ndarray:
        view = self.view()
        if view is not None and hasattr(view, "sync_layers"):
            view.sync_layers()  # what the next frame will draw
        array: np.ndarray = getattr(self, name)
        if len(self.rows) != len(array):
            return array
        return array[np.argsort(self.rows, kind="stable")]

    @property
    def pos(self) -> np.ndarray:
        """The positions drawn, by row (as GLScatterPlotItem.pos)."""
        return self._by_row("positions")

    @property
    def color(self) -> np.ndarray:
        """The colours drawn (RGBA in 0..1), by row (as GLScatterPlotItem.color)."""
        colours = self._by_row("colours")
        return colours / 255.0 if colours.dtype == np.uint8 else colours

    def set_positions(self, positions: np.ndarray) -> None:
        self.positions = np.ascontiguousarray(positions, dtype=np.float32).reshape(-1, 3)
        self._dirty_pos = True
        self.update()

    def set_colours(self, colours: np.ndarray) -> None:
        colours = np.asarray(colours)
        dtype = np.float32 if colours.dtype.kind == "f" else np.uint8
        self.colours = np.ascontiguousarray(colours, dtype=dtype).reshape(-1, 4)
        self._dirty_col = True
        self.update()

    def set_size(self, size: float) -> None:
        # the view sets its layers' sizes at every frame: asking for a frame only when the size
        # changes keeps that from asking for the next frame forever (the still 3-D map was
        # repainted 15-18 times a second, a copy of 1M points' picture each time)
        if float(size) == self.size:
            return
        self.size = float(size)
        self.update()

    # drawing -------------------------------------------------------------------------------
    def _shader(self) -> int:
        context = QOpenGLContext.currentContext()
        if self._program is None or self._program_context is not context:
            vert, frag = _sources(context)
            program = shaders.compileProgram(
                shaders.compileShader(vert, GL.GL_VERTEX_SHADER),
                shaders.compileShader(frag, GL.GL_FRAGMENT_SHADER),
                validate=False,
            )
            GL.glBindAttribLocation(program, 0, "a_position")
            GL.glBindAttribLocation(program, 1, "a_colour")
            GL.glLinkProgram(program)
            self._program, self._program_context = int(program), context
            self._dirty_pos = self._dirty_col = True  # buffers belong to the old context
            self._vbo_pos.destroy()
            self._vbo_col.destroy()
        return self._program

    @staticmethod
    def _upload(vbo, array: np.ndarray) -> None:
        if not vbo.isCreated():
            vbo.create()
        vbo.bind()
        if vbo.size() != array.nbytes:
            vbo.allocate(array, array.nbytes)
        else:
            vbo.write(0, array, array.nbytes)
        vbo.release()

    def paint(self) -> None:
        n = len(self.positions)
        first = max(0, min(n, int(self.draw_first)))
        count = n - first if self.draw_count is None else int(self.draw_count)
        count = max(0, min(n - first, count))
        self.drawn = 0
        if count == 0 or len(self.colours) != n:
            return
        self.setupGLState()
        context = QOpenGLContext.currentContext()
        program = self._shader()
        if self._dirty_pos:
            self._upload(self._vbo_pos, self.positions)
            self._dirty_pos = False
        if self._dirty_col:
            self._upload(self._vbo_col, self.colours)
            self._dirty_col = False
        if not context.isOpenGLES():
            if _compat_profile(context):
                GL.glEnable(GL.GL_POINT_SPRITE)
            GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        mvp = np.array(self.mvpMatrix().data(), dtype=np.float32)
        GL.glUseProgram(program)
        try:
            GL.glUniformMatrix4fv(GL.glGetUniformLocation(program, "u_mvp"), 1, False, mvp)
            GL.glUniform1f(GL.glGetUniformLocation(program, "u_size"), self.size)
            self._vbo_pos.bind()
            GL.glVertexAttribPointer(0, 3, GL.GL_FLOAT, False, 0, None)
            self._vbo_col.bind()
            if self.colours.dtype == np.uint8:
                GL.glVertexAttribPointer(1, 4, GL.GL_UNSIGNED_BYTE, True, 0, None)
            else:
                GL.glVertexAttribPointer(1, 4, GL.GL_FLOAT, False, 0, None)
            self._vbo_col.release()
            GL.glEnableVertexAttribArray(0)
            GL.glEnableVertexAttribArray(1)
            GL.glDrawArrays(GL.GL_POINTS, first, count)
            GL.glDisableVertexAttribArray(0)
            GL.glDisableVertexAttribArray(1)
        finally:
            GL.glUseProgram(0)
        self.drawn = count
