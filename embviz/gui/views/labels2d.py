"""Text on the 2-D map: labels of the selection, search hits and overlays, then landmarks.

Placement is computed in screen pixels by core.landmarks (no two labels overlap; labels of
interest try four places around their point before giving up); this module only keeps a pool of
TextItems and moves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from embviz.core.landmarks import pick_landmarks, place_labels

LANDMARK_CELL_PX = (60, 18)  # candidate grid; overlap removal then thins them out
MAX_LANDMARKS = 160
MAX_FOCUS = 300
LANDMARK_POOL = 500_000  # landmarks are the lowest rows of their cell, looked for among these
TEXT_MARGIN = 2  # px of fill around a label's text (Qt's default of 4 covers too much map)
DOT_GAP = 1.5  # px between a label's box and the edge of the dot it names
ROW = 0  # QGraphicsItem data key: the row a label names (None: not shown)


class LabelLayer:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.font_size = 9
        self.focus_items: list[pg.TextItem] = []
        self.landmark_items: list[pg.TextItem] = []
        self.focus_colour = QColor(120, 30, 0)
        self.landmark_colour = QColor(70, 70, 70)
        self.dim_colour = QColor(160, 160, 160)
        self.fill = (255, 255, 255)
        self.dot_radius = 4.0  # px: the largest dot drawn (a search hit); labels keep clear of it
        self.aside = -1  # the hovered row, whose own label steps aside for the hover label
        self.landmarks_on = True  # off while topic names label the map (topic_layer)
        self._held = 0
        self._pending: tuple | None = None  # the last update asked while held
        # row -> label box width, for these labels (compared by identity: a set's labels are
        # never changed in place; a renamed set or a new layout's rows come as a new sequence)
        self._widths: dict[int, float] = {}
        self._widths_of: object = None
        self._widths_size: int | None = None
        self._placed: tuple | None = None  # what the labels were last placed for (update)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Place the labels once, after a run of changes (a new layout, then its selection,
        hits, overlays and colours each asking again), with the state they end in."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._pending is not None:
                args, self._pending = self._pending, None
                self.update(*args)

    def set_font_size(self, size: int) -> None:
        self.font_size = int(size)
        for pool, bold in ((self.focus_items, True), (self.landmark_items, False)):
            for item in pool:
                item.setFont(self._font(bold))

    def set_colours(self, focus: QColor, landmark: QColor, dim: QColor, fill) -> None:
        self.focus_colour, self.landmark_colour, self.dim_colour = focus, landmark, dim
        self.fill = fill
        for pool, alpha in ((self.focus_items, 200), (self.landmark_items, 120)):
            for item in pool:
                item.fill = pg.mkBrush(*fill, alpha)

    def _font(self, bold: bool) -> QFont:
        font = QFont()
        font.setPointSize(self.font_size)
        font.setBold(bold)
        return font

    def _item(self, pool: list[pg.TextItem], i: int, bold: bool) -> pg.TextItem:
        while len(pool) <= i:
            self._new_item(pool, bold)
        return pool[i]

    def _new_item(self, pool: list[pg.TextItem], bold: bool) -> pg.TextItem:
        item = pg.TextItem("", anchor=(0.5, 0.5), fill=pg.mkBrush(*self.fill, 200 if bold else 120))
        # pyqtgraph asks every moved item's view to recompute its bounds (Python, per setPos);
        # labels are added with ignoreBounds, so moving hundreds of them needs none of that
        item.setFlag(item.GraphicsItemFlag.ItemSendsGeometryChanges, False)
        item.textItem.document().setDocumentMargin(TEXT_MARGIN)
        item.setFont(self._font(bold))
        item.setZValue(50 if bold else 10)
        self.plot.addItem(item, ignoreBounds=True)
        item.row = None  # the row it names (also as item data ROW, read by other modules)
        item.shown_text = None  # (text, colour) it shows
        pool.append(item)
        return item

    def _width(self, labels, row: int, metrics: QFontMetricsF) -> float:
        """A label's box width; measured once per row and font (2,000 candidates are measured
        each time the labels are placed: 5-10 ms of a training epoch's redraw)."""
        if self._widths_of is not labels or self._widths_size != self.font_size:
            self._widths, self._widths_of, self._widths_size = {}, labels, self.font_size
        width = self._widths.get(row)
        if width is None:
            width = self._widths[row] = metrics.horizontalAdvance(labels[row]) + 2 * TEXT_MARGIN
        return width

    def prepare(self, landmarks: int = MAX_LANDMARKS) -> None:
        """Make the landmarks' items ahead, hidden (the window does it while its first set loads:
        making 120 of them took 50-100 ms of drawing the first map)."""
        start = len(self.landmark_items)
        self._item(self.landmark_items, landmarks - 1, False)
        for item in self.landmark_items[start:]:
            item.setData(ROW, None)
            item.hide()

    def _show(self, pool, rows, centres, labels, colour, bold: bool, to_view) -> None:
        """Show ``labels[rows]`` at ``centres``. An item that names a row already keeps it
        (a new layout moves mostly the same words: no text is set again, 1-2 ms each); the
        others take the free items."""
        rgba = colour.rgba() if colour is not None else None
        wanted = [int(r) for r in rows]
        keep: dict[int, pg.TextItem] = {}
        free: list[pg.TextItem] = []
        wanted_set = set(wanted)
        for item in pool:
            row = item.row
            if row in wanted_set and row not in keep and item.shown_text == (labels[row], rgba):
                keep[row] = item
            else:
                free.append(item)
        free.reverse()  # pop() hands out the pool's first free items first
        for i, row in enumerate(wanted):
            item = keep.get(row)
            if item is None:
                item = free.pop() if free else self._new_item(pool, bold)
                text = labels[row]
                if item.shown_text != (text, rgba):
                    item.setText(text, color=colour)
                    item.shown_text = (text, rgba)
                item.row = row
                item.setData(ROW, row)  # the row it names, kept on the item itself
            item.setPos(*to_view(centres[i]))
            visible = row != self.aside
            if item.isVisible() != visible:
                item.setVisible(visible)
        for item in free:
            if item.row is not None:
                item.row = None
                item.setData(ROW, None)
            if item.isVisible():
                item.hide()

    def _placed_for(self, coords, labels, focus, shown, look) -> bool:
        """The labels stand as ``update`` would place them for these arguments now."""
        if self._placed is None:
            return False
        p_coords, p_labels, p_focus, p_shown, p_look = self._placed
        return (
            p_coords is coords
            and p_labels is labels
            and p_look == look
            and np.array_equal(p_focus, focus)
            and (p_shown is None) == (shown is None)
            and (shown is None or np.array_equal(p_shown, shown))
        )

    def forget(self) -> None:
        """Labels were moved or hidden from outside: the next update places them again."""
        self._placed = None

    def step_aside(self, row: int) -> None:
        """Hide the label of ``row`` (the hover label names it) and show any hidden before."""
        self.aside = int(row)
        for item in self.focus_items + self.landmark_items:
            if item.row is not None and item.isVisible() != (item.row != self.aside):
                item.setVisible(item.row != self.aside)

    def update(self, coords, labels, focus: np.ndarray, dimmed: bool, shown=None) -> None:
        """Place labels for ``focus`` rows (in priority order), then landmarks among ``shown``."""
        if self._held:
            self._pending = (coords, labels, focus, dimmed, shown)
            return
        vb = self.plot.vb
        if vb is None:  # the view is being deleted
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        width, height = max(vb.width(), 1.0), max(vb.height(), 1.0)
        look = (
            (x0, x1, y0, y1, width, height, bool(dimmed), self.font_size, self.dot_radius),
            (self.landmarks_on, self.aside, self.fill),
            tuple(c.rgba() for c in (self.focus_colour, self.landmark_colour, self.dim_colour)),
        )
        if self._placed_for(coords, labels, focus, shown, look):
            return  # placed so already (a view at rest after a new layout was placed)
        self._placed = (coords, labels, np.array(focus, dtype=np.int64), shown, look)
        if not len(coords) or x1 <= x0 or y1 <= y0:
            self._show(self.focus_items, [], [], labels, None, True, None)
            self._show(self.landmark_items, [], [], labels, None, False, None)
            return
        focus = np.asarray(focus, dtype=np.int64)
        xs, ys = coords[focus, 0], coords[focus, 1]
        visible = (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
        focus = focus[visible][:MAX_FOCUS]
        cells = (
            max(1, int(width) // LANDMARK_CELL_PX[0]),
            max(1, int(height) // LANDMARK_CELL_PX[1]),
        )
        if not self.landmarks_on:  # topic names label the map: no landmark is looked for
            candidates = np.empty(0, dtype=np.int64)
        else:
            # each cell shows its lowest row: among the first LANDMARK_POOL rows (in view) it is
            # the same row unless the cell has none of them, and ten million rows cost no scan
            pool_rows = shown[:LANDMARK_POOL] if shown is not None else None
            pool = coords[:LANDMARK_POOL] if shown is None else coords[pool_rows]
            candidates = pick_landmarks(
                pool, (x0, y0, x1, y1), cells, limit=2000, labels=labels, rows=pool_rows
            )
            if pool_rows is not None:
                candidates = pool_rows[candidates]
        candidates = np.setdiff1d(candidates, focus)
        rows = np.concatenate([focus, candidates]).astype(np.int64)
        metrics = QFontMetricsF(self._font(True))
        box_height = metrics.height() + 2 * TEXT_MARGIN  # the drawn box, fill included
        # place_labels puts a label's centre 0.75 of ``row_height`` above or below its point; make
        # that far enough for the box to clear the dot, and never less than the box itself
        row_height = max(box_height, (self.dot_radius + DOT_GAP + box_height / 2) / 0.75)
        xy = np.empty((len(rows), 2))
        xy[:, 0] = (coords[rows, 0] - x0) / (x1 - x0) * width
        xy[:, 1] = (y1 - coords[rows, 1]) / (y1 - y0) * height
        widths = np.array([self._width(labels, int(r), metrics) for r in rows], dtype=np.float64)
        # labels of interest first, four places each; landmarks only above their point
        kept_f, at_f = place_labels(xy[: len(focus)], widths[: len(focus)], row_height, places=4)
        xy_all = np.vstack([at_f, xy[len(focus) :]])
        widths_all = np.concatenate([widths[kept_f], widths[len(focus) :]])
        kept, at = place_labels(xy_all, widths_all, row_height, fixed=len(kept_f))
        n_focus = len(kept_f)
        at_focus = at[:n_focus]
        is_landmark = kept >= n_focus
        landmark_idx = kept[is_landmark][:MAX_LANDMARKS] - n_focus
        landmark_rows = candidates[landmark_idx]
        landmark_at = at[is_landmark][:MAX_LANDMARKS]
        # landmarks were placed at their first place (above the point); focus at their own place

        def to_view(p):
            return x0 + p[0] / width * (x1 - x0), y1 - p[1] / height * (y1 - y0)

        self._show(
            self.focus_items, focus[kept_f], at_focus, labels, self.focus_colour, True, to_view
        )
        colour = self.dim_colour if dimmed else self.landmark_colour
        self._show(self.landmark_items, landmark_rows, landmark_at, labels, colour, False, to_view)
