"""Neighbours dock: exact nearest neighbours in the original space, drawn on the map.

The panel only asks :mod:`embviz.core.neighbors` (in a worker) and shows the answer; it says what
was computed (metric, original space, centring) under the results.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from embviz.core.ann import SUGGESTED_MIN_ROWS, ApproximateIndex, build_task
from embviz.core.dataset import EmbeddingSet
from embviz.core.health.hubness import hub_markers
from embviz.core.neighbors import MAX_K, METRICS, NeighborResult, index_for
from embviz.core.overlay import Overlay
from embviz.core.poincare import metric_for
from embviz.core.tasks import as_task
from embviz.gui.errors import report_error
from embviz.gui.tables import fill, table

COMPLETER_MAX_ROWS = 300_000
OVERLAY = "neighbors"


class NeighborsPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.session = window.session
        self.runner = window.runner
        self.result: NeighborResult | None = None
        self.query = QLineEdit()
        self.query.setPlaceholderText("a label, or king - man + woman, 0.5*paris + 0.5*rome")
        self.query.setClearButtonEnabled(True)
        self.find_button = QPushButton("Find")
        self.centroid_button = QPushButton("Neighbours of the selection centroid")
        self.k = QSpinBox(minimum=1, maximum=MAX_K, value=10)
        self.metric_box = QComboBox()
        self.metric_box.addItems(METRICS)
        self._remember_k_and_metric(window.settings)
        self.whole_file = QCheckBox("Search the whole file (the map shows its first rows)")
        self.whole_file.setChecked(True)
        self.whole_file.setVisible(False)
        self.center = QCheckBox("Centre vectors (subtract the mean)")
        self.center.setToolTip("Off by default. When on, every result says so.")
        self.info = QLabel("Neighbours are computed in the original space, never on the map.")
        self.info.setWordWrap(True)
        self.results = table(["#", "label", "score"])
        self.ann_button = QPushButton("Build approximate index…")
        self.ann_use = QCheckBox("Use it")
        self.ann_use.setEnabled(False)
        self.ann_label = QLabel("")
        self.ann_label.setWordWrap(True)
        self._layout()
        self.query.returnPressed.connect(self.find_neighbours)
        self.find_button.clicked.connect(self.find_neighbours)
        self.centroid_button.clicked.connect(self.find_centroid)
        self.results.cellClicked.connect(self._on_clicked)
        self.ann_button.clicked.connect(self.build_approximate)
        self.ann_use.toggled.connect(self._use_approximate)
        self.session.current_changed.connect(self._on_current)
        self.session.full_attached.connect(self._on_full_loaded)
        self.session.selection_changed.connect(self._on_selection)
        self._on_selection(self.session.selection)

    def _remember_k_and_metric(self, settings) -> None:
        """k and the metric persist between sessions; centring does not (off unless asked)."""
        try:
            self.k.setValue(int(settings.value("neighbors/k", 10)))
        except (TypeError, ValueError):
            pass
        metric = str(settings.value("neighbors/metric", "cosine"))
        if metric in METRICS:
            self.metric_box.setCurrentText(metric)
        self.k.valueChanged.connect(lambda k: settings.setValue("neighbors/k", k))
        self.metric_box.currentTextChanged.connect(
            lambda m: settings.setValue("neighbors/metric", m)
        )

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.addWidget(self.query, 0, 0, 1, 3)
        grid.addWidget(self.find_button, 0, 3)
        grid.addWidget(QLabel("k:"), 1, 0)
        grid.addWidget(self.k, 1, 1)
        grid.addWidget(self.metric_box, 1, 2)
        grid.addWidget(self.center, 2, 0, 1, 4)
        grid.addWidget(self.whole_file, 3, 0, 1, 4)
        ann = QHBoxLayout()
        ann.addWidget(self.ann_button)
        ann.addWidget(self.ann_use)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.centroid_button)
        layout.addWidget(self.info)
        layout.addWidget(self.results, 1)
        layout.addLayout(ann)
        layout.addWidget(self.ann_label)

    # asking the core ----------------------------------------------------------------------
    def _params(self) -> tuple[int, str, bool]:
        return self.k.value(), self.metric_box.currentText(), self.center.isChecked()

    def searched_set(self, eset: EmbeddingSet) -> EmbeddingSet:
        """The set neighbours are searched in: the whole file when only its top rows are shown."""
        if eset.full is not None and self.whole_file.isChecked():
            return eset.full
        return eset

    def find_neighbours(self) -> None:
        eset, text = self.session.current, self.query.text().strip()
        if eset is None or not text:
            return
        k, metric, center = self._params()
        target = self.searched_set(eset)
        self._run(
            eset, f"Neighbours of {text}", lambda: index_for(target).search(text, k, metric, center)
        )

    def find_centroid(self) -> None:
        eset, rows = self.session.current, self.session.selection.copy()
        if eset is None or rows.size == 0:
            return
        k, metric, center = self._params()
        target = self.searched_set(eset)  # its first rows are the map's rows, in the same order
        self._run(
            eset,
            "Neighbours of the selection",
            lambda: index_for(target).search_rows(rows, k, metric, center),
        )

    def _run(self, eset: EmbeddingSet, description: str, compute) -> None:
        self.info.setText("Searching…")
        self.runner.run(
            "neighbors", description, lambda: as_task(compute()),
            on_result=lambda result: self.show_result(eset, result), on_error=self._on_error,
        )  # fmt: skip

    def show_result(self, eset: EmbeddingSet, result: NeighborResult) -> None:
        if eset is not self.session.current:
            return
        self.result = result
        searched = self.searched_set(eset)
        if searched is not eset:
            result = _on_map(result, eset, searched)  # whole-file rows -> map rows (or -1)
            self.result = result
        hubs = hub_markers(eset, result.rows)  # "· hub (k-occ 57)" after a health report
        fill(
            self.results,
            [
                [i + 1, (label if row >= 0 else f"{label} (not on the map)") + hubs[i], float(s)]
                for i, (label, s, row) in enumerate(
                    zip(result.labels, result.scores, result.rows, strict=True)
                )
            ],
        )
        self.results.setHorizontalHeaderItem(2, QTableWidgetItem(_score_name(result.metric)))
        style = "color: #b35900; font-weight: bold" if result.centered else ""
        self.info.setStyleSheet(style)
        self.info.setText(f"{result.title}: {result.describe()}; the query's words are left out.")
        if eset.full is not None and self.searched_set(eset) is eset.full:
            self.info.setText(
                self.info.text() + f" Searched all {len(eset.full):,} rows of the file; the map "
                f"shows the first {len(eset):,}."
            )
        shown = [int(r) for r in result.rows if r >= 0]
        anchor = result.query_rows[0] if result.query_rows else None
        rows = list(result.query_rows) + shown
        edges = [(anchor, r) for r in shown] if anchor is not None else []
        self.session.set_overlay(
            OVERLAY,
            Overlay(rows=_array(rows), edges=edges, caption=f"neighbours of {result.title}"),
        )

    def _on_error(self, exc: BaseException) -> None:
        self.result = None
        self.results.setRowCount(0)
        self.session.set_overlay(OVERLAY, None)
        report_error(self.info, self, "Neighbours", exc, "Finding neighbours")

    def _on_clicked(self, row: int, _column: int) -> None:
        if self.result is None or row >= len(self.result.rows):
            return
        target = int(self.result.rows[row])
        if target < 0:
            self.info.setText(f"{self.result.labels[row]} is not among the rows on the map.")
            return
        self.session.select([target])
        self.session.focus([target])

    # approximate index --------------------------------------------------------------------
    def build_approximate(self) -> None:
        eset = self.session.current
        if eset is None:
            return
        metric = (
            self.metric_box.currentText() if self.metric_box.currentText() != "dot" else "cosine"
        )
        center = self.center.isChecked()
        version = eset.version
        self.ann_label.setText(
            "Building the approximate index in the background; exact search answers meanwhile."
        )
        self.runner.run(
            "ann", f"Approximate index of {eset.name}", lambda: build_task(eset, metric, center),
            on_result=lambda approx: self._on_built(eset, approx, version),
            on_error=lambda exc: self.ann_label.setText(f"Could not build the index: {exc}"),
        )  # fmt: skip

    def _on_built(self, eset: EmbeddingSet, approx: ApproximateIndex, version: tuple) -> None:
        """Kept in the set's own cache, only if built from its present vectors."""
        if eset not in self.session.sets or not eset.store_derived(
            _approx_key(), approx, version=version
        ):
            return
        if eset is self.session.current:
            self._show_approx(approx)

    def _show_approx(self, approx) -> None:
        self.ann_use.setEnabled(True)
        self.ann_use.setChecked(True)
        centred = ", centred" if approx.center else ""
        self.ann_label.setText(
            f"Approximate index ({approx.metric}{centred}): measured recall@10 {approx.recall:.1%} "
            f"on {approx.queries_measured} sampled rows; built in {approx.build_seconds:.0f} s."
        )

    def _use_approximate(self, on: bool) -> None:
        eset = self.session.current
        if eset is not None:
            index_for(eset).approximate = eset.peek_derived(_approx_key()) if on else None

    # session ------------------------------------------------------------------------------
    def _on_current(self, eset: EmbeddingSet | None) -> None:
        self.result = None
        self.results.setRowCount(0)
        self.info.setStyleSheet("")
        self.info.setText("Neighbours are computed in the original space, never on the map.")
        self.ann_use.setEnabled(False)
        self.ann_use.setChecked(False)
        self.ann_label.setText("")
        self.whole_file.setVisible(eset is not None and eset.full is not None)
        self.metric_box.setCurrentText(metric_for(eset, self.metric_box.currentText()))
        if eset is not None and eset.full is not None:
            self.whole_file.setText(
                f"Search the whole file ({len(eset.full):,} rows; the map shows {len(eset):,})"
            )
        approx = eset.peek_derived(_approx_key()) if eset is not None else None
        if approx is not None:
            self._show_approx(approx)
        elif eset is not None:
            small = len(eset) < SUGGESTED_MIN_ROWS
            self.ann_label.setText("Exact search is fast at this size." if small else "")
        words = eset.labels if eset is not None and len(eset) <= COMPLETER_MAX_ROWS else []
        completer = QCompleter(words, self.query)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self.query.setCompleter(completer)

    def _on_full_loaded(self, eset: EmbeddingSet) -> None:
        if eset is self.session.current:
            self._on_current(eset)

    def _on_selection(self, rows) -> None:
        self.centroid_button.setEnabled(len(rows) > 0)


def _score_name(metric: str) -> str:
    return {"cosine": "cosine", "euclidean": "distance", "dot": "dot", "poincare": "distance"}[
        metric
    ]


def _array(rows) -> np.ndarray:
    return np.asarray(rows, dtype=np.int64)


def _on_map(result: NeighborResult, shown: EmbeddingSet, searched: EmbeddingSet) -> NeighborResult:
    """The result with rows of ``shown`` (-1 for a row that is not on the map)."""
    from dataclasses import replace

    def row_of(label: str) -> int:
        try:
            return shown.index_of(label)
        except KeyError:
            return -1

    query_rows = [row_of(searched.labels[r]) for r in result.query_rows]
    return replace(
        result,
        rows=_array([row_of(label) for label in result.labels]),
        query_rows=[r for r in query_rows if r >= 0],
    )


def _approx_key() -> tuple:
    """Where a set keeps its approximate index (dropped with the set or when its vectors change)."""
    return ("approximate-index",)


def install(window) -> NeighborsPanel:
    panel = NeighborsPanel(window)
    window.add_dock("neighbors", "Neighbours", panel)
    return panel
