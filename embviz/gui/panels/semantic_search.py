"""Search the documents in plain words (a dock beside the map).

The query is embedded by the model that made the documents' vectors (``eset.model``, a
QueryEmbedder) in a worker; the documents are ranked by exact cosine similarity in the original
space (:mod:`embviz.core.semantic_search`). The results are listed with their scores, marked on
the map in this panel's colour, and the query is drawn as a star at the similarity-weighted mean
position of its ten nearest documents. Clicking a result selects that document.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from embviz.core.corpus import QueryEmbedder
from embviz.core.dataset import EmbeddingSet
from embviz.core.overlay import Overlay
from embviz.core.semantic_search import (
    SemanticResult,
    find_query_embedder,
    query_position,
    semantic_search_task,
)
from embviz.gui.errors import report_error
from embviz.gui.tables import fill, table

CHANNEL = "semantic-search"
OVERLAY = "semantic-search"
COLOUR = (204, 121, 167)  # Okabe-Ito reddish purple: unlike the neighbours panel's green
NO_MODEL = (
    "Plain-word search needs the model that made these vectors, and this set has none (its "
    "vectors came from a file or a column). Open the documents with File > Open documents… "
    "to embed them with a model."
)


class SemanticSearchPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.main = window
        self.session = window.session
        self.result: SemanticResult | None = None
        self.result_set: EmbeddingSet | None = None
        self.query = QLineEdit()
        self.query.setPlaceholderText("Describe what you look for, in plain words")
        self.query.returnPressed.connect(lambda: self.search())
        self.k = QSpinBox()
        self.k.setRange(1, 1000)
        self.k.setValue(20)
        self.k.setToolTip("How many documents to list")
        self.button = QPushButton("Search")
        self.button.clicked.connect(lambda: self.search())
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.k)
        row.addWidget(self.button)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.results = table(["#", "document", "cosine"])
        self.results.cellClicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addWidget(self.results, 1)
        self.session.current_changed.connect(self._on_set)
        self.session.projection_changed.connect(lambda _p: self._draw())
        self._on_set(self.session.current)

    def _on_set(self, eset: EmbeddingSet | None) -> None:
        self.result, self.result_set = None, None
        self.results.setRowCount(0)
        model = find_query_embedder(eset) if eset is not None else None
        searchable = model is not None
        self.query.setEnabled(searchable)
        self.button.setEnabled(searchable)
        self.info.setStyleSheet("")
        if eset is None:
            self.info.setText("Open a table of documents to search it in plain words.")
        elif not searchable:
            self.info.setText(NO_MODEL)
        else:
            assert model is not None
            self.info.setText(f"Queries are embedded with {model.description}.")

    def search(self, text: str | None = None) -> None:
        """Embed the query in a worker and list the nearest documents."""
        eset = self.session.current
        if text is not None:
            self.query.setText(text)
        if eset is None:
            return
        query, k = self.query.text(), self.k.value()
        self.info.setStyleSheet("")
        self.info.setText(f"Searching for “{query.strip()}”…")
        self.main.runner.run(
            CHANNEL,
            "Searching the documents",
            lambda: semantic_search_task(eset, query, k),
            on_result=lambda result: self.show_result(eset, result),
            on_error=self._on_error,
        )

    def show_result(self, eset: EmbeddingSet, result: SemanticResult) -> None:
        if eset is not self.session.current:
            return
        self.result, self.result_set = result, eset
        fill(
            self.results,
            [
                [i + 1, eset.labels[int(row)], float(score)]
                for i, (row, score) in enumerate(zip(result.rows, result.scores, strict=True))
            ],
        )
        self.info.setText(
            f"“{result.query}”: the {len(result.rows)} nearest documents by cosine similarity in "
            f"the original space, embedded with {result.embedder}. The star marks the query, "
            "placed among its ten nearest documents."
        )
        self._draw()

    def _draw(self) -> None:
        result, eset = self.result, self.session.current
        if result is None or eset is not self.result_set:
            self.session.set_overlay(OVERLAY, None)
            return
        projection = self.session.projection
        marks = []
        if eset is not None and projection is not None and len(projection.coords) == len(eset):
            place = query_position(projection.coords, result.rows, result.scores)
            if place is not None:
                marks.append((place[0], place[1], f"“{_short(result.query)}”"))
        overlay = Overlay(
            rows=np.asarray(result.rows, dtype=np.int64),
            colour=COLOUR,
            caption=f"search: {result.query}",
            marks=marks,
        )
        self.session.set_overlay(OVERLAY, overlay)

    def _on_error(self, exc: BaseException) -> None:
        self.result = None
        self.results.setRowCount(0)
        self.session.set_overlay(OVERLAY, None)
        box = report_error(self.info, self, "Search", exc, "Searching the documents")
        if box is not None:
            self.main.last_error = box

    def _on_clicked(self, row: int, _column: int) -> None:
        if self.result is not None and row < len(self.result.rows):
            target = int(self.result.rows[row])
            self.session.select([target])
            self.session.focus([target])

    def listed_rows(self) -> list[int]:
        """The set rows listed, in order (what a person reads top to bottom)."""
        if self.result is None:
            return []
        return [int(r) for r in self.result.rows[: self.results.rowCount()]]


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def install(window) -> SemanticSearchPanel:
    panel = SemanticSearchPanel(window)
    dock = window.add_dock("semantic_search", "Search documents", panel)
    area = window.dockWidgetArea(dock)  # out of the tabs: seen beside the map with the text
    window.removeDockWidget(dock)
    window.addDockWidget(area, dock)
    dock.hide()  # until a corpus of documents is shown

    def follow(eset) -> None:
        # a corpus of documents, or images with CLIP's text tower (images found in words)
        images = (
            eset is not None and eset.images is not None and isinstance(eset.model, QueryEmbedder)
        )
        if eset is not None and (eset.corpus is not None or images) and not dock.isVisible():
            dock.show()
            window.resizeDocks([dock], [int(window.height() * 0.28)], Qt.Orientation.Vertical)

    window.session.current_changed.connect(follow)
    return panel
