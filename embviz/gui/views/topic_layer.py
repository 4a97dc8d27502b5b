"""Topic names and density contours on the 2-D map.

What is drawn comes from the shown set's topic columns (:mod:`embviz.core.corpus`) and the shown
projection: anchors (:func:`embviz.core.topics.anchors.map_topics`) and the density grid are kept
in the set's derived cache together with the coordinates array they came from, so a renamed topic
(new metadata), a new projection or another set is redrawn, and nothing of an older one can show.
A layout still forming shows no names (they would jump about).

Zoomed out, the coarse level's names show; once at most half the layout's width or height is in
view (about 2x zoom), the fine level's. Names are placed in pixels by
:func:`embviz.core.topics.placement.place_names` (never overlapping) each time the view moves.
While topic names are shown, the map's landmark words (point labels) give way to them; labels of
the selection, search hits and the hover label stay.
"""

from __future__ import annotations

import logging

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from shiboken6 import isValid

from embviz.core.corpus import CLUSTER_COLUMN
from embviz.core.tasks import Progress, Task
from embviz.core.topics.anchors import MapTopic, map_topics
from embviz.core.topics.density import DensityGrid, density_grid
from embviz.core.topics.placement import PlacedName, place_names

log = logging.getLogger(__name__)
SYNC_ROWS = 50_000  # up to this many points, anchors and density are computed at once (< 0.2 s)
FINE_BELOW = 0.5  # show the fine level once the view holds at most this share of the layout
TEXT_MARGIN = 3
Z_CONTOURS = -1  # under the points
Z_NAMES = 40  # over the points and landmark words, under the selection's labels (50)
FONT_SIZES = (12, 10)  # coarse, fine (points)
SHOWS = 0  # QGraphicsItem data key: (level, name, colour) an item shows now
NAME_FILL_ALPHA = 225  # nearly opaque: a point's label under a topic name does not show through


