"""The document table, linked to the map (a dock under it).

Rows: the shown set's documents that pass the view's filters; columns: title, text, and every
metadata column (categories, numbers, dates, cluster names, per-point scores), sortable by any.
Beside it, one histogram per category, number and date column: brushing one (drag a range, click
bars) sets a named filter on the view (``ViewState.set_filter``), so the map fades the rows left
out and the table drops them; a text match is one more filter. Selection is the view's: selecting
rows selects points and a selection made on the map selects (and scrolls to) its rows. Export
writes the selection or the rows shown; Copy puts the selected texts on the clipboard.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from embviz.core.column_filters import text_mask
from embviz.core.dataset import EmbeddingSet
from embviz.core.string_columns import as_arrow
from embviz.core.view_state import ViewState
from embviz.gui.document_model import TITLE, DocumentTableModel
from embviz.gui.errors import show_error
from embviz.gui.histogram_column import HistogramColumn

MATCH = "table:match"  # the view's filter names this panel owns
EXPORT_FILTER = "CSV table (*.csv);;Parquet table (*.parquet)"
MATCH_DELAY_MS = 250
MAX_RANGES = 20_000  # a selection scattered over more runs of rows is shown in part (speed)


class DocumentTablePanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.main = window
        self.session = window.session
        self.model = DocumentTableModel(self)
        self._syncing = False
        # the table's hover goes out as a view of its own, so the maps ring the row pointed at
        # (a map does not echo its own view's hover)
        self.hover_source = ViewState("documents table")
        self._build()
        s = self.session
        s.current_changed.connect(self._on_set)
        s.metadata_changed.connect(self._on_metadata)
        s.filter_changed.connect(self._on_filter)
        s.selection_changed.connect(self._show_selection)
        self._on_set(s.current)

    # construction -------------------------------------------------------------------------
    def _build(self) -> None:
        self.match = QLineEdit()
        self.match.setPlaceholderText("Keep documents whose text or title contains…")
        self.match.setClearButtonEnabled(True)
        self._match_timer = QTimer(self, singleShot=True, interval=MATCH_DELAY_MS)
        self._match_timer.timeout.connect(self.apply_match)
        self.match.textChanged.connect(lambda _t: self._match_timer.start())
        self.count = QLabel("")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show every document again (brushes and text match)")
        self.clear_button.clicked.connect(self.clear_filters)
        self.copy_button = QPushButton("Copy texts")
        self.copy_button.setToolTip("Copy the selected documents' full texts to the clipboard")
        self.copy_button.clicked.connect(self.copy_texts)
        self.export_button = QPushButton("Export…")
        menu = QMenu(self.export_button)
        self.export_selection_action = menu.addAction("Selected documents…")
        self.export_shown_action = menu.addAction("Documents shown in the table…")
        self.export_selection_action.triggered.connect(lambda: self.export_dialog("selection"))
        self.export_shown_action.triggered.connect(lambda: self.export_dialog("shown"))
        self.export_button.setMenu(menu)
        bar = QHBoxLayout()
        bar.addWidget(self.match, 1)
        for widget in (self.count, self.clear_button, self.copy_button, self.export_button):
            bar.addWidget(widget)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setResizeContentsPrecision(200)  # rows looked at to fit
        self.table.setMouseTracking(True)
        self.table.entered.connect(self._on_entered)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.model.modelReset.connect(self._show_selection)
        copy = QAction(self.table, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        copy.triggered.connect(self.copy_texts)
        self.table.addAction(copy)

        self.histogram_column = HistogramColumn(self.session, self.model)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.histogram_column)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.table.viewport() and event.type() == event.Type.Leave:
            self.session.hover(self.hover_source, None)
        return super().eventFilter(watched, event)

    def _on_entered(self, index) -> None:
        """The pointer rests on a row: the model's hover, as on the map."""
        eset = self.model.eset
        if eset is not None and index.isValid():
            self.session.hover(self.hover_source, eset.labels[self.model.set_row(index.row())])

    # following the model ------------------------------------------------------------------
    def _on_set(self, eset: EmbeddingSet | None) -> None:
        self.match.blockSignals(True)
        self.match.clear()
        self.match.blockSignals(False)
        self.model.sort_column = None
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_set(eset, self.session.active.passing_rows() if eset is not None else None)
        self.histogram_column.rebuild()
        self._update_count()
        self._size_columns()

    def _size_columns(self) -> None:
        """Short columns fit their contents; the text gets the room that is left."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for i, column in enumerate(self.model.columns):
            if column == self.model.text_column:
                header.resizeSection(i, max(320, self.table.width() // 2))
            elif header.sectionSize(i) > 220:
                header.resizeSection(i, 220)

    def _on_metadata(self, eset: EmbeddingSet) -> None:
        if eset is self.session.current:
            self.model.set_set(eset, self.session.active.passing_rows())
            self.histogram_column.rebuild()

    def _on_filter(self, mask) -> None:
        self.model.set_rows(None if mask is None else np.flatnonzero(mask))
        self.histogram_column.show_passing(mask)
        self._update_count()

    def _update_count(self) -> None:
        eset = self.model.eset
        total = len(eset) if eset is not None else 0
        shown = self.model.rows.size
        self.count.setText(
            f"{shown:,} of {total:,} documents" if shown < total else f"{total:,} documents"
        )

    # filters ------------------------------------------------------------------------------
    @property
    def histograms(self) -> dict:
        """The histogram of each filterable column (column -> HistogramBrush)."""
        return self.histogram_column.histograms

    def apply_match(self) -> None:
        eset = self.model.eset
        if eset is None:
            return
        names = [TITLE]
        if self.model.text_column in eset.metadata:
            names.append(self.model.text_column)
        columns = [self._strings(eset, name) for name in names]
        self.session.set_filter(MATCH, text_mask(columns, self.match.text()))

    def _strings(self, eset: EmbeddingSet, column: str):
        """The column as Arrow strings, made once per set (and metadata version) and kept in
        the set's derived cache, so each keystroke of a text match costs a C scan only."""
        values = self.model.values(column)
        arrow = eset.derived(
            ("arrow-strings", column), lambda: as_arrow(values), uses_metadata=column != TITLE
        )
        return values if arrow is None else arrow

    def clear_filters(self) -> None:
        self.histogram_column.clear()
        self.match.blockSignals(True)
        self.match.clear()
        self.match.blockSignals(False)
        self.session.active.clear_filters()

    # selection, both ways -----------------------------------------------------------------
    def _on_table_selection(self, *_args) -> None:
        if self._syncing:
            return
        chosen = self.table.selectionModel().selectedRows()
        rows = [self.model.set_row(index.row()) for index in chosen]
        self._syncing = True
        try:
            self.session.select(rows)
        finally:
            self._syncing = False

    def _show_selection(self, *_args) -> None:
        """Select the view's selection in the table (the rows shown) and scroll to the first."""
        if self._syncing:
            return
        rows = self.session.selection
        positions = self.model.position[rows] if self.model.position.size else np.empty(0, int)
        positions = np.sort(positions[positions >= 0])
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for start, stop in _runs(positions, MAX_RANGES):
            selection.select(self.model.index(start, 0), self.model.index(stop, last))
        self._syncing = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.table.selectionModel().select(selection, flags)
        finally:
            self._syncing = False
        if positions.size:
            self.table.scrollTo(self.model.index(int(positions[0]), 0))

    # copy and export ----------------------------------------------------------------------
    def selected_texts(self) -> list[str]:
        eset = self.model.eset
        if eset is None:
            return []
        column = (
            self.model.values(self.model.text_column)
            if self.model.text_column in eset.metadata
            else self.model.values(TITLE)
        )
        return [str(column[int(r)]) for r in self.session.selection]

    def copy_texts(self) -> None:
        texts = self.selected_texts()
        if texts:
            QGuiApplication.clipboard().setText("\n\n".join(texts))
            self.main.statusBar().showMessage(f"Copied {len(texts):,} text(s)", 4000)

    def export_dialog(self, which: str) -> None:
        start = str(
            Path(str(self.main.settings.value("last_dir", str(Path.home())))) / "documents.csv"
        )
        path, chosen = QFileDialog.getSaveFileName(
            self.main, "Export documents", start, EXPORT_FILTER
        )
        if path:
            if not Path(path).suffix:
                path += ".parquet" if "parquet" in chosen else ".csv"
            self.export(path, which, force=True)  # the save dialog asked before replacing

    def export(self, path: str | Path, which: str = "shown", force: bool = False) -> None:
        """Write the selected documents ("selection") or the rows shown ("shown") in a worker."""
        from embviz.io.document_export import export_documents_task

        eset = self.model.eset
        if eset is None:
            return
        rows = self.session.selection if which == "selection" else np.sort(self.model.rows)
        projection = self.session.projection
        coords = (
            projection.coords
            if projection is not None and self.session.active.projection_is_current
            else None
        )
        layout = (
            {"method": projection.method, "params": dict(projection.params)}
            if coords is not None and projection is not None
            else None
        )
        path = Path(path)
        self.main.runner.run(
            "export-documents",
            f"Exporting {len(rows):,} documents to {path.name}",
            lambda: export_documents_task(eset, path, rows, coords, layout=layout, force=force),
            on_result=lambda files: self.main.statusBar().showMessage(
                f"Exported to {Path(files[0]).name}", 8000
            ),
            on_error=lambda exc: setattr(
                self.main,
                "last_error",
                show_error(self.main, "Could not export", exc, f"Exporting to {path}"),
            ),
        )


def _runs(positions: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """The first ``limit`` contiguous runs (first, last) of sorted positions: few ranges instead
    of many rows."""
    if positions.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1)
    starts = np.concatenate([[positions[0]], positions[breaks + 1]])
    stops = np.concatenate([positions[breaks], [positions[-1]]])
    return [(int(a), int(b)) for a, b in zip(starts[:limit], stops[:limit], strict=True)]


def install(window) -> DocumentTablePanel:
    panel = DocumentTablePanel(window)
    dock = window.add_dock("documents", "Documents", panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.hide()  # shown when a corpus of documents is opened
    window.session.current_changed.connect(
        lambda eset: dock.show() if eset is not None and eset.corpus is not None else None
    )
    return panel
