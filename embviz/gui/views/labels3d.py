"""Text on the 3-D map: axis titles, labels of the selection and search hits, then landmarks.

The 3-D view projects its points to widget pixels with its own camera (``screen_positions``);
this module decides which rows get a label and where, in those pixels, with the same rules as
the 2-D map (core.landmarks: labels of interest first, four places each; landmarks above their
point; no two overlap), and paints them with a QPainter over the OpenGL frame.

Landmarks are chosen once and kept while only the positions change (a training epoch, a forming
layout): the rows a person reads stay the same words, each drawn at its row's new place. They are
chosen again when the rows shown change (another set, isolation), when the person moves the
camera, or when a label setting changes (``LandmarkChoice.key``). Placed afresh for each layout,
a kept landmark may yield to an overlap; those shown last time come first and may move to any
side of their point (new ones sit above it), so the words on the screen change only where the
points crowd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from embviz.core.landmarks import pick_landmarks, place_labels
from embviz.gui.views.themes import Theme
from embviz.gui.views.topics3d import landmarks_on

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


@dataclass
class LandmarkChoice:
    """The landmark rows a 3-D view chose, kept across new layouts of the same rows."""

    key: tuple  # what the choice depends on besides the positions (``choice_key``)
    rows: np.ndarray  # candidates, lowest row (of its screen cell) first
    shown: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # placed last time

    def in_priority_order(self) -> np.ndarray:
        """The candidates, those placed last time first (each group by row)."""
        was = np.isin(self.rows, self.shown)
        return np.concatenate([self.rows[was], self.rows[~was]])


def choice_key(view) -> tuple:
    """What a 3-D view's landmark choice depends on, besides where the points are: the rows
    shown (``rows_version`` changes with the set's rows; isolation shows the selection), the
    camera (the person's; an epoch that frames the layout anew carries the choice over:
    ``carry_choice``) and the label settings."""
    shown = view.shown_rows()
    return (
        view.rows_version,
        None if shown is None else np.asarray(shown).tobytes(),
        view.camera_key(),
        landmarks_on(view), view.font_size, view.point_size, LANDMARK_POOL,
    )  # fmt: skip


def choice_holds(view) -> bool:
    """The view shows landmarks and its choice still holds (only positions changed since)."""
    choice = view.landmark_choice
    return choice is not None and landmarks_on(view) and choice.key == choice_key(view)


def carry_choice(view, camera_before: tuple) -> None:
    """The camera moved for a new layout (framed again), not by the person: the landmarks
    chosen under the old camera stay chosen."""
    choice = view.landmark_choice
    if choice is not None and choice.key[2] == camera_before:
        choice.key = (*choice.key[:2], view.camera_key(), *choice.key[3:])


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
    landmarks: np.ndarray | None = None,
    steady: Sequence[int] | np.ndarray = (),
) -> list[Placed]:
    """Axis ``titles`` (text, end x, end y), labels for ``focus`` rows (in priority order), then
    landmarks: placed in that order so that none overlaps another.

    ``xy``/``depth``: widget pixels and clip depth of ``rows`` (the rows drawn). Points behind
    the camera or outside the widget get no label. ``landmarks``: the landmark rows, in
    priority order (None: the lowest row of each screen cell, ``choose_landmarks``); those
    among ``steady`` rows (shown last time) may sit on any side of their point, the others
    only above it.
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
        sorter = np.argsort(rows, kind="stable")  # an isolated selection need not be sorted
        focus_pos = _positions(rows, sorter, focus, inside)[:MAX_FOCUS]
        if landmarks is None:
            landmarks = choose_landmarks(xy, depth, rows, labels, size)
        landmark_pos = _positions(rows, sorter, landmarks, inside)
        landmark_pos = landmark_pos[~np.isin(landmark_pos, focus_pos)][: MAX_LANDMARKS * 4]
    # titles stay where they are; labels of interest try four places around their point; then
    # the landmarks shown last time (four places: a word a person reads stays while it fits
    # beside its point), then the others, above their point. Each group is placed around what
    # the groups before it kept.
    was = np.isin(rows[landmark_pos], np.asarray(steady, dtype=np.int64))
    groups = [
        ([(-1, t, "axis") for t, _, _ in titles], t_xy, 0),
        ([(int(rows[p]), labels[int(rows[p])], "focus") for p in focus_pos], xy[focus_pos], 4),
    ]
    for chosen, places in ((landmark_pos[was], 4), (landmark_pos[~was], 1)):
        texts = [(int(rows[p]), labels[int(rows[p])], "landmark") for p in chosen]
        groups.append((texts, xy[chosen], places))
    entries: list[tuple[int, str, str]] = []
    centres, widths = np.empty((0, 2)), np.empty(0)
    for texts, points, places in groups:
        if not texts:
            continue
        w = np.array([width_of(text) for _, text, _ in texts])
        before = len(entries)
        fixed = before + (len(texts) if places == 0 else 0)
        all_w = np.concatenate([widths, w])
        kept, centres = place_labels(
            np.vstack([centres, np.asarray(points).reshape(-1, 2)]), all_w, row_h, fixed=fixed,
            places=max(places, 1),
        )  # fmt: skip
        widths = all_w[kept]
        entries += [texts[int(k) - before] for k in kept[before:]]
    placed: list[Placed] = []
    count = 0
    for (row, text, kind), (cx, cy), box_w in zip(entries, centres, widths, strict=True):
        if kind == "landmark":
            if count >= MAX_LANDMARKS:
                break  # landmarks come last
            count += 1
        box = QRectF(float(cx - box_w / 2), float(cy - box_h / 2), float(box_w), box_h)
        placed.append(Placed(row, text, box, kind))
    return placed


def _positions(rows: np.ndarray, sorter: np.ndarray, wanted, inside: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` rows is in ``rows`` (``sorter`` sorts them), in the order of
    ``wanted``; rows not there or not ``inside`` are left out."""
    wanted = np.asarray(wanted, dtype=np.int64)
    if not wanted.size or not rows.size:
        return np.empty(0, dtype=np.int64)
    at = sorter[np.minimum(np.searchsorted(rows, wanted, sorter=sorter), len(rows) - 1)]
    return at[(rows[at] == wanted) & inside[at]]


def choose_landmarks(
    xy: np.ndarray, depth: np.ndarray, rows: np.ndarray, labels: Sequence[str], size
) -> np.ndarray:
    """Landmark rows: one per cell of the screen, its lowest row (in frequency-sorted files the
    most common word), as on the 2-D map; lowest first. ``xy``/``depth`` as in plan_labels."""
    width, height = size
    inside = (depth > 0) & (xy[:, 0] >= 0) & (xy[:, 0] <= width)
    inside &= (xy[:, 1] >= 0) & (xy[:, 1] <= height)
    pos = np.flatnonzero(inside)
    if not len(pos):
        return np.empty(0, dtype=np.int64)
    cells = (
        max(1, int(width) // LANDMARK_CELL_PX[0]),
        max(1, int(height) // LANDMARK_CELL_PX[1]),
    )
    picked = pick_landmarks(
        xy[pos], (0.0, 0.0, float(width), float(height)), cells, limit=1000,
        labels=labels, rows=rows[pos],
    )  # fmt: skip
    return np.sort(rows[pos[picked]]).astype(np.int64)


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
    interest = np.unique(focus)
    if subset is not None:
        interest = interest[np.isin(interest, subset)]
    wanted = landmarks_on(view) and not focus_only
    key = choice_key(view) if wanted else ()
    # None: chosen for other rows, another camera or other settings (or none yet)
    choice = view.landmark_choice if wanted and choice_holds(view) else None
    if not wanted or choice is not None:
        # only the rows to label are projected: the kept landmarks cost no pass over the set
        rows = interest if choice is None else np.union1d(interest, choice.rows)
        xy, depth = view.project(view.coords[rows])
    elif len(view.coords) > LANDMARK_POOL:
        # a cell's lowest row is among the first LANDMARK_POOL shown rows unless the cell
        # has none of them (as on the 2-D map): a million points cost no projection
        pool = np.arange(LANDMARK_POOL) if subset is None else np.sort(subset)
        pool = pool[:LANDMARK_POOL]
        rows = np.concatenate([pool, interest[~np.isin(interest, pool, kind="table")]])
        xy, depth = view.project(view.coords[rows])
    else:
        rows, xy, depth = view.screen_positions()
    size = (view.width(), view.height())
    landmarks = np.empty(0, dtype=np.int64)
    if wanted:
        if choice is None:
            choice = LandmarkChoice(key, choose_landmarks(xy, depth, rows, view.labels, size))
            view.landmark_choice = choice
        landmarks = choice.in_priority_order()
    placed = plan_labels(
        xy, depth, rows, view.labels, focus, size,
        view.font_size, (view.point_size + 4) / 2, titles, landmarks,
        choice.shown if choice is not None else (),
    )  # fmt: skip
    if choice is not None:
        choice.shown = np.array([p.row for p in placed if p.kind == "landmark"], dtype=np.int64)
    return placed


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
