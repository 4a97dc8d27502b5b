"""The map's points as an image at screen resolution, rendered with numpy.

Drawing a million sprites costs pyqtgraph about half a second a frame; the screen has about a
million pixels, so the map renders what the screen can show instead: each visible point is
splatted as a small anti-aliased disc into a pixel buffer, overlapping points add up their
coverage (dense regions grow darker, as a density map does), and the colour codes go through one
premultiplied lookup table. Points are kept sorted by the cell of a coarse grid, so a zoomed-in
view touches only the points of the cells it covers. Level of detail: when many points are in
view the discs shrink towards one pixel so a frame stays within a fixed budget of pixel writes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

GRID_KEY = ("map-grid",)  # a set's GridIndex of its shown layout, made by a reader's worker
GRID = 128  # GRID * GRID cells must fit in 16 bits (the sort by cell is a radix sort)
TAP_BUDGET = 400_000  # pixel writes per frame for discs (about 25 ms here)
ALPHA_LEVELS = 64


class GridIndex:
    """Points of one layer, sorted by the cell of a GRID x GRID grid over their bounds."""

    def __init__(self, coords: np.ndarray, rows: np.ndarray | None = None) -> None:
        self.source = coords  # what it was built from (see built_on)
        self.all_rows: bool = rows is None
        coords = np.asarray(coords, dtype=np.float32)[:, :2]
        # x and y as contiguous columns: reductions and gathers over an N x 2 array's strided
        # columns cost several times more at ten million points
        if rows is None:
            xs, ys = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
        else:
            rows = np.asarray(rows, dtype=np.int64)
            xs, ys = coords[rows, 0], coords[rows, 1]
        finite = np.isfinite(xs) & np.isfinite(ys)  # rows left out of a projection are NaN
        if not finite.all():
            rows = np.flatnonzero(finite) if rows is None else rows[finite]
            xs, ys = xs[finite], ys[finite]
        self.size = len(xs)
        if rows is None:
            self.max_row = self.size - 1
        else:
            self.max_row = int(rows.max()) if len(rows) else -1
        if self.size == 0:
            self.lo = np.zeros(2)
            self.span = np.ones(2)
            self.rows = np.empty(0, dtype=np.int64)
            self.x = self.y = np.empty(0, dtype=np.float32)
            self.starts = np.zeros(GRID * GRID + 1, dtype=np.int64)
            return
        self.lo = np.array([xs.min(), ys.min()], dtype=np.float64)
        self.span = np.maximum(np.array([xs.max(), ys.max()]) - self.lo, 1e-12)
        cell = np.zeros(self.size, dtype=np.uint16)  # GRID * GRID cells fit in 16 bits
        for values, axis, weight in ((xs, 0, 1), (ys, 1, GRID)):
            scaled = (values - np.float32(self.lo[axis])) * np.float32(GRID / self.span[axis])
            cell += np.clip(scaled, 0, GRID - 1).astype(np.uint16) * np.uint16(weight)
        order = np.argsort(cell, kind="stable")  # a radix sort for 16-bit keys: O(n)
        self.rows = order if rows is None else rows[order]
        self.x, self.y = xs[order], ys[order]
        self.starts = np.searchsorted(cell[order], np.arange(GRID * GRID + 1))

    def built_on(self, coords: np.ndarray, rows: np.ndarray | None = None) -> bool:
        """Whether this index is of every row of ``coords`` (the same memory, not a copy): a grid
        made in a worker (a big atlas's reader) then serves the map without being made again."""
        source = self.source
        return (
            rows is None
            and self.all_rows
            and isinstance(source, np.ndarray)
            and source.shape[0] == coords.shape[0]
            and source.__array_interface__["data"][0] == coords.__array_interface__["data"][0]
            and source.strides[0] == coords.strides[0]
        )

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.lo[0], self.lo[1], self.lo[0] + self.span[0], self.lo[1] + self.span[1])

    def candidates(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | slice:
        """Positions (in sorted order) of the points in the grid cells the rectangle touches."""
        c = [
            int(np.floor((x0 - self.lo[0]) / self.span[0] * GRID)),
            int(np.floor((y0 - self.lo[1]) / self.span[1] * GRID)),
            int(np.floor((x1 - self.lo[0]) / self.span[0] * GRID)),
            int(np.floor((y1 - self.lo[1]) / self.span[1] * GRID)),
        ]
        cx0, cy0 = max(c[0], 0), max(c[1], 0)
        cx1, cy1 = min(c[2], GRID - 1), min(c[3], GRID - 1)
        if cx0 > cx1 or cy0 > cy1 or self.size == 0:
            return np.empty(0, dtype=np.int64)
        if cx0 == 0 and cy0 == 0 and cx1 == GRID - 1 and cy1 == GRID - 1:
            return slice(None)
        if cx0 == 0 and cx1 == GRID - 1:  # whole rows of cells: one contiguous run
            return slice(self.starts[cy0 * GRID], self.starts[(cy1 + 1) * GRID])
        cy = np.arange(cy0, cy1 + 1)
        begin, end = self.starts[cy * GRID + cx0], self.starts[cy * GRID + cx1 + 1]
        lengths = end - begin
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        # concatenated ranges without a Python loop
        offsets = np.repeat(begin - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return offsets + np.arange(total)

    def nearest(self, x: float, y: float, max_distance: float) -> int | None:
        """Row of the point nearest (x, y) within ``max_distance``, else None: looks only at the
        cells around the point (picking while a big set's k-d tree is still being built)."""
        r = float(max_distance)
        pos = self.candidates(x - r, y - r, x + r, y + r)
        dx = self.x[pos].astype(np.float64) - x
        dy = self.y[pos].astype(np.float64) - y
        if dx.size == 0:
            return None
        d2 = dx * dx + dy * dy
        i = int(np.argmin(d2))
        return int(self.rows[pos][i]) if d2[i] <= r * r else None

    def visible_rows(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Rows of the points inside the rectangle."""
        pos = self.candidates(x0, y0, x1, y1)
        x, y = self.x[pos], self.y[pos]
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        return self.rows[pos][inside]


@lru_cache(maxsize=64)
def disc_taps(diameter: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixel offsets and coverage (0..1, by 4x4 supersampling) of a disc of ``diameter`` px."""
    if diameter <= 1.0:
        return np.zeros(1, np.int64), np.zeros(1, np.int64), np.ones(1, np.float64)
    r = diameter / 2.0
    reach = int(np.ceil(r))
    off = np.arange(-reach, reach + 1)
    sub = (np.arange(4) + 0.5) / 4 - 0.5
    dx, dy = np.meshgrid(off, off, indexing="xy")
    sx = dx[..., None, None] + sub[None, None, :, None]
    sy = dy[..., None, None] + sub[None, None, None, :]
    cover = ((sx**2 + sy**2) <= r * r).mean(axis=(2, 3))
    keep = cover > 0.05
    return dx[keep].astype(np.int64), dy[keep].astype(np.int64), cover[keep]


def level_of_detail(diameter: float, visible: int, budget: int = TAP_BUDGET) -> float:
    """The largest disc, at most ``diameter``, whose pixel writes for ``visible`` points fit."""
    d = float(diameter)
    while d > 1.0 and visible * len(disc_taps(d)[0]) > budget:
        d = max(1.0, d - 1.0)
    return d


def premultiplied_table(table: np.ndarray) -> np.ndarray:
    """K x ALPHA_LEVELS lookup of premultiplied ARGB32 values for each colour and coverage."""
    rgb = np.asarray(table, dtype=np.float64)[:, :3]
    a = np.linspace(0.0, 1.0, ALPHA_LEVELS)[None, :]
    r, g, b = (np.round(rgb[:, c : c + 1] * a).astype(np.uint32) for c in range(3))
    a8 = np.round(np.broadcast_to(a, r.shape) * 255).astype(np.uint32)
    return (a8 << 24) | (r << 16) | (g << 8) | b


def render(
    grid: GridIndex,
    codes: np.ndarray,
    lut: np.ndarray,
    view: tuple[float, float, float, float],
    size: tuple[int, int],
    diameter: float = 4.0,
    opacity: float = 0.7,
    budget: int = TAP_BUDGET,
    max_points: int | None = None,
) -> np.ndarray:
    """Image (height x width uint32, premultiplied ARGB32) of ``grid``'s points in ``view``.

    ``codes`` are the colour codes of the layer's points in grid (sorted) order; ``lut`` is
    :func:`premultiplied_table` of the colours. ``view`` is (x0, y0, x1, y1) in data units, with
    y0 at the bottom of the image. Each pixel's alpha is 1 - (1 - opacity) ** coverage.
    ``max_points`` (used while the view moves): draw an even subsample of at most that many
    points (every k-th in grid order, so it is spread over the map) with coverage weighted by k.
    """
    width, height = int(size[0]), int(size[1])
    out = np.zeros(width * height, dtype=np.uint32)
    x0, y0, x1, y1 = view
    if width <= 0 or height <= 0 or grid.size == 0 or x1 <= x0 or y1 <= y0:
        return out.reshape(max(height, 0), max(width, 0))
    pad_x, pad_y = (x1 - x0) / width * diameter, (y1 - y0) / height * diameter
    pos = grid.candidates(x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)
    xs, ys, point_codes = grid.x[pos], grid.y[pos], codes[pos]
    stride = 1
    if max_points and len(xs) > max_points:
        stride = -(-len(xs) // max_points)
        xs, ys, point_codes = xs[::stride], ys[::stride], point_codes[::stride]
    d = level_of_detail(diameter, len(xs), budget)
    dx, dy, cover = disc_taps(d)
    px = np.floor((xs - np.float32(x0)) * np.float32(width / (x1 - x0))).astype(np.int32)
    py = np.floor((np.float32(y1) - ys) * np.float32(height / (y1 - y0))).astype(np.int32)
    code_buf = np.zeros(width * height, dtype=np.uint8)
    if len(dx) == 1:
        inside = (px.view(np.uint32) < width) & (py.view(np.uint32) < height)
        if inside.all():
            flat = py.astype(np.intp) * width + px
        else:
            flat = py[inside].astype(np.intp) * width + px[inside]
            point_codes = point_codes[inside]
        code_buf[flat] = point_codes
        count = np.bincount(flat, minlength=width * height)
        nz = np.flatnonzero(count)
        level = _count_levels(opacity)[np.minimum(count[nz] * stride, 255)]
        out[nz] = lut[code_buf[nz].astype(np.intp), level]
        return out.reshape(height, width)
    else:
        by_cover = np.argsort(cover, kind="stable")  # most covered taps written last
        dx, dy, cover = dx[by_cover], dy[by_cover], cover[by_cover]
        qx = (px[None, :] + dx[:, None].astype(np.int32)).ravel()
        qy = (py[None, :] + dy[:, None].astype(np.int32)).ravel()
        weights = np.repeat(cover, len(px))
        inside = (qx.view(np.uint32) < width) & (qy.view(np.uint32) < height)
        flat = qy[inside].astype(np.intp) * width + qx[inside]
        code_buf[flat] = np.tile(point_codes, len(dx))[inside]
        coverage = np.bincount(flat, weights[inside], minlength=width * height)
    nz = np.flatnonzero(coverage)
    return _finish(out, nz, coverage[nz] * stride, code_buf, lut, opacity, width, height)


@lru_cache(maxsize=32)
def _count_levels(opacity: float) -> np.ndarray:
    counts = np.arange(256, dtype=np.float64)
    return _levels(counts, opacity)


def _levels(coverage: np.ndarray, opacity: float) -> np.ndarray:
    alpha = -np.expm1(coverage * np.log1p(-min(opacity, 0.999)))
    levels: np.ndarray = np.minimum(alpha * (ALPHA_LEVELS - 1) + 0.5, ALPHA_LEVELS - 1)
    return levels.astype(np.intp)


def _finish(
    out: np.ndarray,
    nz: np.ndarray,
    coverage: np.ndarray,
    code_buf: np.ndarray,
    lut: np.ndarray,
    opacity: float,
    width: int,
    height: int,
) -> np.ndarray:
    level = _levels(coverage, opacity)
    out[nz] = lut[code_buf[nz].astype(np.intp), level]
    image: np.ndarray = out.reshape(height, width)
    return image
