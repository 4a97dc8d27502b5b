"""The panel's "Tokenizer" box: type text, see its pieces and ids; count a set's words' pieces.

The pieces are the model's own ``tokenize`` (WordPiece for the default model), cut in a worker
(the first time loads the tokenizer), and marked and labelled on every map that shows the same
model's token table. "Pieces per word" cuts every label of the shown set, adds a ``pieces``
column that any view can colour by, and says how many words are 1, 2, 3 and 4+ pieces.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
from PySide6 import QtWidgets as qw
from PySide6.QtCore import QTimer

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.gui.anatomy.overlays import AnatomyOverlays
from embviz.gui.anatomy.pieces_view import ID_ROLE, PiecesView
from embviz.models.model_anatomy import PIECES, piece_summary
from embviz.models.model_tables import table_info
from embviz.models.pieces import Pieces

CHANNEL = "anatomy-pieces"
COUNT_CHANNEL = "anatomy-split-counts"
SAMPLE_TEXT = "Tokenizers cut unfamiliar words into pieces."
DEBOUNCE_MS = 200


class TokenizerSection(qw.QGroupBox):
    def __init__(
        self, window, overlays: AnatomyOverlays, model: Callable[[], str], parent=None
    ) -> None:
        super().__init__("Tokenizer", parent)
        self.window_ = window
        self.overlays = overlays
        self.model = model  # the model chosen in the tables box
        self.shown: Pieces | None = None  # the pieces the chips show
        self.shown_model = ""  # the model that cut them
        self.text = qw.QLineEdit(SAMPLE_TEXT)
        self.text.setPlaceholderText("Type text to see how the model's tokenizer cuts it")
        self.text.setClearButtonEnabled(True)
        self.chips = PiecesView()
        self.chips.itemClicked.connect(self._focus_piece)
        self.summary = qw.QLabel("Edit the text (or open the model's tables) to see its pieces.")
        self.summary.setWordWrap(True)
        self.locate_button = qw.QPushButton("Show on the token map")
        self.locate_button.setToolTip(
            "Show the token table in the map, the pieces marked and labelled (open the model's "
            "tables first)"
        )
        self.locate_button.clicked.connect(self.show_on_token_map)
        self.count_button = qw.QPushButton("Pieces per word of the shown set")
        self.count_button.setToolTip(
            "Cut every label of the shown set with the model's tokenizer: a 'pieces' column to "
            "colour by, and how many words are 1, 2, 3, 4+ pieces"
        )
        self.count_button.clicked.connect(self.count_pieces)
        self.counts = qw.QLabel("")
        self.counts.setWordWrap(True)
        layout = qw.QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.chips)
        layout.addWidget(self.summary)
        layout.addWidget(self.locate_button)
        layout.addWidget(self.count_button)
        layout.addWidget(self.counts)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.cut)
        self.text.textChanged.connect(lambda _t: self._debounce.start())

    # pieces -------------------------------------------------------------------------------
    def cut(self) -> None:
        """Cut the typed text with the model's tokenizer (in a worker)."""
        from embviz.models.model_anatomy import pieces_task

        text, model = self.text.text(), self.model()
        self.window_.runner.run(
            CHANNEL,
            f"Cutting text with the tokenizer of {model}",
            lambda: pieces_task(text, model),
            lambda found: self._on_pieces(model, found),
            lambda exc: self._say(self.summary, _text_of(exc), error=True),
        )

    def _on_pieces(self, model: str, found: Pieces) -> None:
        self.shown, self.shown_model = found, model
        self.chips.show_pieces(found.pieces, found.ids, found.kinds, found.labels)
        n = len(found.pieces)
        where = (
            " Marked on the token map."
            if self.token_set(model) is not None
            else " Open the model's tables to see them on its token map."
        )
        self._say(self.summary, f"{n} piece{'s' if n != 1 else ''}.{where if n else ''}")
        self.overlays.show_pieces(model, np.asarray(found.ids, np.int64), found.text)

    def token_set(self, model: str) -> EmbeddingSet | None:
        """The open token table of ``model`` (None when it is not open)."""
        for eset in self.window_.session.sets:
            info = table_info(eset)
            if info is not None and info.table == "tokens" and info.model == model:
                return eset
        return None

    def show_on_token_map(self) -> bool:
        """Show the token table in the active map with the pieces marked; False if not open."""
        found = self.shown
        eset = self.token_set(self.shown_model if found is not None else self.model())
        if eset is None:
            self._say(self.summary, "Open the model's tables first (Model tables).", error=True)
            return False
        session = self.window_.session
        session.show(eset)
        if found is not None and found.ids:
            session.focus(np.asarray(found.ids, np.int64))
        return True

    def _focus_piece(self, item: qw.QListWidgetItem) -> None:
        found = self.shown
        view = self.window_.session.active
        if found is not None and view.eset is self.token_set(self.shown_model):
            view.focus(np.array([int(item.data(ID_ROLE))]))

    # pieces per word ----------------------------------------------------------------------
    def count_pieces(self) -> None:
        from embviz.models.model_anatomy import split_counts_task

        session = self.window_.session
        eset, model = session.current, self.model()
        if eset is None:
            self._say(self.counts, "Open a set of words first.", error=True)
            return
        words = list(eset.labels)
        self.count_button.setEnabled(False)
        handle = self.window_.runner.run(
            COUNT_CHANNEL,
            f"Cutting the words of {eset.name}",
            lambda: split_counts_task(words, model),
            lambda counts: self._on_counts(eset, counts),
            lambda exc: self._say(self.counts, _text_of(exc), error=True),
        )
        handle.ended.connect(lambda _ok: self.count_button.setEnabled(True))

    def _on_counts(self, eset: EmbeddingSet, counts: np.ndarray) -> None:
        session = self.window_.session
        if eset not in session.sets or len(counts) != len(eset):
            return  # closed meanwhile
        session.set_metadata(eset, {**eset.metadata, PIECES: np.asarray(counts, np.int64)})
        for view in session.views:
            if view.eset is eset:
                view.set_colour_column(PIECES)
        summary = piece_summary(counts)
        parts = " · ".join(f"{k}: {v:,}" for k, v in summary.items())
        self._say(self.counts, f"{eset.name}, words by pieces — {parts}")

    def _say(self, label: qw.QLabel, text: str, error: bool = False) -> None:
        escaped = html.escape(text)
        label.setText(f"<span style='color:#a00'>{escaped}</span>" if error else escaped)


def _text_of(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, EmbvizError) else f"{type(exc).__name__}: {exc}"
