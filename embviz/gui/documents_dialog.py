"""The dialog that turns a document table into a corpus: which column holds the text, which one
(if any) the titles, and what embeds the texts.

It lists every column of the table with its kind (text, category, number, date, vector) and a
first value, so a person sees what they choose. The embedders come from the document embedder
registry; their parameters form is generated from each embedder's params dataclass (the same
form builder as everywhere, so it never drifts from the CLI flags). A table with a vector column
can use it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from PySide6 import QtWidgets as qw

from embviz.core.params import make_params
from embviz.gui.errors import ERROR_COLOUR
from embviz.gui.forms import ParamsForm
from embviz.gui.tables import fill, table

NO_TITLE = "(the text's first words)"
VECTOR_PREFIX = "vector column: "
DEFAULT_EMBEDDER = "sentence"


class DocumentsDialog(qw.QDialog):
    def __init__(self, parent, doc_table, embedders: list[Any], word_set: Any = None) -> None:
        super().__init__(parent)
        self.doc_table = doc_table
        self.word_set = word_set  # the open static set, for averaged word vectors
        self.embedders = {e.name: e for e in embedders}
        self.setWindowTitle(f"Open documents — {doc_table.path.name}")
        self.resize(720, 560)
        kinds = doc_table.column_choices()
        self.columns = table(["column", "kind", "first value"])
        fill(self.columns, [[name, kind, _first(doc_table, name)] for name, kind in kinds])
        self.text_combo = qw.QComboBox()
        self.text_combo.addItems(doc_table.text_candidates())
        self.text_combo.setCurrentText(doc_table.text_column)
        self.title_combo = qw.QComboBox()
        self.title_combo.addItems([NO_TITLE, *(name for name, kind in kinds if kind != "vector")])
        if doc_table.title_column:
            self.title_combo.setCurrentText(doc_table.title_column)
        self.embedder_combo = qw.QComboBox()
        for name, embedder in self.embedders.items():
            why = embedder.available()
            self.embedder_combo.addItem(embedder.title + (f" — {why}" if why else ""), name)
        for name, kind in kinds:
            if kind == "vector":
                self.embedder_combo.addItem(
                    f"Use the vectors in column {name!r}", VECTOR_PREFIX + name
                )
        index = self.embedder_combo.findData(DEFAULT_EMBEDDER)
        self.embedder_combo.setCurrentIndex(max(index, 0))
        self.form = ParamsForm()
        self.embedder_combo.currentIndexChanged.connect(lambda _i: self._build_form())
        self.message = qw.QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}")
        choices = qw.QFormLayout()
        choices.addRow("Text column:", self.text_combo)
        choices.addRow("Title column:", self.title_combo)
        choices.addRow("Embed with:", self.embedder_combo)
        buttons = qw.QDialogButtonBox(
            qw.QDialogButtonBox.StandardButton.Ok | qw.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(qw.QDialogButtonBox.StandardButton.Ok).setText("Embed and open")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = qw.QVBoxLayout(self)
        layout.addWidget(
            qw.QLabel(f"{len(doc_table):,} rows in {doc_table.path.name}. Its columns:")
        )
        layout.addWidget(self.columns, 1)
        layout.addLayout(choices)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._build_form()

    def _build_form(self) -> None:
        embedder = self.embedders.get(str(self.embedder_combo.currentData()))
        if embedder is None:
            self.form.build(_NoParams)
            return
        self.form.build(embedder.params)

    def choice(self) -> dict[str, Any]:
        """text_column, title_column, and embedder (None: the vector column) with its params,
        or vector_column; EmbvizError for a bad parameter."""
        data = str(self.embedder_combo.currentData())
        title = self.title_combo.currentText()
        out: dict[str, Any] = {
            "text_column": self.text_combo.currentText(),
            "title_column": None if title == NO_TITLE else title,
            "vector_column": None,
            "embedder": None,
            "params": None,
        }
        if data.startswith(VECTOR_PREFIX):
            out["vector_column"] = data.removeprefix(VECTOR_PREFIX)
        else:
            embedder = self.embedders[data]
            out["embedder"] = embedder
            values = self.form.values()
            if "word_set" in {f.name for f in fields(embedder.params)}:
                values["word_set"] = self.word_set
            out["params"] = make_params(embedder.params, values, embedder.name)
        return out

    def _accept(self) -> None:
        from embviz.core.errors import EmbvizError

        try:
            self.chosen = self.choice()
            embedder = self.chosen["embedder"]
            why = embedder.available() if embedder is not None else None
            if why:
                raise EmbvizError(f"{embedder.title} {why}.")
        except EmbvizError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


@dataclass
class _NoParams:
    """No parameters to set (vectors taken from a column)."""


def _first(doc_table, name: str) -> str:
    values = doc_table.columns.get(name)
    if values is None or not len(values):
        return ""
    text = " ".join(str(values[0]).split())
    return text if len(text) <= 70 else text[:69] + "…"
