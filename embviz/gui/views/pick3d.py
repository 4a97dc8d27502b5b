"""Which 3-D point is under the cursor, without projecting every point on each mouse move.

``VoxelIndex`` sorts the points once along a Z-order (Morton) curve and cuts that order into
blocks of ``BLOCK`` points, each a compact box in space (dense regions get small boxes, sparse
ones big boxes); big sets do this in a background thread. A pick projects only the blocks'
centres with the camera's matrix, keeps the blocks whose bounding sphere can reach within the
pick radius of the cursor (a conservative bound on how far a sphere's points can land from its
projected centre), and projects the points of those blocks alone: a few thousand instead of a
million. The answer is the same as projecting every point: the front-most (smallest clip w)
point within the radius, ties broken towards the cursor.

A new layout of the same rows (a training epoch) gets a new index, sorted in a thread once
something is picked; until it is there a pick is answered at once by the last index that is
(``MovedIndex``): its blocks hold the same rows, and each block's sphere, grown by the farthest
any row has moved since, still holds the rows' new positions, whose points are then projected.
So no hover waits for a sort (900 ms at a million points on a busy machine) and none is answered
from old positions.
"""

from __future__ import annotations

import threading

import numpy as np

BLOCK = 64  # points per block
GRID_BITS = 10  # Morton code: 10 bits an axis
BACKGROUND_ROWS = 20_000  # above this many points the sort runs in a thread (~15 ms here)
MOVED_CHUNK = 262_144  # rows a time when measuring how far rows moved


def to_screen(points: np.ndarray, matrix: np.ndarray, width: float, height: float):
    """Viewport pixels (x right, y down; N x 2) and clip w (<= 0: behind the camera)."""
    m = matrix.astype(np.float32)
    x, y, z = points[:, 0], points[:, 1], points[:, 2]

    def row(r: int) -> np.ndarray:  # one row of the product, without a (threaded) BLAS call
        return x * m[r, 0] + y * m[r, 1] + z * m[r, 2] + m[r, 3]

    w = row(3)
    safe = np.where(w > 1e-12, w, 1.0)
    sx = (row(0) / safe + 1.0) * 0.5 * width
    sy = (1.0 - row(1) / safe) * 0.5 * height
    return np.stack([sx, sy], axis=1), w


def _spread(v: np.ndarray) -> np.ndarray:
    """Put two zero bits between each of the low 10 bits of ``v`` (uint64)."""
    v = v & 0x3FF
    v = (v | (v << 16)) & 0x030000FF
    v = (v | (v << 8)) & 0x0300F00F
    v = (v | (v << 4)) & 0x030C30C3
    return (v | (v << 2)) & 0x09249249


class _Built(threading.Event):
    """Set once the index is built; waiting on an index left for its first pick builds it (on
    the waiting thread) rather than waiting forever."""

    def __init__(self, later) -> None:
        super().__init__()
        self.later = later

    def wait(self, timeout: float | None = None) -> bool:
        later, self.later = self.later, None
        if later is not None:
            later()  # builds it here, or starts the thread that does
        return super().wait(timeout)


