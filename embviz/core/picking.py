"""Which points are under the cursor, in a box or in a lasso: a k-d tree over the drawn 2-D
coordinates (a query takes microseconds at a million points), built in a background thread so
opening a big set does not wait for it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.spatial import cKDTree


class PointIndex:
    """``background``: the tree is built in a thread for a big set, and for a small one on the
    first query (a few ms), so drawing a map never waits for it nor for importing SciPy."""

    def __init__(self, coords: np.ndarray, background: bool = False) -> None:
        self._source = coords  # made float64 on first use: in the background for big sets
        self._coords: np.ndarray | None = None
        self._coords_lock = threading.Lock()
        self._tree: cKDTree | None = None
        self._rows: np.ndarray | None = None  # tree position -> row, when some rows are NaN
        self._built = threading.Event()
        self._started = False
        self._lock = threading.Lock()
        if not background:
            self._start()
        elif len(coords) > 50_000:
            threading.Thread(target=self._start, daemon=True).start()

    @property
    def coords(self) -> np.ndarray:
        """The points as float64, made once (for ten million points, not in the GUI thread
        when the background build gets there first)."""
        with self._coords_lock:
            if self._coords is None:
                self._coords = np.asarray(self._source, dtype=np.float64)[:, :2]
            return self._coords

    def _start(self) -> None:
        with self._lock:  # once, whether the thread or a first query gets here first
            if self._started:
                return
            self._started = True
        self._build()

    def _build(self) -> None:
        from scipy.spatial import cKDTree  # here: SciPy costs the window's start 0.2 s

        # rows left out of a projection have NaN coordinates: they are not drawn, nor picked
        finite = np.isfinite(self.coords).all(axis=1)
        self._rows = None if finite.all() else np.flatnonzero(finite)
        points = self.coords if self._rows is None else self.coords[self._rows]
        self._tree = cKDTree(points) if len(points) else None
        self._built.set()

    @property
    def building(self) -> bool:
        """The tree is being built in the background (a query now would wait for it)."""
        return self._started and not self._built.is_set()

    @property
    def tree(self) -> cKDTree | None:
        self._start()  # a no-op once started
        self._built.wait()
        return self._tree

    def nearest(self, x: float, y: float, max_distance: float) -> int | None:
        """Row of the point nearest (x, y) within ``max_distance`` (data units), else None."""
        tree = self.tree
        if tree is None:
            return None
        distance, row = tree.query((x, y), k=1, distance_upper_bound=max_distance)
        if not np.isfinite(distance):
            return None
        return int(row) if self._rows is None else int(self._rows[row])

    def in_rect(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        xs, ys = self.coords[:, 0], self.coords[:, 1]
        lo_x, hi_x = sorted((x0, x1))
        lo_y, hi_y = sorted((y0, y1))
        return np.flatnonzero((xs >= lo_x) & (xs <= hi_x) & (ys >= lo_y) & (ys <= hi_y))

    def in_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Rows inside ``polygon`` (K x 2, closed implicitly), by the even-odd rule."""
        polygon = np.asarray(polygon, dtype=np.float64)
        if len(polygon) < 3:
            return np.empty(0, dtype=np.int64)
        (x0, y0), (x1, y1) = polygon.min(axis=0), polygon.max(axis=0)
        rows = self.in_rect(x0, y0, x1, y1)
        inside: np.ndarray = rows[points_in_polygon(self.coords[rows], polygon)]
        return inside


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Boolean mask: which ``points`` lie inside ``polygon`` (ray casting, one pass per edge)."""
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), dtype=bool)
    xa, ya = polygon[:, 0], polygon[:, 1]
    xb, yb = np.roll(xa, -1), np.roll(ya, -1)
    for ax, ay, bx, by in zip(xa, ya, xb, yb, strict=True):
        if ay == by:
            continue
        crosses = (ay > y) != (by > y)
        at_x = ax + (y - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (x < at_x)
    return inside


def simplify_path(points: np.ndarray, min_step: float) -> np.ndarray:
    """Drop lasso vertices closer than ``min_step`` to the last kept one (fewer edges to test)."""
    if len(points) < 3:
        return points
    kept = [points[0]]
    for p in points[1:]:
        if np.hypot(*(p - kept[-1])) >= min_step:
            kept.append(p)
    return np.asarray(kept)
