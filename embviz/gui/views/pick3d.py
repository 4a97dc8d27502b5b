"""Which 3-D point is under the cursor, without projecting every point on each mouse move.

``VoxelIndex`` sorts the points once along a Z-order (Morton) curve and cuts that order into
blocks of ``BLOCK`` points, each a compact box in space (dense regions get small boxes, sparse
ones big boxes); big sets do this in a background thread. A pick projects only the blocks'
centres with the camera's matrix, keeps the blocks whose bounding sphere can reach within the
pick radius of the cursor (a conservative bound on how far a sphere's points can land from its
projected centre), and projects the points of those blocks alone: a few thousand instead of a
million. The answer is the same as projecting every point: the front-most (smallest clip w)
point within the radius, ties broken towards the cursor.
"""

from __future__ import annotations

import threading

import numpy as np

BLOCK = 64  # points per block
GRID_BITS = 10  # Morton code: 10 bits an axis


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
            later()
        return super().wait(timeout)


class VoxelIndex:
    """The finite points of ``coords`` (N x 3) in Morton order, in blocks, for picking."""

    def __init__(self, coords: np.ndarray, background: bool = False, lazy: bool = False) -> None:
        """``background``: a big set is sorted in a thread; ``lazy``: a small one only on its
        first pick (a training epoch's layout is often replaced before anyone hovers it)."""
        self.coords = np.ascontiguousarray(coords, dtype=np.float32)
        self._built = _Built(self._build if lazy else None)
        if background and len(self.coords) > 50_000:
            self._built.later = None
            threading.Thread(target=self._build, daemon=True).start()
        elif not lazy:
            self._build()

    def _build(self) -> None:
        try:
            finite = np.flatnonzero(np.isfinite(self.coords).all(axis=1))
            pts = self.coords[finite]
            if not len(pts):
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
            self.points = pts[order]
            blocks = self.points.reshape(-1, BLOCK, 3)
            bmin, bmax = blocks.min(axis=1), blocks.max(axis=1)
            self.centres = ((bmin + bmax) / 2).astype(np.float32)
            half = np.linalg.norm((bmax - bmin).astype(np.float64), axis=1) / 2
            self.radii = half * (1 + 1e-4) + 1e-6 * (1 + float(np.abs(hi - lo).max()))
        finally:
            self._built.set()

    def candidates(self, projection: np.ndarray, view: np.ndarray, size, at, radius: float):
        """Blocks whose points may project within ``radius`` px of ``at`` (viewport pixels),
        nearest first, and the smallest clip w any of their points can have.

        A block is kept when its bounding sphere meets the cone from the eye through the
        cursor whose half-angle covers ``radius`` px around it (with a margin)."""
        self._built.wait()
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
        big = self.radii
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
        blocks, near = self.candidates(projection, view, size, at, radius)
        matrix = projection.astype(np.float64) @ view.astype(np.float64)
        best_w, best_row, best_d2 = np.inf, -1, np.inf
        done, chunk = 0, 16
        while done < len(blocks) and near[done] <= best_w:
            part = blocks[done : done + chunk]
            part = part[near[done : done + chunk] <= best_w]
            done, chunk = done + chunk, chunk * 2
            index = (part[:, None] * BLOCK + np.arange(BLOCK)).ravel()
            if allowed is not None:
                index = index[allowed[self.rows[index]]]
            if not index.size:
                continue
            xy, w = to_screen(self.points[index], matrix, *size)
            d2 = (xy[:, 0] - at[0]) ** 2 + (xy[:, 1] - at[1]) ** 2
            hit = np.flatnonzero((d2 <= radius**2) & (w > 0))
            if not hit.size:
                continue
            i = hit[np.argmin(w[hit] + d2[hit] * 1e-9)]
            if w[i] + d2[i] * 1e-9 < best_w + best_d2 * 1e-9:
                best_w, best_row, best_d2 = float(w[i]), int(self.rows[index[i]]), float(d2[i])
        return best_row
