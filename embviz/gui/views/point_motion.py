"""Moving the points of a 2-D map to new places without a full redraw.

Two callers: the frames of a played sequence (:func:`move_points`, tens of frames a second),
and a new layout of the rows drawn (:func:`relayout`: a training epoch, a forming t-SNE, another
method), which the map controller hands here instead of :meth:`ScatterView.set_points`.

A full ``set_points`` resets everything that depends on the rows (colours, hits, selection,
filter, overlays), which the controller then applies again, and places every label several
times over: 230-390 ms of the GUI thread per training epoch at 1,750 words, under load
(benchmarks/epoch_redraw.py). Here only what is drawn moves: the point layers, the selection
rings, the overlays' lines and marks, and each label with its point (keeping its offset). The
labels are placed afresh once, when the view's settle timer fires (the points at rest).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from embviz.core.picking import PointIndex

MAX_RINGS = 500
# A new layout that lies inside the view and fills at least this share of it (in its longer
# extent) keeps the view: a fitted view shows it at 0.93 (4% margins). Refitting every epoch
# moved the axes a hair each time, and a moved range re-lays both axes and every label's
# transform: most of a repaint's cost. A layout that outgrows the view or shrinks well inside it
# is fitted again.
KEEP_FILL = 0.8
# A layout that outgrew the view (a training's layout grows epoch after epoch) is fitted with
# this margin instead of set_points' 4%: it then fills 0.83 of the view and grows by a fifth
# before the view (axes, every label's transform) moves again, not at every epoch.
GROWTH_PADDING = 0.10
# A view the person zoomed or panned is kept through a new layout while it shows at least this
# share of the rows it showed before (as the 3-D map keeps its camera, relayout3d).
KEEP_SHARE = 0.5
# ... counted on every k-th row of a large map (the same rows in both layouts): counting all of
# a million rows twice took ~10 ms of the GUI thread per epoch. A close zoom that holds fewer than
# SHARE_MIN_SAMPLED of the sampled rows is counted on every row (a sample could miss it).
SHARE_SAMPLE = 20_000
SHARE_MIN_SAMPLED = 500


def _move(view, coords: np.ndarray, grid=None) -> np.ndarray:
    """Draw the view's rows at ``coords``; returns the coordinates drawn before."""
    new = np.ascontiguousarray(np.asarray(coords)[:, :2], dtype=np.float32)
    if new.shape != view.coords.shape:
        raise ValueError(f"expected {view.coords.shape} coordinates, got {new.shape}")
    old, view.coords = view.coords, new
    view._grid = grid
    view._draw_layers()
    rings = view.selected_rows[:MAX_RINGS] if view.selected_rows.size <= MAX_RINGS else []
    xy = new[np.asarray(rings, dtype=np.int64)]
    view.rings.setData(x=xy[:, 0], y=xy[:, 1])
    n = len(new)
    for name, item in view.overlay_lines.items():
        overlay = view.overlays.get(name)
        edges = [(a, b) for a, b in overlay.edges if 0 <= a < n and 0 <= b < n] if overlay else []
        pairs = np.asarray(edges, dtype=np.int64).reshape(-1)
        item.setData(new[pairs, 0].astype(float), new[pairs, 1].astype(float))
    if len(view.overlay_rows):
        brushes = [point.brush() for point in view.overlay_points.points()]
        if len(brushes) == len(view.overlay_rows):
            xy = new[view.overlay_rows]
            view.overlay_points.setData(x=xy[:, 0], y=xy[:, 1], brush=brushes)
    return old


def move_points(view, coords: np.ndarray) -> None:
    """Draw ``view``'s rows at ``coords`` (N x 2, the same rows as drawn): a frame."""
    view.clear_hover()
    old = _move(view, coords)
    new, layer = view.coords, view.label_layer
    layer.forget()  # placed afresh once the points rest
    for item in layer.focus_items + layer.landmark_items:  # meanwhile each moves with its point
        row = item.row
        if row is not None and item.isVisible() and 0 <= row < len(new):
            offset = item.pos() - QPointF(float(old[row, 0]), float(old[row, 1]))
            item.setPos(QPointF(float(new[row, 0]), float(new[row, 1])) + offset)
    view.index = None  # picking waits until the points rest (ScatterView._settled)
    view._moving()  # the settle timer: full point layers, index and labels once at rest


