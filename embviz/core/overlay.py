"""Things panels draw on the map: labelled rows, lines between rows, and arrows.

A neighbour list is the query row joined to each neighbour; an analogy is the parallelogram
a-b, a-c, b-answer, c-answer. Two spaces compared in one aligned frame add arrows that start and
end at positions (not rows): a word in space A to its counterpart in space B, which may not be a
row of the set shown. Overlays are keyed by name in the session, so each panel replaces only its
own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def no_segments() -> np.ndarray:
    return np.empty((0, 4), dtype=np.float64)


@dataclass
class Overlay:
    rows: np.ndarray  # rows to mark and label
    edges: list[tuple[int, int]] = field(default_factory=list)  # row pairs joined by a line
    colour: tuple[int, int, int] = (44, 160, 44)
    caption: str = ""  # said in the map's legend / status
    # places on the map that are no row (a search query placed among its nearest documents):
    # (x, y, text) in the shown layout's coordinates, drawn as a star in the overlay's colour
    marks: list[tuple[float, float, str]] = field(default_factory=list)
    # arrows in layout coordinates: each row (x0, y0, x1, y1) is drawn from (x0, y0) with its
    # head at (x1, y1)
    arrows: np.ndarray = field(default_factory=no_segments)
