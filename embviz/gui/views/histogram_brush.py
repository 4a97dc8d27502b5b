"""A small histogram of one column that a person brushes to filter: drag across the bars of a
number or date column to keep a range (a click clears it), click the bars of a category column
to keep those categories (click again to drop one).

Every row's count is drawn in grey; the rows passing all filters (the cross-filter) in colour over
it, so brushing one column shows at once how the others' distributions change. The widget only
says what was brushed (:attr:`brushChanged`); the panel turns that into the view's filter.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from embviz.core.column_filters import CATEGORY, DATE, Histogram

ALL_BRUSH = (190, 190, 190)
PASSING_BRUSH = (0, 114, 178)  # Okabe-Ito blue
CHOSEN_PEN = (213, 94, 0)  # vermillion outline around chosen categories
HEIGHT = 96


class _BrushBox(pg.ViewBox):
    """A view box that neither pans nor zooms: a drag brushes, a click picks."""

    def __init__(self, owner: HistogramBrush) -> None:
        super().__init__(enableMenu=False)
        self.owner = owner
        self.setMouseEnabled(False, False)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (pyqtgraph naming)
        if ev.button() != Qt.MouseButton.LeftButton or self.owner.hist is None:
            ev.ignore()
            return
        ev.accept()
        if self.owner.hist.kind == CATEGORY:
            return
        x0 = self.mapSceneToView(ev.buttonDownScenePos()).x()
        x1 = self.mapSceneToView(ev.scenePos()).x()
        self.owner.show_range(min(x0, x1), max(x0, x1))
        if ev.isFinish():
            self.owner.brush_range(min(x0, x1), max(x0, x1))

    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        if ev.button() != Qt.MouseButton.LeftButton or self.owner.hist is None:
            ev.ignore()
            return
        ev.accept()
        if self.owner.hist.kind == CATEGORY:
            self.owner.toggle_bar(int(round(self.mapSceneToView(ev.scenePos()).x())))
        else:
            self.owner.clear()

    def wheelEvent(self, ev, axis=None) -> None:  # noqa: N802
        ev.ignore()


class HistogramBrush(QWidget):
    # None (no brush) | ("range", low, high) | ("categories", [names])
    brushChanged = Signal(object)

    def __init__(self, column: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self.hist: Histogram | None = None
        self.brush: tuple | None = None
        self.chosen: list[str] = []
        self.title = QLabel(column)
        self.title.setToolTip(column)
        self.box = _BrushBox(self)
        self.plot = pg.PlotWidget(viewBox=self.box)
        self.plot.setFixedHeight(HEIGHT)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.plot.hideAxis("left")
        self.plot.setMenuEnabled(False)
        self.plot.setBackground(self.palette().color(self.backgroundRole()))
        self.all_bars = pg.BarGraphItem(x=[], height=[], width=1, brush=pg.mkBrush(*ALL_BRUSH))
        self.passing_bars = pg.BarGraphItem(x=[], height=[], width=1, brush=PASSING_BRUSH)
        self.region = pg.LinearRegionItem(movable=False, brush=(213, 94, 0, 50))
        self.region.hide()
        for item in (self.all_bars, self.passing_bars, self.region):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)

    # what is drawn ------------------------------------------------------------------------
    def set_histogram(self, hist: Histogram) -> None:
        self.hist = hist
        self.brush, self.chosen = None, []
        self.region.hide()
        if hist.kind == DATE and not isinstance(self.plot.getAxis("bottom"), pg.DateAxisItem):
            self.plot.setAxisItems({"bottom": pg.DateAxisItem()})
        if hist.kind == CATEGORY:
            names = hist.categories or []
            axis = self.plot.getAxis("bottom")
            axis.setTicks([[(i, _short(n)) for i, n in enumerate(names)]])
        self._bars(self.all_bars, hist.counts)
        self._bars(self.passing_bars, hist.counts)
        self._title()
        self.box.enableAutoRange()
        self.box.autoRange(padding=0.02)

    def set_passing_counts(self, counts: np.ndarray) -> None:
        """The counts of the rows that pass every filter, drawn over all rows' counts."""
        self._bars(self.passing_bars, counts)

    def _bars(self, item: pg.BarGraphItem, counts: np.ndarray) -> None:
        hist = self.hist
        if hist is None:
            return
        counts = np.asarray(counts, dtype=float)
        if hist.kind == CATEGORY:
            x = np.arange(len(counts), dtype=float)
            pens = [
                pg.mkPen(*CHOSEN_PEN, width=2) if n in self.chosen else pg.mkPen(None)
                for n in hist.categories or []
            ]
            item.setOpts(
                x=x, height=counts, width=0.8, pens=pens if item is self.all_bars else None
            )
        else:
            edges = np.asarray(hist.edges, dtype=float)
            item.setOpts(x0=edges[:-1], x1=edges[1:], height=counts, x=None, width=None)

    def _title(self) -> None:
        text = self.column
        if self.brush is not None and self.brush[0] == "categories":
            text += f"  — {', '.join(self.brush[1])}"
        elif self.brush is not None:
            text += f"  — {self.format_value(self.brush[1])} to {self.format_value(self.brush[2])}"
        self.title.setText(text)

    def format_value(self, value: float) -> str:
        if self.hist is not None and self.hist.kind == DATE:
            return str(np.datetime64(int(value), "s").astype("datetime64[D]"))
        return f"{value:.4g}"

    # brushing -----------------------------------------------------------------------------
    def show_range(self, low: float, high: float) -> None:
        self.region.setRegion((low, high))
        self.region.show()

    def brush_range(self, low: float, high: float) -> None:
        """Keep the rows whose value lies in [low, high] (data units; dates in seconds)."""
        self.show_range(low, high)
        self.brush = ("range", float(low), float(high))
        self._title()
        self.brushChanged.emit(self.brush)

    def toggle_bar(self, index: int) -> None:
        names = self.hist.categories if self.hist is not None else None
        if not names or not 0 <= index < len(names):
            return
        name = names[index]
        self.choose(
            [c for c in self.chosen if c != name] if name in self.chosen else [*self.chosen, name]
        )

    def choose(self, names: list[str]) -> None:
        """Keep the rows of these categories (an empty list: no filter)."""
        self.chosen = list(names)
        self.brush = ("categories", list(names)) if names else None
        if self.hist is not None:
            self._bars(self.all_bars, self.hist.counts)
        self._title()
        self.brushChanged.emit(self.brush)

    def clear(self) -> None:
        if self.brush is None:
            return
        self.region.hide()
        self.chosen = []
        if self.hist is not None:
            self._bars(self.all_bars, self.hist.counts)
        self.brush = None
        self._title()
        self.brushChanged.emit(None)

    def bar_centre(self, index: int) -> float:
        """x (data units) of a bar's centre: for tests and keyboard use."""
        if self.hist is None:
            raise ValueError("no histogram")
        if self.hist.kind == CATEGORY:
            return float(index)
        edges = np.asarray(self.hist.edges, dtype=float)
        return float((edges[index] + edges[index + 1]) / 2)


def _short(name: str, limit: int = 12) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
