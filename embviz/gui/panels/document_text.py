"""The full text of one document, with its metadata (a dock beside the map).

It shows the document under the pointer (in the map or the table) while the pointer rests on one,
and otherwise the document last clicked or selected alone. For a set that is not a corpus the
label and metadata are shown, which is what a word or sentence set has.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.dataset import EmbeddingSet
from embviz.gui.document_model import cell_text
from embviz.io.atlas_dataset import document_texts

EMPTY_HINT = "Click or point at a document on the map or in the table to read it here."


class DocumentTextPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.session = window.session
        self.row = -1  # the document shown
        self.pinned = -1  # the one selected alone (shown when the pointer leaves)
        self.title = QLabel(EMPTY_HINT)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.text, 1)
        s = self.session
        s.current_changed.connect(lambda _eset: self._reset())
        s.selection_changed.connect(self._on_selection)
        s.hovered.connect(self._on_hover)
        s.metadata_changed.connect(
            lambda eset: self.show_row(self.row) if eset is s.current else None
        )

    def _reset(self) -> None:
        self.pinned = -1
        self.show_row(-1)

    def _on_selection(self, rows: np.ndarray) -> None:
        self.pinned = int(rows[0]) if len(rows) == 1 else -1
        if len(rows) >= 1:
            self.show_row(int(rows[0]))
        elif self.session.hovered_label is None:
            self.show_row(-1)

    def _on_hover(self, view, label: str | None) -> None:
        """The pointer rests on ``label`` in a map or the table (None: it left every point); a
        map beside showing another set names its documents by the same labels."""
        eset = self.session.current
        if eset is None:
            return
        row = eset.index_of(label) if label is not None and label in eset else -1
        self.show_row(row if row >= 0 else self.pinned)

    def show_row(self, row: int) -> None:
        """Show document ``row`` of the shown set (-1: nothing)."""
        eset = self.session.current
        if eset is None or not 0 <= row < len(eset):
            self.row = -1
            self.title.setText(EMPTY_HINT)
            self.details.setText("")
            self.text.clear()
            return
        self.row = row
        self.title.setText(eset.labels[row])
        text_column = eset.corpus.text_column if eset.corpus is not None else None
        self.details.setText(_details_html(eset, row, text_column))
        # the metadata's text; a big partitioned atlas's, read from its row group on disk
        self.text.setPlainText(document_texts(eset, [row])[0])

    def shown_text(self) -> str:
        return self.text.toPlainText()


def _details_html(eset: EmbeddingSet, row: int, text_column: str | None) -> str:
    lines = []
    ids_named = {
        CLUSTER_COLUMN: CLUSTER_LABEL_COLUMN,
        FINE_CLUSTER_COLUMN: FINE_CLUSTER_LABEL_COLUMN,
    }
    for column, values in eset.metadata.items():
        if column == text_column or ids_named.get(column) in eset.metadata:
            continue  # the text is below; a cluster's number says less than its name
        value = cell_text(values[row], 80)
        if value:
            lines.append(f"<b>{html.escape(column)}</b>: {html.escape(value)}")
    return "<br>".join(lines)


def install(window) -> DocumentTextPanel:
    panel = DocumentTextPanel(window)
    dock_of_its_own(window, window.add_dock("document_text", "Document", panel))
    return panel


def dock_of_its_own(window, dock) -> None:
    """Out of the tabs of the right-hand docks, so it is seen beside the map with the others;
    hidden until a corpus of documents is shown."""
    area = window.dockWidgetArea(dock)
    window.removeDockWidget(dock)
    window.addDockWidget(area, dock)
    dock.hide()

    def follow(eset) -> None:
        if eset is not None and eset.corpus is not None and not dock.isVisible():
            dock.show()  # with room for the text; the docks in tabs keep the top of the column
            window.resizeDocks([dock], [int(window.height() * 0.3)], Qt.Orientation.Vertical)

    window.session.current_changed.connect(follow)
