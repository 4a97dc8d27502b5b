"""File > Open documents…, and tables of documents dropped on the window.

The table is read in a worker (:func:`embviz.io.documents.read_document_table`); a dialog lists
its columns with their kinds to choose the text column, a title column and the embedder (the
document embedder registry; default: the default sentence model); the texts are then embedded in
a worker with progress and Cancel (the status bar's), and the corpus set opens and is projected
like any set. A table that cannot be read, or an embedding that fails or is cancelled, leaves
what was open as it was, with a message that names the file and what to do.

A dropped .csv/.tsv/.jsonl/.parquet is first read by its first rows: a table with a column of
running text (and not a few hundred numeric columns) opens this way; any other file goes to the
window's ordinary opener (embedding tables are CSV and Parquet too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import Progress, Task
from embviz.gui.documents_dialog import DEFAULT_EMBEDDER, DocumentsDialog
from embviz.gui.errors import show_error

CHANNEL = "documents"
DOCUMENT_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq")
TABLE_FILTER = (
    "Document tables (*.csv *.tsv *.tab *.jsonl *.ndjson *.json *.parquet);;All files (*)"
)
SNIFF_ROWS = 200
TEXT_CHARS = 25  # a column of documents averages at least this many characters
MAX_NUMBER_COLUMNS = 20  # more numeric columns than this: a table of vectors, not documents


class DocumentOpener(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.main = window
        self.dialog: DocumentsDialog | None = None
        self.action = QAction("Open &documents…", window, shortcut=QKeySequence("Ctrl+Shift+O"))
        self.action.setToolTip(
            "Open a table of documents (CSV, TSV, JSON Lines, Parquet) and embed its texts"
        )
        self.action.triggered.connect(self.open_dialog)
        window.add_file_action("open", self.action)
        window.drop_handlers.append(self.take_dropped)

    # asking -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(self.main.settings.value("last_dir", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self.main, "Open documents", start, TABLE_FILTER)
        if path:
            self.main.settings.setValue("last_dir", str(Path(path).parent))
            self.open_documents(path)

    def take_dropped(self, paths: list[str]) -> list[str]:
        """Dropped files: tables that may hold documents are looked at here; the rest are left
        to the window's opener."""
        left = []
        for path in paths:
            if Path(path).suffix.lower() in DOCUMENT_SUFFIXES:
                self.sniff(path)
            else:
                left.append(path)
        return left

    def sniff(self, path: str | Path) -> None:
        """Read the first rows: documents open here, anything else as embeddings."""
        from embviz.io.documents import read_document_table

        path = Path(path)
        self.main.runner.run(
            "documents-sniff",
            f"Looking at {path.name}",
            lambda: _read_task(read_document_table, path, SNIFF_ROWS),
            on_result=lambda head: (
                self.open_documents(path)
                if looks_like_documents(head)
                else self.main.open_paths([path])
            ),
            on_error=lambda _exc: self.main.open_paths([path]),  # the ordinary opener says why
        )

    # reading, choosing, embedding ---------------------------------------------------------
    def open_documents(self, path: str | Path) -> None:
        """Read the table in a worker, then ask which columns and embedder to use."""
        from embviz.io.documents import read_document_table

        path = Path(path)
        self.main.runner.run(
            CHANNEL,
            f"Reading {path.name}",
            lambda: _read_task(read_document_table, path, None),
            on_result=self.show_dialog,
            on_error=lambda exc: self._failed(f"Could not open {path.name}", exc, path),
        )

    def show_dialog(self, doc_table) -> DocumentsDialog:
        from embviz.models.documents.registry import document_embedders

        current = self.main.session.current
        word_set = current if current is not None and current.corpus is None else None
        embedders = sorted(document_embedders, key=lambda e: e.name != DEFAULT_EMBEDDER)
        self.dialog = dialog = DocumentsDialog(self.main, doc_table, embedders, word_set)
        dialog.accepted.connect(lambda: self.embed(doc_table, dialog.chosen))
        dialog.open()
        return dialog

    def embed(self, doc_table, chosen: dict[str, Any]) -> None:
        """Embed the chosen text column in a worker; the corpus set opens when it is done."""
        path = doc_table.path
        what = "Reading the vectors of" if chosen["embedder"] is None else "Embedding"
        self.main.runner.run(
            CHANNEL,
            f"{what} {len(doc_table):,} documents of {path.name}",
            lambda: _embed_task(doc_table, chosen),
            on_result=lambda eset: self._opened(path, eset),
            on_error=lambda exc: self._failed(f"Could not embed {path.name}", exc, path),
        )

    def _opened(self, path: Path, eset: EmbeddingSet) -> None:
        eset.name = path.name
        self.main.session.add_set(eset)
        self.main.statusBar().showMessage(
            f"Opened {len(eset):,} documents of {path.name}, embedded with {eset.corpus.embedder}"
            if eset.corpus is not None
            else f"Opened {path.name}",
            8000,
        )

    def _failed(self, title: str, exc: BaseException, path: Path) -> None:
        self.main.last_error = show_error(self.main, title, exc, f"{title} ({path})")
        self.main.statusBar().showMessage(f"{title}; what was open is kept.", 8000)


def _read_task(read, path: Path, limit: int | None) -> Task[Any]:
    yield Progress(None, f"Reading {path.name}")
    return read(path, limit=limit)


def _embed_task(doc_table, chosen: dict[str, Any]) -> Task[EmbeddingSet]:
    from embviz.models.documents.corpus import corpus_from_vector_column, embed_corpus

    table = doc_table.choose(
        text_column=chosen["text_column"],
        title_column=chosen["title_column"],
        vector_column=chosen["vector_column"],
    )
    embedder = chosen["embedder"]
    if embedder is None:
        yield Progress(1.0, "Using the table's vectors")
        return corpus_from_vector_column(table)
    return (yield from embed_corpus(table, embedder.name, chosen["params"]))


def looks_like_documents(doc_table) -> bool:
    """A column of running text, and not the many numeric columns of a table of vectors."""
    numbers = sum(1 for kind in doc_table.kinds.values() if kind == "number")
    if numbers > MAX_NUMBER_COLUMNS:
        return False
    for name in doc_table.text_candidates()[:1]:
        values = doc_table.columns[name]
        lengths = [len(str(v)) for v in values[:SNIFF_ROWS]]
        if lengths and float(np.mean(lengths)) >= TEXT_CHARS:
            return True
    return False


def install(window) -> DocumentOpener:
    return DocumentOpener(window)
