"""Moving the points of a 2-D map to new places without a full redraw: the frames of a played
sequence, where the same rows glide from one layout to the next (tens of frames a second).

A full :meth:`ScatterView.set_points` rebuilds the picking index and places every label again
(about a tenth of a second at 20,000 points, several times over with the selection, hits and
overlays). A frame only moves what is drawn: the point layers, the selection rings, the overlays'
lines and marks, and each label with its point (keeping its offset). Picking waits until the
points rest, when the view's settle timer rebuilds the index and places the labels afresh.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from embviz.gui.views.labels2d import ROW

MAX_RINGS = 500


def move_points(view, coords: np.ndarray) -> None:
    """Draw ``view``'s rows at ``coords`` (N x 2, the same rows as drawn)."""
    new = np.ascontiguousarray(np.asarray(coords)[:, :2], dtype=np.float32)
    if new.shape != view.coords.shape:
        raise ValueError(f"expected {view.coords.shape} coordinates, got {new.shape}")
    old, view.coords = view.coords, new
    view.index = None  # picking waits until the points rest (ScatterView._settled)
    view.clear_hover()
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
    brushes = [point.brush() for point in view.overlay_points.points()]
    if len(brushes) == len(view.overlay_rows):
        xy = new[view.overlay_rows]
        view.overlay_points.setData(x=xy[:, 0], y=xy[:, 1], brush=brushes)
    layer = view.label_layer
    for item in layer.focus_items + layer.landmark_items:
        row = item.data(ROW)
        if row is not None and item.isVisible() and 0 <= row < n:
            offset = item.pos() - QPointF(float(old[row, 0]), float(old[row, 1]))
            item.setPos(QPointF(float(new[row, 0]), float(new[row, 1])) + offset)
    view._moving()  # the settle timer: full point layers, index and labels once at rest
