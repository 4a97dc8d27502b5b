"""The column of histograms beside the document table: one per category, number and date column
of the shown set, each brushable; a brush becomes the view's filter named after its column
(``table:COLUMN``), and every histogram shows the counts of the rows passing all filters."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from embviz.core.column_filters import TEXT, column_kind, histogram, histogram_for, range_mask
from embviz.core.corpus import ROW_COLUMN
from embviz.gui.document_model import TITLE, DocumentTableModel
from embviz.gui.views.histogram_brush import HistogramBrush

HINT = (
    "Drag across a histogram to keep a range; click bars to keep categories; click again to clear."
)


class HistogramColumn(QScrollArea):
    def __init__(self, session, model: DocumentTableModel) -> None:
        super().__init__()
        self.session = session
        self.model = model
        self.histograms: dict[str, HistogramBrush] = {}
        box = QWidget()
        self.box_layout = QVBoxLayout(box)
        self.box_layout.setContentsMargins(4, 0, 4, 0)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        self.box_layout.addWidget(hint)
        self.box_layout.addStretch(1)
        self.setWidgetResizable(True)
        self.setWidget(box)

    def rebuild(self) -> None:
        """One histogram per filterable column of the model's set (text columns have none)."""
        for brush in self.histograms.values():
            self.box_layout.removeWidget(brush)
            brush.deleteLater()
        self.histograms = {}
        if self.model.eset is None:
            return
        mask = self.session.active.filter_mask
        for column in self.model.columns:
            if column in (TITLE, ROW_COLUMN, self.model.text_column):
                continue
            values = self.model.values(column)
            if column_kind(values) == TEXT:
                continue
            eset = self.model.eset
            in_set = eset is not None and eset.metadata.get(column) is values
            hist = histogram_for(eset, column) if in_set else histogram(values)
            if hist is None:
                continue
            brush = HistogramBrush(column)
            brush.set_histogram(hist)
            if mask is not None:
                brush.set_passing_counts(hist.passing_counts(values, mask))
            brush.brushChanged.connect(lambda spec, c=column: self.apply_brush(c, spec))
            self.box_layout.insertWidget(self.box_layout.count() - 1, brush)
            self.histograms[column] = brush

    def show_passing(self, mask) -> None:
        """The rows passing every filter changed: each histogram's coloured bars follow."""
        if self.model.eset is None:
            return
        for column, brush in self.histograms.items():
            if brush.hist is not None:
                brush.set_passing_counts(brush.hist.passing_counts(self.model.values(column), mask))

    def apply_brush(self, column: str, spec) -> None:
        """A histogram was brushed: its column's filter on the view follows."""
        brush = self.histograms.get(column)
        if brush is None or brush.hist is None or self.model.eset is None:
            return
        mask = None
        if spec is not None and spec[0] == "categories":
            mask = brush.hist.category_mask(spec[1])
        elif spec is not None:
            mask = range_mask(self.model.values(column), spec[1], spec[2])
        self.session.set_filter(f"table:{column}", mask)

    def clear(self) -> None:
        """Every brush off (the panel clears the view's filters itself, once)."""
        for brush in self.histograms.values():
            brush.blockSignals(True)
            brush.clear()
            brush.blockSignals(False)