class TopicLayer:
    def __init__(self, view, runner=None, channel: str = "topic-layer") -> None:
        self.view = view
        self.runner = runner  # a TaskRunner: large sets are laid out in a worker
        self.channel = channel
        self._asked: tuple | None = None  # (set, coords, version) a worker computes for
        self.plot: pg.PlotItem = view.plotItem
        self.items: list[pg.TextItem] = []
        self.contours: list[pg.PlotCurveItem] = []
        self.levels: tuple[tuple[MapTopic, ...], ...] = ()
        self.grid: DensityGrid | None = None
        self.extent: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1 of the data
        self.show_names = self.show_density = True
        self.level_shown: int | None = None
        self.placed: list[tuple[MapTopic, PlacedName]] = []
        self.text_colour = QColor(20, 20, 20)
        self.fill = (255, 255, 255)
        self._anchors: list[np.ndarray] = []  # per level: N x 2 centres, in data units
        self._spots: list[list[np.ndarray]] = []  # per level and topic: other places (K x 2)
        self._sizes: dict[tuple[int, str], tuple[float, float]] = {}
        self._ruler = pg.TextItem("", anchor=(0.5, 0.5))  # measures names; never drawn
        self._ruler.textItem.document().setDocumentMargin(TEXT_MARGIN)
        self.plot.vb.sigRangeChanged.connect(self._on_range)

    # what to draw -----------------------------------------------------------------------------
    def show(self, eset, projection) -> None:
        """Draw the topics of ``eset`` on ``projection`` (nothing when it has no topic columns).

        Anchors and density are computed at once for small sets; above :data:`SYNC_ROWS` rows in
        a worker, meanwhile nothing is drawn (never an older set's or layout's names)."""
        self._asked = None
        if (
            eset is None
            or projection is None
            or projection.partial
            or CLUSTER_COLUMN not in eset.metadata
            or len(projection.coords) != len(eset)
        ):
            self._apply(None)
            return
        coords = projection.coords
        key = ("topic-map", *projection.key())
        kept = eset.peek_derived(key)
        if kept is not None and kept[0] is coords:  # (not another layout under the same key)
            self._apply(kept)
            return
        version, metadata = eset.version, dict(eset.metadata)
        if self.runner is None or len(coords) <= SYNC_ROWS:
            kept = topic_map(coords, metadata)
            eset.store_derived(key, kept, version=version, uses_metadata=True)
            self._apply(kept)
            return
        self._apply(None)
        asked = self._asked = (eset, coords, version)

        def arrived(result) -> None:
            if not isValid(self.view):  # the map was closed meanwhile
                return
            if self._asked is asked and eset.version == version:
                eset.store_derived(key, result, version=version, uses_metadata=True)
                self._apply(result)

        self.runner.run(
            self.channel,
            "Placing topic names",
            lambda: topic_map_task(coords, metadata),
            on_result=arrived,
            on_error=lambda exc: log.warning("topic names not drawn: %s", exc),
        )

    def _apply(self, kept) -> None:
        """Draw what :func:`topic_map` found (None: nothing)."""
        if kept is None:
            self.levels, self.grid, self.extent = (), None, None
        else:
            _, self.levels, self.grid, self.extent = kept
        self._anchors = [
            np.array([[t.x, t.y] for t in level], dtype=np.float64).reshape(-1, 2)
            for level in self.levels
        ]
        self._spots = [
            [np.asarray(t.spots, dtype=np.float64).reshape(-1, 2) for t in level]
            for level in self.levels
        ]
        self._draw_contours()
        self.place()

    def set_shown(self, names: bool, density: bool) -> None:
        self.show_names, self.show_density = bool(names), bool(density)
        self._draw_contours()
        self.place()

    def set_colours(self, text: tuple[int, int, int], fill: tuple[int, int, int]) -> None:
        self.text_colour, self.fill = QColor(*text), fill
        for item in self.items:
            item.fill = pg.mkBrush(*fill, NAME_FILL_ALPHA)
        self._draw_contours()
        self.place()

    # levels by zoom ---------------------------------------------------------------------------
    def level_for_view(self) -> int | None:
        """The level whose names suit the present zoom (None: no topics)."""
        if not self.levels:
            return None
        if len(self.levels) == 1 or self.extent is None:
            return 0
        (vx0, vx1), (vy0, vy1) = self.plot.vb.viewRange()
        x0, x1, y0, y1 = self.extent
        shares = []
        if x1 > x0:
            shares.append((vx1 - vx0) / (x1 - x0))
        if y1 > y0:
            shares.append((vy1 - vy0) / (y1 - y0))
        return 1 if shares and min(shares) <= FINE_BELOW else 0

    # names ------------------------------------------------------------------------------------
    def _on_range(self, *_args) -> None:
        self.place()

    def _item(self, i: int) -> pg.TextItem:
        while len(self.items) <= i:
            item = pg.TextItem("", anchor=(0.5, 0.5), fill=pg.mkBrush(*self.fill, NAME_FILL_ALPHA))
            item.textItem.document().setDocumentMargin(TEXT_MARGIN)
            item.setZValue(Z_NAMES)
            self.plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
        return self.items[i]

    def _font(self, level: int) -> QFont:
        font = QFont()
        font.setPointSize(FONT_SIZES[min(level, len(FONT_SIZES) - 1)])
        font.setBold(level == 0)
        return font

    def _size(self, level: int, name: str) -> tuple[float, float]:
        """A name's box in pixels as an item draws it, measured once per level and name."""
        key = (level, name)
        size = self._sizes.get(key)
        if size is None:
            self._ruler.setFont(self._font(level))
            self._ruler.setText(name)
            rect = self._ruler.textItem.boundingRect()
            size = self._sizes[key] = (rect.width(), rect.height())
        return size

    def place(self) -> None:
        """Choose the level for this zoom and place its names so that none overlap."""
        vb = self.plot.vb
        level = self.level_for_view() if self.show_names else None
        self.level_shown, self.placed = level, []
        self._landmarks(level is None)
        if vb is None or level is None:
            for item in self.items:
                item.hide()
            return
        topics = self.levels[level]
        (x0, x1), (y0, y1) = vb.viewRange()
        width, height = max(vb.width(), 1.0), max(vb.height(), 1.0)

        def to_pixels(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(
                [(xy[:, 0] - x0) / (x1 - x0) * width, (y1 - xy[:, 1]) / (y1 - y0) * height]
            )

        anchors = to_pixels(self._anchors[level])
        inside = (anchors[:, 0] >= 0) & (anchors[:, 0] <= width)
        inside &= (anchors[:, 1] >= 0) & (anchors[:, 1] <= height)
        seen = np.flatnonzero(inside)  # only names whose centre is in view are considered
        placed = place_names(
            anchors[seen],
            np.array([self._size(level, topics[i].name) for i in seen]).reshape(-1, 2),
            [topics[i].size for i in seen],
            (0, 0, width, height),
            taken=self._covered(),
            spots=[to_pixels(self._spots[level][i]) for i in seen],
        )
        font = self._font(level)
        for j, name in enumerate(placed):
            topic = topics[int(seen[name.index])]
            item = self._item(j)
            shows = (level, topic.name, self.text_colour.rgba())
            if item.data(SHOWS) != shows:  # text and font change only when another name moves in
                item.setFont(font)
                item.setText(topic.name, color=self.text_colour)
                item.setData(SHOWS, shows)
            item.setPos(x0 + name.x / width * (x1 - x0), y1 - name.y / height * (y1 - y0))
            item.show()
            self.placed.append((topic, name))
        for item in self.items[len(placed) :]:
            if item.isVisible():
                item.hide()

    def _covered(self) -> list[tuple[float, float, float, float]]:
        """Boxes (view box pixels) that widgets over the map hide: the colour legend."""
        legend = getattr(self.view, "legend", None)
        if legend is None or not legend.isVisible():
            return []
        rect = self.view.mapToScene(legend.geometry()).boundingRect()
        box = self.plot.vb.mapFromScene(rect).boundingRect()
        return [(box.left(), box.top(), box.right(), box.bottom())]

    def _landmarks(self, on: bool) -> None:
        """Point labels (landmarks) give way while topic names label the map."""
        labels = getattr(self.view, "label_layer", None)
        if labels is not None and labels.landmarks_on != on:
            labels.landmarks_on = on
            self.view._update_labels()

    def drawn_names(self) -> list[str]:
        """The names drawn now, biggest cluster first (for tests and the panel)."""
        return [topic.name for topic, _ in self.placed]

    # density ----------------------------------------------------------------------------------
    def _draw_contours(self) -> None:
        grid = self.grid if self.show_density else None
        levels = grid.levels if grid is not None else ()
        while len(self.contours) < len(levels):
            curve = pg.PlotCurveItem(connect="finite")
            curve.setZValue(Z_CONTOURS)
            self.plot.addItem(curve, ignoreBounds=True)
            self.contours.append(curve)
        for i, curve in enumerate(self.contours):
            if grid is None or i >= len(levels):
                curve.setData([], [])
                curve.hide()
                continue
            xs, ys = contour_lines(grid, levels[i])
            alpha = 60 + int(120 * (i + 1) / len(levels))  # inner (denser) lines darker
            colour = QColor(self.text_colour)
            colour.setAlpha(alpha)
            curve.setPen(pg.mkPen(colour, width=1))
            curve.setData(xs, ys)
            curve.show()


def topic_map(coords: np.ndarray, metadata: dict) -> tuple:
    """(coords, levels of MapTopic, density grid, data extent) of one layout of a set."""
    finite = coords[np.isfinite(coords[:, :2]).all(axis=1), :2]
    extent = None
    if len(finite):
        (x0, y0), (x1, y1) = finite.min(axis=0), finite.max(axis=0)
        extent = (float(x0), float(x1), float(y0), float(y1))
    return coords, map_topics(coords, metadata), density_grid(coords), extent


def topic_map_task(coords: np.ndarray, metadata: dict) -> Task[tuple]:
    yield Progress(None, "Placing topic names")
    return topic_map(coords, metadata)


def contour_lines(grid: DensityGrid, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The iso-density lines of ``grid`` at ``level``, in data units, NaN between lines."""
    x0, _x1, y0, _y1 = grid.extent
    cell_x, cell_y = grid.cell
    xs: list[float] = []
    ys: list[float] = []
    # isocurve's coordinates are array indices (first axis, second axis): pass x first
    for line in pg.functions.isocurve(grid.values.T, level, connected=True):
        points = np.asarray(line, dtype=np.float64)
        xs.extend((x0 + (points[:, 0] + 0.5) * cell_x).tolist() + [np.nan])
        ys.extend((y0 + (points[:, 1] + 0.5) * cell_y).tolist() + [np.nan])
    return np.asarray(xs), np.asarray(ys)
