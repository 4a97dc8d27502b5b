"""Where topic names go on the map: at their clusters' centres, nudged a little, never overlapping.

Qt-free: it works in screen pixels given each name's anchor (the cluster centre mapped through the
view) and text size. Greedy by priority (cluster size): the biggest cluster's name is placed
first, at its centre; each next name tries its centre, then small nudges up, down, left and right
(at most 1.2 of its height or half its width), then the same at other places on its cluster
(members farther from the centre); a name that still collides, or would leave the visible area, is not
drawn at this zoom. Zooming in spreads the centres apart, so more names fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# nudges tried after the centre, in (dx, dy) fractions of the name's width and height
NUDGES = (
    (0.0, -0.6),
    (0.0, 0.6),
    (0.35, 0.0),
    (-0.35, 0.0),
    (0.0, -1.2),
    (0.0, 1.2),
    (0.35, -0.6),
    (-0.35, -0.6),
    (0.35, 0.6),
    (-0.35, 0.6),
    (0.5, 0.0),  # the name beside its point, just touching it
    (-0.5, 0.0),
)


@dataclass(frozen=True)
class PlacedName:
    index: int  # into the anchors given
    x: float  # centre of the name's box, in pixels
    y: float
    width: float
    height: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )


def boxes_overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], gap: float = 0.0
) -> bool:
    """Two (x0, y0, x1, y1) boxes overlap, or come closer than ``gap`` pixels."""
    return not (
        a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]
    )


def place_names(
    anchors: np.ndarray,
    sizes: np.ndarray,
    priority: Sequence[float],
    viewport: tuple[float, float, float, float],
    *,
    gap: float = 2.0,
    max_nudge: int = len(NUDGES),
    taken: Sequence[tuple[float, float, float, float]] = (),
    spots: Sequence[np.ndarray] | None = None,
) -> list[PlacedName]:
    """Names to draw and where: ``anchors`` (N x 2 pixels), ``sizes`` (N x 2: width, height in
    pixels), higher ``priority`` first; ``viewport`` (x0, y0, x1, y1) in pixels; ``taken``: boxes
    already occupied (a legend over the map). ``spots``: per name, other places on its cluster
    (K x 2 pixels), tried in order when the centre and its nudges are all taken. Returns the
    placed names, by priority."""
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    order = np.argsort(-np.asarray(priority, dtype=np.float64), kind="stable")
    vx0, vy0, vx1, vy1 = viewport
    occupied = list(taken)
    placed: list[PlacedName] = []
    for index in order.tolist():
        (ax, ay), (width, height) = anchors[index], sizes[index]
        if not np.isfinite([ax, ay]).all() or not (vx0 <= ax <= vx1 and vy0 <= ay <= vy1):
            continue  # its cluster's centre is out of view
        places = [(float(ax), float(ay))]
        if spots is not None:
            places += [(float(x), float(y)) for x, y in np.asarray(spots[index]).reshape(-1, 2)]
        moves = ((0.0, 0.0), *NUDGES[:max_nudge])
        tries = [(px + dx * width, py + dy * height) for px, py in places for dx, dy in moves]
        for x, y in tries:
            name = PlacedName(index, x, y, width, height)
            box = name.box
            inside = box[0] >= vx0 and box[1] >= vy0 and box[2] <= vx1 and box[3] <= vy1
            if inside and not any(boxes_overlap(box, other, gap) for other in occupied):
                occupied.append(box)
                placed.append(name)
                break
    return placed