def relayout(view, coords, axis_titles=("x", "y"), keep_view=False, forming=False, grid=None):
    """Show a new layout ``coords`` of the rows ``view`` draws, as ``set_points`` would show
    it (the view fits it unless ``keep_view`` or, while it forms, the person moved the view),
    keeping the rows' colours, hits, selection, filter and overlays."""
    if forming and not view._forming:
        view.moved_by_person = False  # a new layout begins forming
    follow = forming or view._forming
    view._forming = bool(forming)
    hovered = view.hovered_row >= 0 or view.linked_row >= 0
    if hovered:  # the ring and name would stay where the point was
        view.clear_hover()
    old = _move(view, coords, grid)
    # picked at once, at the new places: the tree is made on the first query (in a thread for
    # a big set, whose drawn grid answers meanwhile)
    view.index = PointIndex(view.coords, background=True)
    for side, title in (("bottom", axis_titles[0]), ("left", axis_titles[1])):
        axis = view.plotItem.getAxis(side)
        if axis.labelText != title:  # a new title lays the axis out again (a few ms)
            view.plotItem.setLabel(side, title)
    kept_for_person = False
    if not keep_view and not (follow and view.moved_by_person):
        # a view the person zoomed or panned stays through training epochs while it shows as
        # much of the rows as before (it used to count as "outgrown" and was fitted each epoch)
        kept_for_person = view.moved_by_person and _still_shows(view, old, view.coords)
        fits = "fits" if kept_for_person else _fit_of(view)
        if fits != "fits":
            view.fit(padding=GROWTH_PADDING if fits == "outgrown" else 0.04)
    if not follow and not kept_for_person:
        view.moved_by_person = False
    if view._rest_pos is not None:  # the pointer rests on the map: what is under it now
        view._rest.start()
    # the labels are placed once, now, for the frame that shows the new layout; the settle
    # timer that the view's move started then finds them placed (no second placement, no
    # second repaint of the map)
    view._update_labels()


def _fit_of(view) -> str:
    """ "fits": the drawn points lie inside the view and fill at least KEEP_FILL of it;
    "outgrown": some lie outside it; "refit": else (they shrank, or not every row is drawn)."""
    grid = view.cloud.grid  # the bounds of the finite points drawn, found when they were
    if not grid.size or view.cloud._coords is not view.coords or view.cloud._key is not None:
        return "refit"  # not every row drawn (a filter, isolation): fitted as set_points would
    x0, y0, x1, y1 = (float(v) for v in grid.bounds)
    (vx0, vx1), (vy0, vy1) = view.plotItem.vb.viewRange()
    if vx1 <= vx0 or vy1 <= vy0:
        return "refit"
    if not (vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1):
        return "outgrown"
    fill = max((x1 - x0) / (vx1 - vx0), (y1 - y0) / (vy1 - vy0))
    return "fits" if fill >= KEEP_FILL else "refit"


def _still_shows(view, old: np.ndarray, new: np.ndarray) -> bool:
    """The view shows at least ``KEEP_SHARE`` as many rows of the new layout as of the old one
    (and some): the part of the map the person zoomed into is still in it."""
    (vx0, vx1), (vy0, vy1) = view.plotItem.vb.viewRange()

    def shown(xy: np.ndarray) -> int:
        x, y = xy[:, 0], xy[:, 1]
        return int(np.count_nonzero((x >= vx0) & (x <= vx1) & (y >= vy0) & (y <= vy1)))

    step = max(1, min(len(old), len(new)) // SHARE_SAMPLE)
    before, after = shown(old[::step]), shown(new[::step])
    if step > 1 and before < SHARE_MIN_SAMPLED:
        before, after = shown(old), shown(new)
    return after > 0 and after >= KEEP_SHARE * before
