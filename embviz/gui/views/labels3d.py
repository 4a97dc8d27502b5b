"""Text on the 3-D map: axis titles, labels of the selection and search hits, then landmarks.

The 3-D view projects its points to widget pixels with its own camera (``screen_positions``);
this module decides which rows get a label and where, in those pixels, with the same rules as
the 2-D map (core.landmarks: labels of interest first, four places each; landmarks above their
point; no two overlap), and paints them with a QPainter over the OpenGL frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from embviz.core.landmarks import pick_landmarks, place_labels
from embviz.gui.views.themes import Theme

LANDMARK_CELL_PX = (70, 20)
MAX_LANDMARKS = 120
MAX_FOCUS = 300
LANDMARK_POOL = 250_000  # landmarks (the lowest row of their cell) are looked for among these
MARGIN = 2  # px of fill around the text
DOT_GAP = 1.5  # px between a label's box and the edge of its dot


@dataclass(frozen=True)
class Placed:
    row: int  # the point's row; -1 for an axis title
    text: str
    rect: QRectF  # widget pixels, fill included
    kind: str  # "focus" | "landmark" | "axis"


def font(size: int, bold: bool) -> QFont:
    f = QFont()
    f.setPointSize(size)
    f.setBold(bold)
    return f


def plan_labels(
    xy: np.ndarray,
    depth: np.ndarray,
    rows: np.ndarray,
    labels: Sequence[str],
    focus: np.ndarray,
    size: tuple[float, float],
    font_size: int = 9,
    dot_radius: float = 4.0,
    titles: Sequence[tuple[str, float, float]] = (),
) -> list[Placed]:
    """Axis ``titles`` (text, end x, end y), labels for ``focus`` rows (in priority order), then
    landmarks: placed in that order so that none overlaps another.

    ``xy``/``depth``: widget pixels and clip depth of ``rows`` (the rows drawn). Points behind
    the camera or outside the widget get no label.
    """
    width, height = size
    metrics = QFontMetricsF(font(font_size, True))
    box_h = metrics.height() + 2 * MARGIN
    row_h = max(box_h, (dot_radius + DOT_GAP + box_h / 2) / 0.75)

    def width_of(text: str) -> float:
        return metrics.horizontalAdvance(text) + 2 * MARGIN

    titles = [t for t in titles if t[0] and np.isfinite(t[1:]).all()]
    t_w = np.array([width_of(t) for t, _, _ in titles])
    t_xy = np.array(
        [(x + 4 + w / 2, y - 2 - box_h / 2) for (_, x, y), w in zip(titles, t_w, strict=True)]
    )
    inside = (depth > 0) & (xy[:, 0] >= 0) & (xy[:, 0] <= width)
    inside &= (xy[:, 1] >= 0) & (xy[:, 1] <= height)
    pos = np.flatnonzero(inside)
    focus_pos = landmark_pos = np.empty(0, dtype=np.int64)
    if len(pos):
        focus = np.asarray(focus, dtype=np.int64)
        sorter = np.argsort(rows, kind="stable")  # an isolated selection need not be sorted
        at = sorter[np.minimum(np.searchsorted(rows, focus, sorter=sorter), len(rows) - 1)]
        focus_pos = at[(rows[at] == focus) & inside[at]][:MAX_FOCUS]
        # landmarks: one per cell of the screen, its lowest row (in frequency-sorted files the
        # most common word), as on the 2-D map
        cells = (
            max(1, int(width) // LANDMARK_CELL_PX[0]),
            max(1, int(height) // LANDMARK_CELL_PX[1]),
        )
        picked = pick_landmarks(
            xy[pos], (0.0, 0.0, float(width), float(height)), cells, limit=1000,
            labels=labels, rows=rows[pos],
        )  # fmt: skip
        landmark_pos = np.setdiff1d(pos[picked], focus_pos)[: MAX_LANDMARKS * 4]
    texts_f = [labels[int(rows[p])] for p in focus_pos]
    texts_l = [labels[int(rows[p])] for p in landmark_pos]
    w_f = np.array([width_of(t) for t in texts_f])
    w_l = np.array([width_of(t) for t in texts_l])
    # titles stay where they are; labels of interest try four places around their point
    n_t = len(titles)
    xy1 = np.vstack([t_xy.reshape(-1, 2), xy[focus_pos].reshape(-1, 2)])
    w1 = np.concatenate([t_w, w_f])
    kept1, at1 = place_labels(xy1, w1, row_h, fixed=n_t, places=4)
    # landmarks fill what is left, above their point
    xy2 = np.vstack([at1.reshape(-1, 2), xy[landmark_pos].reshape(-1, 2)])
    kept2, at2 = place_labels(xy2, np.concatenate([w1[kept1], w_l]), row_h, fixed=len(kept1))
    placed: list[Placed] = []
    landmarks = 0
    for k, (cx, cy) in zip(kept2, at2, strict=True):
        if k < len(kept1):
            j = int(kept1[k])
            if j < n_t:
                row, text, kind, w = -1, titles[j][0], "axis", t_w[j]
            else:
                i = j - n_t
                row, text, kind, w = int(rows[focus_pos[i]]), texts_f[i], "focus", w_f[i]
        else:
            if landmarks >= MAX_LANDMARKS:
                continue
            landmarks += 1
            i = int(k) - len(kept1)
            row, text, kind, w = int(rows[landmark_pos[i]]), texts_l[i], "landmark", w_l[i]
        placed.append(Placed(row, text, QRectF(cx - w / 2, cy - box_h / 2, w, box_h), kind))
    return placed


def plan_view_text(view, focus_only: bool = False) -> list[Placed]:
    """The text over a 3-D view's frame (Scatter3DView): its axis titles, the labels of the
    selection and search hits, and (unless ``focus_only`` or landmarks are off) landmarks
    among every shown point, placed with the view's camera."""
    focus = np.concatenate([view.selected_rows[:300], view.hit_rows[:200]])
    focus = focus[np.sort(np.unique(focus, return_index=True)[1])]
    titles = []
    ends = view.axis_ends() if view.show_axes else None
    if ends is not None:
        at, w = view.project(ends[1:])
        titles = [(t, x, y) for t, (x, y), d in zip(view.axis_titles, at, w, strict=True) if d > 0]
    subset = view.shown_rows()
    if focus_only or not view.show_landmarks or len(view.coords) > LANDMARK_POOL:
        rows = np.unique(focus)  # only these are projected, and the landmark pool
        if subset is not None:
            rows = rows[np.isin(rows, subset)]
        if not (focus_only or not view.show_landmarks):
            # a cell's lowest row is among the first LANDMARK_POOL shown rows unless the cell
            # has none of them (as on the 2-D map): a million points cost no projection
            pool = np.arange(LANDMARK_POOL) if subset is None else np.sort(subset)
            pool = pool[:LANDMARK_POOL]
            rows = np.concatenate([pool, rows[~np.isin(rows, pool, kind="table")]])
        xy, depth = view.project(view.coords[rows])
    else:
        rows, xy, depth = view.screen_positions()
    return plan_labels(
        xy, depth, rows, view.labels, focus, (view.width(), view.height()),
        view.font_size, (view.point_size + 4) / 2, titles,
    )  # fmt: skip


def paint_labels(
    painter: QPainter, placed: list[Placed], theme: Theme, font_size: int, dim: bool
) -> None:
    """Draw ``placed`` labels: a translucent box in the background colour, then the text."""
    colours = {
        "focus": QColor(*theme.focus_label),
        "landmark": QColor(*(theme.dim_label if dim else theme.landmark_label)),
        "axis": QColor(*theme.text),
    }
    for label in placed:
        bold = label.kind != "landmark"
        painter.setFont(font(font_size, bold))
        fill = QColor(*theme.label_fill, 200 if bold else 140)
        painter.fillRect(label.rect, fill)
        painter.setPen(colours[label.kind])
        painter.drawText(label.rect, Qt.AlignmentFlag.AlignCenter, label.text)
