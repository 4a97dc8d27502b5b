"""Which point is under the cursor: a k-d tree over the drawn 2-D coordinates."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree


class PointIndex:
    def __init__(self, coords: np.ndarray) -> None:
        self.coords = np.asarray(coords, dtype=np.float64)[:, :2]
        self._tree = cKDTree(self.coords) if len(self.coords) else None

    def nearest(self, x: float, y: float, max_distance: float) -> int | None:
        """Row of the point nearest (x, y) within ``max_distance`` (data units), else None."""
        if self._tree is None:
            return None
        distance, row = self._tree.query((x, y), k=1, distance_upper_bound=max_distance)
        return None if not np.isfinite(distance) else int(row)

    def in_rect(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        xs, ys = self.coords[:, 0], self.coords[:, 1]
        lo_x, hi_x = sorted((x0, x1))
        lo_y, hi_y = sorted((y0, y1))
        return np.flatnonzero((xs >= lo_x) & (xs <= hi_x) & (ys >= lo_y) & (ys <= hi_y))