class VoxelIndex:
    """The finite points of ``coords`` (N x 3) in Morton order, in blocks, for picking."""

    def __init__(
        self,
        coords: np.ndarray,
        background: bool = False,
        lazy: bool = False,
        previous: VoxelIndex | None = None,
    ) -> None:
        """``background``: a big set is sorted in a thread; ``lazy``: only once something is
        picked (a training epoch's layout is often replaced before anyone hovers it): a small
        set on its first pick, a big one in a thread started by its first pick, which
        ``previous`` (the index of the last layout of the same rows) answers meanwhile."""
        self.coords = np.ascontiguousarray(coords, dtype=np.float32)
        self.points: np.ndarray | None = None  # the finite points, in block order
        self._built = _Built(self._build if lazy else None)
        self._base = None if previous is None else previous.settled()
        self._stand_in: MovedIndex | None = None
        self._thread: threading.Thread | None = None
        big = background and len(self.coords) > BACKGROUND_ROWS
        if big and lazy and self._base is not None:
            self._built.later = self._start  # sorted in a thread once picked (``_current``)
        elif big:
            self._built.later = None
            self._start()
        elif not lazy:
            self._build()

    def _start(self) -> None:
        self._built.later = None
        if self._thread is None:
            self._thread = threading.Thread(target=self._build, daemon=True)
            self._thread.start()

    def settled(self) -> VoxelIndex | None:
        """This index when it is built, else the built one it stands on (None: none)."""
        return self if self._built.is_set() else self._base

    def _current(self):
        """What answers a pick now: this index once built; while its sort runs (``pick``
        starts it), the last built index, its blocks grown to hold the rows' new positions."""
        base = self._base  # read once: the sort's thread lets go of it when done
        if self._built.is_set() or base is None:
            return self
        stand_in = self._stand_in
        if stand_in is None:
            stand_in = MovedIndex.of(base, self.coords)
            if stand_in is None:  # rows turned finite or not: wait for the sort
                self._base = None
                return self
            if not self._built.is_set():
                self._stand_in = stand_in
        return stand_in

    def _build(self) -> None:
        try:
            finite = np.flatnonzero(np.isfinite(self.coords).all(axis=1))
            pts = self.coords[finite]
            if not len(pts):
                self.finite = 0
                self.rows = np.empty(0, np.int64)
                self.points = np.empty((0, 3), np.float32)
                self.centres = np.empty((0, 3), np.float32)
                self.radii = np.empty(0, np.float64)
                return
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            scale = np.where(hi > lo, ((1 << GRID_BITS) - 1) / np.maximum(hi - lo, 1e-30), 0)
            q = ((pts - lo) * scale).astype(np.uint64)
            code = _spread(q[:, 0]) | (_spread(q[:, 1]) << 1) | (_spread(q[:, 2]) << 2)
            order = np.argsort(code, kind="stable")
            pad = (-len(order)) % BLOCK  # the last block is filled up with its last point
            order = np.concatenate([order, np.repeat(order[-1:], pad)])
            self.rows = finite[order]
            self.finite = len(finite)
            self.points = pts[order]
            blocks = self.points.reshape(-1, BLOCK, 3)
            bmin, bmax = blocks.min(axis=1), blocks.max(axis=1)
            self.centres = ((bmin + bmax) / 2).astype(np.float32)
            half = np.linalg.norm((bmax - bmin).astype(np.float64), axis=1) / 2
            self.radii = half * (1 + 1e-4) + 1e-6 * (1 + float(np.abs(hi - lo).max()))
        finally:
            self._built.set()
            self._base = self._stand_in = None  # nothing older is needed now

    def candidates(self, projection: np.ndarray, view: np.ndarray, size, at, radius: float):
        """Blocks whose points may project within ``radius`` px of ``at`` (viewport pixels),
        nearest first, and the smallest clip w any of their points can have.

        A block is kept when its bounding sphere meets the cone from the eye through the
        cursor whose half-angle covers ``radius`` px around it (with a margin)."""
        self._built.wait()
        return self._candidates(projection, view, size, at, radius)

    def _candidates(self, projection, view, size, at, radius: float, grow: float = 0.0):
        if not len(self.centres):
            return np.empty(0, np.int64), np.empty(0)
        width, height = size
        inverse = np.linalg.inv(projection.astype(np.float64))

        def direction(px: float, py: float) -> np.ndarray:  # eye-space ray through a pixel
            ndc = np.array([px / width * 2 - 1, 1 - py / height * 2, 1.0, 1.0])
            far = inverse @ ndc
            ray = far[:3] / far[3]
            return ray / np.linalg.norm(ray)

        axis = direction(*at)
        around = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        edge = [direction(at[0] + radius * np.cos(t), at[1] + radius * np.sin(t)) for t in around]
        alpha = float(np.arccos(np.clip(min(e @ axis for e in edge), -1, 1))) * 1.05 + 1e-6
        v = view.astype(np.float64)
        eye = self.centres.astype(np.float64) @ v[:3, :3].T + v[:3, 3]
        dist = np.linalg.norm(eye, axis=1)
        big = self.radii + grow
        inside = dist <= big
        beta = np.arcsin(np.clip(big / np.maximum(dist, 1e-30), 0, 1))
        cos_angle = (eye @ axis) / np.maximum(dist, 1e-30)
        reach = np.minimum(alpha + beta, np.pi)
        blocks = np.flatnonzero(inside | (cos_angle >= np.cos(reach)))
        mvp = projection.astype(np.float64) @ v
        w = self.centres[blocks] @ mvp[3, :3] + mvp[3, 3]
        near = w - float(np.linalg.norm(mvp[3, :3])) * big[blocks]
        first = np.argsort(near, kind="stable")
        return blocks[first], near[first]

    def pick(self, projection, view, size, at, radius: float, allowed=None) -> int:
        """The front-most row within ``radius`` px of ``at``, or -1 (``allowed``: a row mask).

        Blocks are looked at nearest first; once a point is found, blocks that lie wholly
        behind it are skipped."""
        current = self._current()
        if current is not self:
            try:
                return current.pick(projection, view, size, at, radius, allowed)
            finally:
                self._start()  # after the answer: the sort does not hold this pick up
        blocks, near = self.candidates(projection, view, size, at, radius)
        return _front_most(self, blocks, near, projection, view, size, at, radius, allowed)

    def block_points(self, index: np.ndarray) -> np.ndarray:
        """The points at ``index`` (places in block order)."""
        assert self.points is not None
        return self.points[index]


