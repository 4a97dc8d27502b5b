"""The panel's "Static vs contextual" box: one word's input-table, contextual (every layer) and
static (distilled) vectors as one set on one map (see :mod:`embviz.models.word_spaces` for why
they can share a map, and when the input-table vector cannot)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6 import QtWidgets as qw

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.paths import resource
from embviz.core.polysemy import parse_sentences
from embviz.models.word_spaces import KIND

CHANNEL = "anatomy-spaces"
SAMPLE_WORD = "bank"
SAMPLE = "polysemy/sample.tsv"
SAMPLE_PER_SENSE = 3


def sample_sentences(word: str) -> list[str]:
    """A few of the polysemy sample's sentences for ``word``, a few per sense."""
    lines = parse_sentences(resource(SAMPLE).read_text(encoding="utf-8"), SAMPLE)
    taken: dict[str | None, int] = {}
    out = []
    for line in lines:
        if line.word == word and taken.get(line.sense, 0) < SAMPLE_PER_SENSE:
            taken[line.sense] = taken.get(line.sense, 0) + 1
            out.append(line.text)
    return out


class SpacesSection(qw.QGroupBox):
    def __init__(self, window, model: Callable[[], str], parent=None) -> None:
        super().__init__("Static vs contextual", parent)
        self.window_ = window
        self.model = model
        self.word = qw.QLineEdit(SAMPLE_WORD)
        self.word.setToolTip("The word whose vectors go on one map")
        self.sentences = qw.QPlainTextEdit("\n".join(sample_sentences(SAMPLE_WORD)))
        self.sentences.setPlaceholderText("Sentences with the word, one per line")
        self.sentences.setMinimumHeight(80)
        self.unit = qw.QCheckBox("Unit length (compare directions)")
        self.unit.setChecked(True)
        self.unit.setToolTip(
            "Lengths grow with depth and would decide the map; the original lengths are kept "
            "in the 'norm' column"
        )
        self.run_button = qw.QPushButton("Put on one map")
        self.run_button.setToolTip(
            "Input-table vector, contextual vectors at every layer, and the static (distilled) "
            "vector of the word, as one set"
        )
        self.run_button.clicked.connect(self.run)
        self.cancel_button = qw.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.message = qw.QLabel("")
        self.message.setWordWrap(True)
        word_row = qw.QHBoxLayout()
        word_row.addWidget(qw.QLabel("Word:"))
        word_row.addWidget(self.word, 1)
        buttons = qw.QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout = qw.QVBoxLayout(self)
        layout.addLayout(word_row)
        layout.addWidget(self.sentences)
        layout.addWidget(self.unit)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def run(self) -> None:
        from embviz.models.word_spaces import word_spaces_task

        word, model, unit = self.word.text().strip(), self.model(), self.unit.isChecked()
        sentences = [s.strip() for s in self.sentences.toPlainText().splitlines() if s.strip()]
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        handle = self.window_.runner.run(
            CHANNEL,
            f"Static vs contextual: {word}",
            lambda: word_spaces_task(word, sentences, model, unit=unit),
            self._on_set,
            self._on_error,
        )
        handle.progressed.connect(lambda p: self._say(p.message))
        handle.ended.connect(lambda _ok: self._idle())

    def _idle(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self._idle()
        self._say("Cancelled.")

    def _on_set(self, eset: EmbeddingSet) -> None:
        session = self.window_.session
        session.add_set(eset)
        session.active.set_colour_column(KIND)
        self._say(f"{eset.name}: {len(eset)} vectors. " + " ".join(eset.warnings))

    def _on_error(self, exc: BaseException) -> None:
        self._idle()
        self._say(str(exc) if isinstance(exc, EmbvizError) else f"{type(exc).__name__}: {exc}",
                  error=True)  # fmt: skip

    def _say(self, text: str, error: bool = False) -> None:
        escaped = html.escape(text)
        self.message.setText(f"<span style='color:#a00'>{escaped}</span>" if error else escaped)
