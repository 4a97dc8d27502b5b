"""A new layout of the rows the 3-D map draws (a training epoch, a forming t-SNE or UMAP, another
method), shown by moving the points rather than drawing the map afresh.

``Scatter3DView.set_points`` starts over: a new draw order, every layer's positions and colours
rebuilt and uploaded, the rows' colours, hits, selection and filter applied again by the
controller, and the camera framed anew, so a person orbiting or zooming while a model trains was
put back at every epoch. Here the rows keep their draw order, colours, hits, selection, filter
and isolation: only the position buffers are rewritten (the same size: written in place), the
picking index is rebuilt (on the first pick, or for a big set in a thread started by the first
pick, the last index answering meanwhile: pick3d.MovedIndex), the axes follow the
layout and the text over the frame is placed again for the new positions: the same rows keep
their labels (labels3d.LandmarkChoice), each at its row's new place. The still picture
starts over (its key changes), so every point comes back a slice a frame as after an orbit.

The camera stays where it is (its orbit always; its centre and distance too) unless the layout
leaves the view:
- a camera the person zoomed or panned (it is no longer where the last fit put it) is kept while
  it shows at least ``KEEP_SEEN`` of the share of the points it showed of the last layout (and
  some point): a zoomed-in region stays zoomed in;
- a camera the map framed is kept while the layout stays inside the sphere that fit framed, and
  fills at least ``KEEP_FILL`` of it; else the layout is framed again, with ``GROWTH_PADDING``
  of room when it left the sphere (a training's layout grows and drifts epoch after epoch: the
  camera then moves every few epochs, not at every one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QTimer

from embviz.gui.views.labels3d import carry_choice
from embviz.gui.views.pick3d import VoxelIndex, to_screen

KEEP_FILL = 0.6  # the fitted sphere holds a fresh fit's layout at 1.0
GROWTH_PADDING = 0.15
# A camera the person zoomed or panned is kept while it shows at least this share of what it
# showed of the last layout (so a zoomed-in region stays, and a layout that jumped away or grew
# past the eye is framed again)
KEEP_SEEN = 0.5
SEEN_SAMPLE = 20_000  # points (a prefix of the shuffled draw order) looked for in the view


def as_xyz(coords) -> np.ndarray:
    """N x 3 float32 (fewer columns padded with zeros), as ``set_points`` draws them."""
    coords = np.asarray(coords, dtype=np.float32)
    if coords.ndim != 2:
        raise ValueError(f"expected N x 2 or N x 3 coordinates, got shape {coords.shape}")
    if coords.shape[1] < 3:
        coords = np.hstack([coords, np.zeros((len(coords), 3 - coords.shape[1]), np.float32)])
    return np.ascontiguousarray(coords[:, :3])


def relayout3d(view, coords, axis_titles: Sequence[str] | None = None, frame: bool = False) -> str:
    """Draw ``view``'s rows (Scatter3DView) at ``coords`` (the same rows, N x 2 or 3);
    ``frame``: frame them as ``set_points`` would (the orbit kept), e.g. the first 3-D layout
    after the flat one shown while it was computed.

    Returns what the camera did: "kept" or "framed"."""
    new = as_xyz(coords)
    if new.shape != view.coords.shape:
        raise ValueError(f"expected {view.coords.shape[0]} rows, got {new.shape[0]}")
    if axis_titles is not None:
        titles = list(axis_titles)[:3]
        view.axis_titles = tuple(titles + ["x", "y", "z"][len(titles) :])
    if view.hovered_row >= 0:  # its label would stay where the point was
        view.clear_hover()
    seen_before = _share_in_view(view)
    view.coords = new
    view.index = VoxelIndex(new, background=True, lazy=True, previous=view.index)
    fits = "refit" if frame else _fit_of(view, seen_before)
    if fits != "kept":
        camera_before = view.camera_key()
        view.reset_camera(padding=GROWTH_PADDING if fits == "outgrown" else 0.0)
        carry_choice(view, camera_before)  # the same words stay labelled
    view._draw("positions", "axes")  # a frame, and the text over it placed anew
    if view.pointer is not None:  # the pointer rests on the map: what is under it now
        x, y = view.pointer
        QTimer.singleShot(0, view, lambda: view.pointer == (x, y) and view.hover(x, y))
    return "kept" if fits == "kept" else "framed"


def _fit_of(view, seen_before: float) -> str:
    """ "kept": the camera stays; "outgrown": the layout left the framed sphere (framed again
    with room to grow); "refit": it left the person's view, or shrank inside the framed one."""
    box = view.box()  # found once for these points: the fit and the axes share it
    if box is None:
        return "kept"  # nothing to frame
    if view.fitted is None or view.fitted[0] != view._camera_place():  # the person's camera
        seen = _share_in_view(view)
        return "kept" if seen >= KEEP_SEEN * seen_before and seen > 0 else "refit"
    place, span = view.fitted
    lo, hi = box
    centre = np.asarray(place[:3], np.float64)
    corner = np.maximum(np.abs(lo - centre), np.abs(hi - centre))  # the box's farthest corner
    if float(np.linalg.norm(corner)) > span / 2 * (1 + 1e-6):
        return "outgrown"
    return "kept" if float(np.linalg.norm(hi - lo)) >= KEEP_FILL * span else "refit"


def _share_in_view(view) -> float:
    """The share of the finite points (of a spread sample: the first of the shuffled draw
    order) that the camera shows, in front of it and inside the viewport."""
    rows = view.order[:SEEN_SAMPLE] if len(view.order) == len(view.coords) else slice(SEEN_SAMPLE)
    points = view.coords[rows]
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return 0.0
    _, _, w, h = view.gl_viewport()
    projection, camera = view.matrices()
    xy, depth = to_screen(points, projection @ camera, w, h)
    seen = (depth > 0) & (xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h)
    return float(seen.mean())