def _front_most(index, blocks, near, projection, view, size, at, radius, allowed) -> int:
    """The front-most row within ``radius`` of ``at`` among ``blocks`` (nearest first, ``near``:
    the smallest clip w each can hold) of ``index`` (a VoxelIndex or MovedIndex)."""
    matrix = projection.astype(np.float64) @ view.astype(np.float64)
    best_w, best_row, best_d2 = np.inf, -1, np.inf
    done, chunk = 0, 16
    while done < len(blocks) and near[done] <= best_w:
        part = blocks[done : done + chunk]
        part = part[near[done : done + chunk] <= best_w]
        done, chunk = done + chunk, chunk * 2
        places = (part[:, None] * BLOCK + np.arange(BLOCK)).ravel()
        if allowed is not None:
            places = places[allowed[index.rows[places]]]
        if not places.size:
            continue
        xy, w = to_screen(index.block_points(places), matrix, *size)
        d2 = (xy[:, 0] - at[0]) ** 2 + (xy[:, 1] - at[1]) ** 2
        hit = np.flatnonzero((d2 <= radius**2) & (w > 0))
        if not hit.size:
            continue
        i = hit[np.argmin(w[hit] + d2[hit] * 1e-9)]
        if w[i] + d2[i] * 1e-9 < best_w + best_d2 * 1e-9:
            best_w, best_row, best_d2 = float(w[i]), int(index.rows[places[i]]), float(d2[i])
    return best_row


class MovedIndex:
    """A built index's blocks for the same rows at new positions (``coords``): each block's
    sphere grown by ``grow``, the farthest any row moved, so it still holds its rows; the
    points of the blocks a pick looks at are read from ``coords``. Picks are exact; they look
    at more blocks the farther the rows moved."""

    def __init__(self, base: VoxelIndex, coords: np.ndarray, grow: float) -> None:
        self.base, self.coords, self.grow = base, coords, grow
        self.rows = base.rows

    @classmethod
    def of(cls, base: VoxelIndex, coords: np.ndarray) -> MovedIndex | None:
        """None where it cannot stand in: other rows, or rows that turned finite or not."""
        if base.coords.shape != coords.shape or base.finite != len(coords):
            return None
        far = 0.0
        for start in range(0, len(coords), MOVED_CHUNK):  # a chunk at a time: no 12 MB copies
            step = coords[start : start + MOVED_CHUNK] - base.coords[start : start + MOVED_CHUNK]
            moved = np.einsum("ij,ij->i", step, step)
            if not np.isfinite(moved).all():
                return None
            far = max(far, float(moved.max(initial=0.0)))
        # float32 rounding of the new positions against the old (a few ulps of the layout)
        extent = float(np.abs(coords).max(initial=0.0)) if len(coords) else 0.0
        return cls(base, coords, float(np.sqrt(far)) * (1 + 1e-4) + 1e-6 * (1 + extent))

    def pick(self, projection, view, size, at, radius: float, allowed=None) -> int:
        blocks, near = self.base._candidates(projection, view, size, at, radius, self.grow)
        return _front_most(self, blocks, near, projection, view, size, at, radius, allowed)

    def block_points(self, index: np.ndarray) -> np.ndarray:
        return self.coords[self.rows[index]]
