"""One target word in the polysemy lab: map, similarity heatmap, measures chart, static view.

It only draws what the core computed (``PolysemyResult``) and the coordinates the lab hands it.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from embviz.core.colors import QUALITATIVE, colormap, hex_to_rgb
from embviz.core.polysemy import PolysemyMap, PolysemyResult
from embviz.gui.polysemy.occurrence_map import OccurrenceMap, make_plot

SHORT_TITLES = {
    "self_similarity": "self-sim",
    "intra_sentence_similarity": "intra-sentence",
    "mev": "MEV",
    "baseline": "baseline",
}
CHART_LINES = (  # measure, colour, dashed
    ("self_similarity", "#0072B2", False),
    ("intra_sentence_similarity", "#009E73", False),
    ("mev", "#D55E00", False),
    ("baseline", "#777777", True),
)


HIT_PEN = "#d1005d"  # the ring around occurrences whose sentence matches the lab's search


class WordColumn(QWidget):
    def __init__(
        self, word: str, parent: QWidget | None = None, *, n_layers: int = 6, layer: int = 6
    ) -> None:
        super().__init__(parent)
        self.word = word
        self.result: PolysemyResult | None = None
        self.layer: int | None = None
        self.hits = np.empty(0, dtype=np.int64)  # occurrences matching the lab's search
        self.hits_note = ""
        self._coords2d: np.ndarray | None = None  # the 2-D map drawn, for the hit rings
        self.title = QLabel(f"<b>{html.escape(word)}</b>")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.occurrence_map = OccurrenceMap(lambda i: self._tip(data=i))
        self.map, self.scatter = self.occurrence_map.map, self.occurrence_map.scatter
        self.legend = self.occurrence_map.legend
        self.heatmap = make_plot("cosine similarity, ordered by sense", 140)
        self.heatmap.setAspectLocked(True)
        self.heatmap.hideAxis("left")
        self.heatmap.hideAxis("bottom")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(colormap())
        self.heatmap.addItem(self.image)
        self.heatmap.getPlotItem().invertY(True)
        self.boundaries: list[pg.InfiniteLine] = []
        self.chart = make_plot("measures across layers", 150)
        self.chart.setLabel("bottom", "layer", color="#333")
        self.chart.setLabel("left", "cosine", color="#333")
        for axis in ("bottom", "left"):  # layers and cosines: no "(x0.001)" SI scaling
            self.chart.getAxis(axis).enableAutoSIPrefix(False)
        # sane axes before any result: every layer, cosine 0..1
        self.chart.setXRange(0, max(1, n_layers), padding=0.02)
        self.chart.setYRange(0, 1, padding=0.02)
        self.chart_legend = self.chart.addLegend(
            offset=(2, -2), labelTextColor="#222", brush=(255, 255, 255, 200), colCount=2
        )
        self.chart_lines = {}
        for name, colour, dashed in CHART_LINES:
            style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            pen = pg.mkPen(colour, width=2, style=style)
            self.chart_lines[name] = self.chart.plot([], [], pen=pen, symbol="o", symbolSize=5,
                                                     symbolBrush=colour, name=SHORT_TITLES[name])  # fmt: skip
        self.layer_line = pg.InfiniteLine(layer, angle=90, pen=pg.mkPen("#CC79A7", width=2))
        self.chart.addItem(self.layer_line, ignoreBounds=True)
        self.hit_rings = pg.ScatterPlotItem(
            size=21, brush=None, pen=pg.mkPen(HIT_PEN, width=2.5), hoverable=False
        )
        self.hit_rings.setZValue(5)
        self.map.addItem(self.hit_rings)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.occurrence_map, 3)
        layout.addWidget(self.heatmap, 2)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.summary)
        self.setMinimumWidth(300)

    # drawing ------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.result = None
        self.occurrence_map.clear()
        self.hits, self._coords2d = np.empty(0, dtype=np.int64), None
        self.hit_rings.clear()
        self.summary.setText(f"<span style='color:#a00'>{html.escape(text)}</span>")

    def set_result(self, result: PolysemyResult) -> None:
        self.result = result
        measures = result.measures
        for name, line in self.chart_lines.items():
            line.setData(result.layers, [getattr(lm, name) for lm in measures])
        self.chart.setXRange(min(result.layers), max(result.layers), padding=0.02)
        self.chart.setYRange(-0.35, 1, padding=0.02)
        self.hits = np.empty(0, dtype=np.int64)
        self._coords2d = None
        self._show_title()

    def _show_title(self) -> None:
        if self.result is None:
            return
        text = (
            f"<b>{html.escape(self.result.word)}</b> · {len(self.result.occurrences)} occurrences"
        )
        if self.hits_note:
            text += f" · <span style='color:{HIT_PEN}'>{html.escape(self.hits_note)}</span>"
        self.title.setText(text)

    def set_hits(self, rows: np.ndarray, note: str = "") -> None:
        """Ring the occurrences ``rows`` on the map (the lab's search); ``note`` joins the title."""
        self.hits = np.asarray(rows, dtype=np.int64)
        self.hits_note = note
        self._draw_hits()
        self._show_title()

    def _draw_hits(self) -> None:
        coords = self._coords2d
        if coords is None or not self.hits.size:
            self.hit_rings.clear()
        else:
            self.hit_rings.setData(pos=coords[self.hits, :2])
        view3d = self.occurrence_map.view3d
        if view3d is not None and self.result is not None:
            if len(view3d.coords) == len(self.result.occurrences):  # the 3-D map of this result
                view3d.set_hits(self.hits)

    def move_to(self, coords: np.ndarray, marker_position: np.ndarray | None) -> None:
        """A frame of the points moving between two aligned layers (rings follow them)."""
        self.occurrence_map.move_points(coords, marker_position)
        self._coords2d = np.asarray(coords, dtype=float)
        self._draw_hits()

    def drawn_coords(self) -> np.ndarray | None:
        """The 2-D coordinates drawn now (None: no 2-D map yet)."""
        return self._coords2d

    def show_layer(
        self, layer: int, shown: PolysemyMap | None, extent: np.ndarray | None = None
    ) -> None:
        """Draw ``layer``; its map ``shown`` may come later (None keeps the old map).
        ``extent``: the points to fit (see ``OccurrenceMap.draw``)."""
        if self.result is None or layer not in self.result.layers:
            return
        self.layer = layer
        self.layer_line.setValue(layer)
        groups = self.result.groups(layer)
        names = list(dict.fromkeys(groups))
        colours = {g: hex_to_rgb(QUALITATIVE[i % len(QUALITATIVE)]) for i, g in enumerate(names)}
        if shown is not None:
            self.occurrence_map.draw(layer, shown, groups, colours, extent)
            if shown.dims == 2:
                self._coords2d = np.asarray(shown.coords, dtype=float)
            self._draw_hits()
        matrix, _, ordered = self.result.similarity(layer)
        self.image.setImage(matrix, levels=(max(0.0, float(matrix.min())), 1.0))
        self._draw_boundaries(ordered)
        self.heatmap.autoRange()
        self.summary.setText(self._summary(layer))

    def _draw_boundaries(self, ordered: list[str]) -> None:
        """White lines between the groups of the ordered heatmap."""
        for line in self.boundaries:
            self.heatmap.removeItem(line)
        self.boundaries = []
        cuts = [i for i in range(1, len(ordered)) if ordered[i] != ordered[i - 1]]
        for cut in cuts:
            for angle in (0, 90):
                line = pg.InfiniteLine(cut, angle=angle, pen=pg.mkPen("w", width=1.5))
                self.heatmap.addItem(line)
                self.boundaries.append(line)

    def _summary(self, layer: int) -> str:
        result = self.result
        if result is None:
            return ""
        lm = result.layer_measures(layer)
        rows = [
            f"layer {layer}: self-sim {lm.self_similarity:.3f}, intra {lm.intra_sentence_similarity:.3f}, "
            f"MEV {lm.mev:.3f}, baseline {lm.baseline:.3f}"
        ]
        if lm.within_sense is not None:
            agreement = (
                f", clusters match senses (ARI) {lm.agreement:.2f}"
                if lm.agreement is not None
                else ""
            )
            rows.append(
                f"within sense {lm.within_sense:.3f}, across {lm.across_sense:.3f}{agreement}"
            )
        else:
            rows.append(f"{lm.k} clusters (silhouette {lm.silhouette:.2f})")
        static = result.static.get(layer)
        if static is not None:
            for name, neighbours in static.neighbours.items():
                words = ", ".join(html.escape(w) for w, _ in neighbours[:5])
                cos = static.word_similarity.get(name)
                near = (
                    f" (static '{html.escape(result.word)}' cos {cos:.2f})"
                    if cos is not None
                    else ""
                )
                rows.append(f"<i>{html.escape(name)}</i> ≈ {words}{near}")
            if static.note:
                rows.append(html.escape(static.note))
        if result.without_word:
            rows.append(
                f"<span style='color:#a00'>{len(result.without_word)} sentence(s) without the word</span>"
            )
        return "<br>".join(rows)

    def _tip(self, x=None, y=None, data=None) -> str:
        if self.result is None or data is None:
            return ""
        occurrence = self.result.occurrences[int(data)]
        text = occurrence.marked("<b><u>", "</u></b>", html.escape)
        sense = f"<br><i>{html.escape(occurrence.sense)}</i>" if occurrence.sense else ""
        pieces = " ".join(occurrence.pieces)
        return f"<p>{text}{sense}<br><small>pieces: {html.escape(pieces)}</small></p>"
