"""Which points get a text label when the map is seen whole.

The visible area is cut into cells about the size of a label; each cell that holds points shows
the one with the lowest row number (in frequency-sorted files: the most common word). Labels so
never overlap by more than a cell, and a map reads as words rather than as a cloud of dots.
"""

from __future__ import annotations

import numpy as np


def pick_landmarks(
    coords: np.ndarray,
    view: tuple[float, float, float, float],
    cells: tuple[int, int],
    limit: int = 200,
) -> np.ndarray:
    """Rows to label: at most one per cell of a ``cells`` grid over ``view`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = view
    nx, ny = cells
    if len(coords) == 0 or nx < 1 or ny < 1 or x1 <= x0 or y1 <= y0:
        return np.empty(0, dtype=np.int64)
    xs, ys = coords[:, 0], coords[:, 1]
    inside = np.flatnonzero((xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1))
    if inside.size == 0:
        return inside
    cx = ((xs[inside] - x0) / (x1 - x0) * nx).astype(np.int64)
    cy = ((ys[inside] - y0) / (y1 - y0) * ny).astype(np.int64)
    cell = cy * nx + cx
    # inside is ascending, so the first occurrence of each cell is its lowest row
    _, first = np.unique(cell, return_index=True)
    rows = inside[first]
    return np.sort(rows)[:limit]


def place_without_overlap(
    xy: np.ndarray, widths: np.ndarray, height: float, fixed: int = 0, gap: float = 2.0
) -> np.ndarray:
    """Greedy label placement in screen pixels: which labels can be drawn without overlapping.

    ``xy`` holds the label centres (K x 2) in priority order, ``widths`` their widths. The first
    ``fixed`` labels are always kept (selection, search hits); each later one is kept if its box
    does not touch a box already kept. Returns the indices kept, in input order.
    """
    kept: list[int] = []
    boxes: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = max(float(np.max(widths)) if len(widths) else 1.0, height) + gap

    def cells_of(x0: float, y0: float, x1: float, y1: float):
        for cx in range(int(x0 // cell), int(x1 // cell) + 1):
            for cy in range(int(y0 // cell), int(y1 // cell) + 1):
                yield cx, cy

    for i in range(len(xy)):
        half_w, half_h = widths[i] / 2 + gap, height / 2 + gap
        box = (xy[i, 0] - half_w, xy[i, 1] - half_h, xy[i, 0] + half_w, xy[i, 1] + half_h)
        if i >= fixed:
            clash = any(
                box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                for c in cells_of(*box)
                for other in boxes.get(c, ())
            )
            if clash:
                continue
        kept.append(i)
        for c in cells_of(*box):
            boxes.setdefault(c, []).append(box)
    return np.asarray(kept, dtype=np.int64)
