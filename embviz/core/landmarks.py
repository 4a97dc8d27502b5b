"""Which points get a text label, and where labels go so that none overlap.

When the map is seen whole the visible area is cut into cells about the size of a label; each cell
that holds points shows the one with the lowest row number (in frequency-sorted files: the most
common word). Labels of the selection, search hits and panels' overlays come first and try a few
positions around their point; landmarks fill the space that is left. Words on the list in
resources/landmarks/unfit-words.txt (swearing, slurs, sexual terms) are never landmarks: the cell
shows its next word instead. They are still found by search and shown when selected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np

from embviz.core.paths import resource

UNFIT_WORDS_FILE = "landmarks/unfit-words.txt"
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits: "Burger_King" is two words

# where a label may sit relative to its point, in label heights / widths: above, below, right, left
PLACES = ((0.0, -0.75, 0.0), (0.0, 0.75, 0.0), (0.5, 0.0, 0.3), (-0.5, 0.0, -0.3))


@cache
def unfit_words() -> frozenset[str]:
    """The words never used as landmarks (lowercase), read once from the resources."""
    lines = resource(UNFIT_WORDS_FILE).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().casefold() for w in lines if w.strip() and not w.startswith("#"))


def unfit_for_landmark(label: str) -> bool:
    """True when any word of ``label`` is on the unfit list (case ignored)."""
    words = unfit_words()
    folded = label.casefold()
    return folded in words or any(w in words for w in _WORD.findall(folded))


def pick_landmarks(
    coords: np.ndarray,
    view: tuple[float, float, float, float],
    cells: tuple[int, int],
    limit: int = 200,
    *,
    labels: Sequence[str] | None = None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Rows to label: at most one per cell of a ``cells`` grid over ``view`` (x0, y0, x1, y1).

    Each cell shows its lowest row. With ``labels`` (``labels[rows[i]]`` names ``coords[i]``;
    ``rows`` defaults to ``i``), a cell whose lowest row is unfit as a landmark
    (:func:`unfit_for_landmark`) shows its next row instead. Returns indices into ``coords``.
    """
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
    cell = np.minimum(cy, ny - 1) * nx + np.minimum(cx, nx - 1)
    picked = _lowest_per_cell(inside, cell, nx * ny)
    if labels is not None:
        # only the winners are checked; a cell that loses its winner is asked again
        for _ in range(len(inside)):
            names = (labels[int(r)] for r in (picked if rows is None else rows[picked]))
            unfit = np.fromiter(map(unfit_for_landmark, names), dtype=bool, count=len(picked))
            if not unfit.any():
                break
            keep = ~np.isin(inside, picked[unfit])
            inside, cell = inside[keep], cell[keep]
            picked = _lowest_per_cell(inside, cell, nx * ny)
    return np.sort(picked)[:limit]


def _lowest_per_cell(inside: np.ndarray, cell: np.ndarray, n_cells: int) -> np.ndarray:
    """The lowest of ``inside`` in each cell: written in descending order, the last write wins."""
    best = np.full(n_cells, -1, dtype=np.int64)
    best[cell[::-1]] = inside[::-1]
    return best[best >= 0]


def place_without_overlap(
    xy: np.ndarray,
    widths: np.ndarray,
    height: float,
    fixed: int = 0,
    gap: float = 2.0,
    places: int = 1,
) -> np.ndarray:
    """Greedy label placement in screen pixels: which labels can be drawn without overlapping.

    ``xy`` holds the points (K x 2) in priority order, ``widths`` the labels' widths. The first
    ``fixed`` labels are always kept, centred on their ``xy``; each other label tries the first
    ``places`` of PLACES and is kept at the first where its box touches no box already kept.
    Returns the indices kept, in input order; :func:`place_labels` also says where.
    """
    return place_labels(xy, widths, height, fixed, gap, places)[0]


def place_labels(
    xy: np.ndarray,
    widths: np.ndarray,
    height: float,
    fixed: int = 0,
    gap: float = 2.0,
    places: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`place_without_overlap`; also returns each kept label's centre (K x 2)."""
    kept: list[int] = []
    centres: list[tuple[float, float]] = []
    boxes: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = max(float(np.max(widths)) if len(widths) else 1.0, height) + gap

    def cells_of(x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        for cx in range(int(x0 // cell), int(x1 // cell) + 1):
            for cy in range(int(y0 // cell), int(y1 // cell) + 1):
                yield cx, cy

    def clashes(box: tuple[float, float, float, float]) -> bool:
        return any(
            box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
            for c in cells_of(*box)
            for o in boxes.get(c, ())
        )

    for i in range(len(xy)):
        half_w, half_h = widths[i] / 2 + gap, height / 2 + gap
        for fx, fy, _ in PLACES[: max(1, places)] if i >= fixed else ((0.0, 0.0, 0.0),):
            cx = xy[i, 0] + fx * (widths[i] + height)
            cy = xy[i, 1] + fy * height
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            if i < fixed or not clashes(box):
                kept.append(i)
                centres.append((cx, cy))
                for c in cells_of(*box):
                    boxes.setdefault(c, []).append(box)
                break
    return np.asarray(kept, dtype=np.int64), np.asarray(centres, dtype=np.float64).reshape(-1, 2)
