"""What the 3-D view's point layers hold, rebuilt from the view's state when it changes.

The cloud holds the shown rows in the view's shuffled draw order (so that a prefix is a spread
subsample), coloured by the view's colouring, dimmed while there are search hits, and faded where
a filter leaves rows out (as on the 2-D map); the hit and selection layers hold those rows in the
same order, drawn over the cloud. Only the parts named stale are rebuilt: "positions" (a new
layout of the same rows) rewrites the layers' position buffers alone.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.items.GLLinePlotItem import DirtyFlag
from PySide6.QtGui import QOpenGLContext

from embviz.gui.views.scatter2d import FADED_OPACITY

EVERYTHING = ("points", "colours", "hits", "selection", "axes")


class AxisLines(gl.GLLinePlotItem):
    """pyqtgraph's line item with a shader program of its own view's OpenGL context.

    pyqtgraph keeps one program for the class, compiled in the first context that drew a line;
    a view whose context does not share with that one (another window in a process that did
    not set AA_ShareOpenGLContexts, as benchmarks and embedding programs, or once the first
    context is gone) used a program name its context does not know: pyqtgraph printed "Error
    while drawing item GLLinePlotItem" at every frame and the axes were not drawn."""

    def __init__(self, **kwds) -> None:
        super().__init__(**kwds)
        self._program: object | None = None
        self._program_context: QOpenGLContext | None = None

    def getShaderProgram(self):  # noqa: N802 (pyqtgraph's name; it calls it on the item)
        context = QOpenGLContext.currentContext()
        if self._program is None or self._program_context is not context:
            shared = gl.GLLinePlotItem._shaderProgram
            gl.GLLinePlotItem._shaderProgram = None  # compiled anew, in this context
            try:
                self._program = gl.GLLinePlotItem.getShaderProgram()
            finally:
                gl.GLLinePlotItem._shaderProgram = shared
            if self._program_context is not None:  # moved to another context (re-parented):
                self.dirty_bits = DirtyFlag.POSITION | DirtyFlag.COLOR  # its buffers too
                self.m_vbo_position.destroy()
                self.m_vbo_color.destroy()
            self._program_context = context
        return self._program


def in_draw_order(rank: np.ndarray, rows) -> np.ndarray:
    """``rows`` sorted by their place (``rank``) in the shuffled draw order."""
    rows = np.asarray(rows, dtype=np.int64)
    return rows[np.argsort(rank[rows], kind="stable")] if rows.size else rows


def rgba(rows: np.ndarray, table: np.ndarray, codes: np.ndarray, alpha) -> np.ndarray:
    """Colours (float RGBA, 0..1) of ``rows`` from a colour ``table`` indexed by ``codes``."""
    colours = np.empty((len(rows), 4), dtype=np.float32)
    colours[:, :3] = table[codes[rows], :3] / np.float32(255.0)
    colours[:, 3] = alpha
    return colours


def sync(view, stale: set[str]) -> None:
    """Rebuild the ``stale`` parts of ``view``'s layers (Scatter3DView)."""
    if "axes" in stale:
        axis_lines(view)
    if "positions" in stale and "points" not in stale:  # the same rows moved (a new layout)
        for layer in (view.cloud, view.hit_layer, view.selected_layer):
            rows, held = layer.rows, layer.positions
            if held.shape == (len(rows), 3) and held.dtype == np.float32:
                # into the layer's own array: a million points' 12 MB is not allocated anew
                np.take(view.coords, rows, axis=0, out=held)
                layer.set_positions(held)
            else:
                layer.set_positions(view.coords[rows])
    subset = view.shown_rows()
    shown = view.order if subset is None else in_draw_order(view.rank, np.unique(subset))
    c = view.colouring
    if "points" in stale:
        view.cloud.rows = shown
        view.cloud.set_positions(view.coords[shown])
    if "points" in stale or "colours" in stale:
        dim = 0.25 if view.hit_rows.size else 1.0
        alpha: float | np.ndarray = view.opacity * dim
        if view.filter_mask is not None:  # rows a filter leaves out: faded, as on 2-D
            alpha = np.where(view.filter_mask[shown], alpha, FADED_OPACITY)
        view.cloud.set_colours(rgba(shown, c.table, c.codes, alpha))
    if stale & {"points", "colours", "hits"}:
        hits = np.unique(view.hit_rows)
        if subset is not None:
            hits = hits[np.isin(hits, subset)]
        hits = in_draw_order(view.rank, hits)
        single = c.kind == "single"
        table = np.array([view.theme.hit], np.uint8) if single else c.table
        codes = np.zeros(len(view.coords), np.uint8) if single else c.codes
        view.hit_layer.rows = hits
        view.hit_layer.set_positions(view.coords[hits])
        view.hit_layer.set_colours(rgba(hits, table, codes, 1.0))
    if stale & {"points", "colours", "selection"}:
        sel = in_draw_order(view.rank, view.selected_rows)
        colour = np.array([*(np.array(view.theme.selected) / 255.0), 1.0], dtype=np.float32)
        view.selected_layer.rows = sel
        view.selected_layer.set_positions(view.coords[sel])
        view.selected_layer.set_colours(np.tile(colour, (len(sel), 1)))


def axis_lines(view) -> None:
    """Three axis lines from the layout's lowest corner, as long as the layout is wide."""
    ends = view.axis_ends()
    view.axes.setVisible(view.show_axes and ends is not None)
    if ends is None:
        return
    lines = np.repeat(ends[:1], 6, axis=0)
    lines[1::2] = ends[1:]
    colour = (*(np.array(view.theme.axis) / 255.0), 1.0)
    view.axes.setData(pos=lines, color=colour)


def finite_box(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The lowest and highest corner of the finite rows of ``coords`` (None: there are none).
    Column by column (numpy's axis-0 reduction of an N x 3 array took 8x as long: 77 vs 9 ms
    at a million rows), and a mask only when some row is not finite (NaN, inf show in these)."""
    if not len(coords):
        return None
    lo = np.array([coords[:, i].min() for i in range(coords.shape[1])])
    hi = np.array([coords[:, i].max() for i in range(coords.shape[1])])
    if np.isfinite(lo).all() and np.isfinite(hi).all():
        return lo, hi
    finite = coords[np.isfinite(coords).all(axis=1)]
    return (finite.min(axis=0), finite.max(axis=0)) if len(finite) else None


def axis_ends(box) -> np.ndarray | None:
    """The axes' origin and their three ends (4 x 3) for a layout's finite ``box`` (lo, hi).

    The axes start a little outside the layout's lowest corner and run a little past its
    extent, so that they frame the points rather than run through them.
    """
    if box is None:
        return None
    lo, hi = box
    span = np.where(hi > lo, hi - lo, max(float((hi - lo).max()), 1.0))
    origin = lo - 0.1 * span
    ends = np.repeat(origin[None, :], 4, axis=0).astype(np.float32)
    for axis in range(3):
        ends[axis + 1, axis] = hi[axis] + 0.1 * span[axis]
    return ends
