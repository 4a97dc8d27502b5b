"""Topic names on the 3-D map, painted over the OpenGL frame as the landmark words are.

What is drawn comes from the shown set's topic columns (:mod:`embviz.core.corpus`) and the
positions the 3-D view draws: each topic's anchor is the member nearest the members' mean in
space (:func:`embviz.core.topics.anchors.map_topics` with ``dims=3``), kept until the positions
or the columns change (above ``SYNC_ROWS`` rows computed in a worker, nothing drawn meanwhile:
1M rows take about 4 s). Each time the camera moves the anchors (and a few other members of each
topic, places to try when the centre is taken) are projected with the view's own matrices and
the names placed in pixels by :func:`embviz.core.topics.placement.place_names`, so that none
overlaps another, an axis title or a label of the selection or a search hit. Names whose anchor
is behind the camera or out of view are not drawn.

The coarse level shows; once the camera is at most ``FINE_BELOW`` of the distance the map framed
the layout from (about 2x zoom), the fine level. While topic names are shown the landmark words
give way (``Scatter3DView.landmarks_on``); labels of the selection, search hits and the hover
label stay. A layout still forming shows no names (they would jump about). There are no density
contours in 3-D: a contour of a 3-D density seen through a camera has no line to draw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from shiboken6 import isValid

from embviz.core.corpus import CLUSTER_COLUMN
from embviz.core.tasks import Progress, Task
from embviz.core.topics.anchors import MapTopic, map_topics
from embviz.core.topics.placement import place_names

log = logging.getLogger(__name__)
SYNC_ROWS = 50_000  # up to this many rows the anchors are found at once (< 0.2 s), as in 2-D
FINE_BELOW = 0.5  # the fine level once the camera is this close, a share of the fitted distance
FONT_SIZES = (12, 10)  # coarse, fine (points), as on the 2-D map
TEXT_MARGIN = 3  # px of fill around a name
NAME_FILL_ALPHA = 225  # nearly opaque: the points behind a name do not show through


@dataclass(frozen=True)
class PlacedTopic:
    topic: MapTopic
    rect: QRectF  # widget pixels, fill included
    level: int


def name_font(level: int) -> QFont:
    font = QFont()
    font.setPointSize(FONT_SIZES[min(level, len(FONT_SIZES) - 1)])
    font.setBold(level == 0)
    return font


def landmarks_on(view) -> bool:
    """A 3-D view draws landmark words: the person wants them and no topic names label the map
    (they give way to the names, as on the 2-D map)."""
    names = getattr(view, "topic_names", None)
    return bool(view.show_landmarks) and not (names is not None and names.active)


class TopicNames3D:
    """The topic names of one Scatter3DView (its ``topic_names``)."""

    def __init__(self, view) -> None:
        self.view = view
        self.eset: Any = None  # the set whose topic columns are drawn (None: no names)
        self.forming = False
        self.names_shown: Callable[[], bool] = lambda: True  # the Topics panel's "names" box
        self.runner: Any = None  # a TaskRunner: a big set's anchors are found in a worker
        self.channel = "topic-names-3d"
        self._asked: tuple | None = None  # the (coords, metadata version) a worker works on
        self.placed: list[PlacedTopic] = []  # the names drawn over the last frame
        self.level_shown: int | None = None
        self._levels: tuple[tuple[MapTopic, ...], ...] = ()
        self._levels_key: tuple | None = None  # (coords, metadata version) they came from
        self._anchors: list[np.ndarray] = []  # per level: K x 3
        self._spots: list[list[np.ndarray]] = []  # per level and topic: other members (M x 3)
        self._placed_key: tuple | None = None
        self._sizes: dict[tuple[int, str], tuple[float, float]] = {}

    # what to draw ---------------------------------------------------------------------------
    def show(self, eset, forming: bool = False) -> None:
        """Draw the topics of ``eset`` (its rows are the view's; None: nothing) on the view's
        positions; ``forming``: the layout is still forming (no names until it settles)."""
        self.eset, self.forming = eset, bool(forming)
        self._placed_key = None
        self.view.update()

    def levels(self) -> tuple[tuple[MapTopic, ...], ...]:
        """The topics of each level, anchored on the positions drawn now (computed once per
        positions and columns)."""
        eset, coords = self.eset, self.view.coords
        if eset is None or CLUSTER_COLUMN not in eset.metadata or len(eset) != len(coords):
            key: tuple | None = None
        else:
            key = (coords, eset.metadata_version)
        kept = self._levels_key
        same = key is not None and kept is not None and key[0] is kept[0] and key[1] == kept[1]
        if not same:
            self._levels_key = key
            levels: tuple = ()
            if key is not None and (self.runner is None or len(coords) <= SYNC_ROWS):
                levels = map_topics(coords, dict(eset.metadata), dims=3)
            elif key is not None:
                self._ask(key, dict(eset.metadata))
            self._use(levels)
        return self._levels

    def _ask(self, key: tuple, metadata: dict) -> None:
        """Find a big set's anchors in a worker; the answer is drawn if still wanted."""
        self._asked = key

        def arrived(levels) -> None:
            if not isValid(self.view):  # the map was closed meanwhile
                return
            if self._asked is key and self._levels_key is key:
                self._use(levels)
                self.view.update()

        self.runner.run(
            self.channel,
            "Placing topic names (3-D)",
            lambda: anchors_task(key[0], metadata),
            on_result=arrived,
            on_error=lambda exc: log.warning("3-D topic names not drawn: %s", exc),
        )

    def _use(self, levels: tuple) -> None:
        self._levels = levels
        self._anchors = [
            np.array([[t.x, t.y, t.z] for t in level], dtype=np.float64).reshape(-1, 3)
            for level in levels
        ]
        self._spots = [
            [np.asarray(t.spots, dtype=np.float64).reshape(-1, 3) for t in level]
            for level in levels
        ]
        self._placed_key = None

    @property
    def active(self) -> bool:
        """Topic names label the map now (then the landmark words give way)."""
        return (
            self.eset is not None
            and not self.forming
            and CLUSTER_COLUMN in self.eset.metadata
            and self.names_shown()
            and bool(self.levels())
        )

    def level_for_camera(self) -> int:
        """0 (coarse) unless the camera came close to the layout and there is a finer level."""
        fitted = self.view.fitted
        if len(self._levels) < 2 or fitted is None:
            return 0
        fit_distance = fitted[0][3]
        return 1 if self.view.opts["distance"] <= FINE_BELOW * fit_distance else 0

    # placing ----------------------------------------------------------------------------------
    def _size(self, level: int, name: str) -> tuple[float, float]:
        """A name's box in pixels (fill included), measured once per level and name."""
        key = (level, name)
        size = self._sizes.get(key)
        if size is None:
            metrics = QFontMetricsF(name_font(level))
            size = self._sizes[key] = (
                metrics.horizontalAdvance(name) + 2 * TEXT_MARGIN,
                metrics.height() + 2 * TEXT_MARGIN,
            )
        return size

    def place(self, taken: list[QRectF]) -> list[PlacedTopic]:
        """Place the names of this camera's level around the ``taken`` boxes (the text already
        over the frame); the names placed (also kept in ``placed``)."""
        if not self.active:
            self.placed, self.level_shown, self._placed_key = [], None, None
            return self.placed
        level = self.level_for_camera()
        key = (self.view.camera_key(), level, tuple((r.x(), r.y(), r.width()) for r in taken))
        if key == self._placed_key:
            return self.placed
        self._placed_key, self.level_shown = key, level
        topics = self._levels[level]
        view = self.view
        anchors, depth = view.project(self._anchors[level])
        width, height = float(view.width()), float(view.height())
        top = float(view.top_band)
        seen = np.flatnonzero(
            (depth > 0)
            & (anchors[:, 0] >= 0)
            & (anchors[:, 0] <= width)
            & (anchors[:, 1] >= top)
            & (anchors[:, 1] <= height)
        )  # only names whose anchor is in front of the camera and in view
        # every seen topic's other places in one projection (a frame of a moving camera)
        others = [self._spots[level][i] for i in seen]
        xy, d = view.project(np.vstack([np.empty((0, 3)), *others]))
        ends = np.cumsum([len(o) for o in others])[:-1]
        # a member behind the camera is no place for a name
        spots = [p[w > 0] for p, w in zip(np.split(xy, ends), np.split(d, ends), strict=True)]
        spots = spots if others else []
        found = place_names(
            anchors[seen],
            np.array([self._size(level, topics[i].name) for i in seen]).reshape(-1, 2),
            [topics[i].size for i in seen],
            (0.0, top, width, height),
            taken=[(r.left(), r.top(), r.right(), r.bottom()) for r in taken],
            spots=spots,
        )
        self.placed = [
            PlacedTopic(
                topics[int(seen[name.index])],
                QRectF(name.box[0], name.box[1], name.width, name.height),
                level,
            )
            for name in found
        ]
        return self.placed

    def paint(self, painter: QPainter, taken: list[QRectF]) -> None:
        """Place and draw the names over the frame: a nearly opaque box in the background
        colour, then the name in the theme's text colour."""
        theme = self.view.theme
        for name in self.place(taken):
            painter.setFont(name_font(name.level))
            fill = QColor(*theme.background)
            fill.setAlpha(NAME_FILL_ALPHA)
            painter.fillRect(name.rect, fill)
            painter.setPen(QColor(*theme.text))
            painter.drawText(name.rect, Qt.AlignmentFlag.AlignCenter, name.topic.name)

    def drawn_names(self) -> list[str]:
        """The names drawn over the last frame, biggest topic first (for tests)."""
        return [name.topic.name for name in self.placed]


def anchors_task(coords: np.ndarray, metadata: dict) -> Task[tuple]:
    yield Progress(None, "Placing topic names (3-D)")
    return map_topics(coords, metadata, dims=3)
