"""The polysemy lab window: target words side by side, sentences in, a layer slider.

Embedding runs in ``window.runner`` on the "polysemy" channel (progress, Cancel); each map is
projected by a reducer on its own channel and kept per (word, layer, method, dims), with the
static vector placed on it by the core, so after the first pass moving the slider redraws from
what is already there. 3-D maps need OpenGL: without it the 2D/3D switch says so and stays 2-D.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6 import QtWidgets as qw
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QSyntaxHighlighter, QTextCharFormat
from superqt import QLabeledSlider

from embviz.core.errors import EmbvizError
from embviz.core.paths import resource
from embviz.core.polysemy import PolysemyResult, find_in_corpus, parse_sentences
from embviz.core.tasks import Progress
from embviz.gui.polysemy.lab_find import LabFind
from embviz.gui.polysemy.lab_layouts import LabLayouts
from embviz.gui.polysemy.lab_maps import CHANNEL, LabMaps
from embviz.gui.polysemy.word_column import WordColumn
from embviz.gui.progress_widget import show_fraction

SAMPLE = "polysemy/sample.tsv"
SAMPLE_WORDS = "bank, bat, spring, cell"
RUN_DESCRIPTION = "Polysemy lab: embedding"
METHODS = (("PCA", "pca"), ("t-SNE", "tsne"), ("UMAP", "umap"))
DIMS = (("2D", 2), ("3D", 3))


SENTENCES_WIDTH = 350  # the sentences column: about 50 characters before a line wraps; the
# four sample words' columns (300 px at least each) still fit beside it in the 1600 px window


class _SentenceColours(QSyntaxHighlighter):
    """Comments and each line's sense label and word (after a TAB) in grey: the sentence stands
    out even where the TAB lands right after its last word."""

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt naming
        grey = QTextCharFormat()
        grey.setForeground(QColor("#8a8a8a"))
        if text.lstrip().startswith("#"):
            grey.setFontItalic(True)
            self.setFormat(0, len(text), grey)
        elif "\t" in text:
            start = text.index("\t")
            self.setFormat(start, len(text) - start, grey)


class PolysemyLab(LabFind, LabMaps, qw.QWidget):
    def __init__(self, window) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setWindowTitle("Polysemy lab — embviz")
        self.resize(1600, 1000)
        self.results: dict[str, PolysemyResult] = {}
        self.columns: dict[str, WordColumn] = {}
        self.layouts = LabLayouts()  # the maps, kept with the data they show
        self.gl_problem: str | None = None  # why 3-D cannot be shown here, once asked
        self._init_aligned()
        self._build()
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
            QShortcut(keys, self, self.close)

    # construction -------------------------------------------------------------------------
    def _build(self) -> None:
        self.words_edit = qw.QLineEdit(SAMPLE_WORDS)
        self.words_edit.setToolTip("Target words, separated by commas; each gets its own column")
        self.model_edit = qw.QComboBox()
        self.model_edit.setEditable(True)
        self.model_edit.addItem("default")
        self.model_edit.setToolTip("default (all-MiniLM-L6-v2) or a local model folder")
        self.pooling_box = qw.QComboBox()
        self.pooling_box.addItems(["mean", "first", "last"])
        self.pooling_box.setToolTip("How a word's sub-word pieces are pooled")
        self.method_box = qw.QComboBox()
        for title, name in METHODS:
            self.method_box.addItem(title, name)
        self.method_box.currentIndexChanged.connect(lambda _: self.show_layer())
        self.dims_box = qw.QComboBox()
        for title, dims in DIMS:
            self.dims_box.addItem(title, dims)
        self.dims_box.setToolTip("2-D or 3-D map (3-D: drag to orbit, wheel to zoom; needs OpenGL)")
        self.dims_box.currentIndexChanged.connect(
            lambda _: self.set_dims(self.dims_box.currentData())
        )
        self.aligned_box = qw.QCheckBox("Aligned across layers")
        self.aligned_box.setChecked(True)
        self.aligned_box.setToolTip(
            "2-D maps of all layers computed at once and aligned layer to layer (PCA and t-SNE: "
            "Procrustes; UMAP: AlignedUMAP), so the layer slider moves the points"
        )
        self.aligned_box.toggled.connect(lambda _: self.show_layer())
        self.run_button = qw.QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = qw.QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = qw.QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.message = qw.QLabel("")
        top = qw.QHBoxLayout()
        for label, widget in (("Words:", self.words_edit), ("Model:", self.model_edit),
                              ("Pieces:", self.pooling_box), ("Map:", self.method_box),
                              ("", self.dims_box), ("", self.aligned_box)):  # fmt: skip
            if label:
                top.addWidget(qw.QLabel(label))
            top.addWidget(widget, 3 if widget is self.words_edit else 0)
        for control in (self.run_button, self.cancel_button, self.progress):
            top.addWidget(control)

        self.slider = QLabeledSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 6)
        self.slider.setValue(6)
        self.slider.setToolTip("hidden_states index: 0 is the embedding layer")
        self.slider.valueChanged.connect(lambda _: self.show_layer())
        slider_row = qw.QHBoxLayout()
        slider_row.addWidget(qw.QLabel("Layer:"))
        slider_row.addWidget(self.slider, 1)

        # the sentences wrap at the column's width: each is read whole, nothing scrolls sideways
        self.text = qw.QPlainTextEdit()
        self.text.setPlaceholderText("One sentence per line; optionally TAB sense label TAB word")
        self.text.setLineWrapMode(qw.QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setTabStopDistance(3 * self.text.fontMetrics().horizontalAdvance(" "))
        self._colours = _SentenceColours(self.text.document())
        find_row = self._build_find()
        find_row.addWidget(self.message, 2)
        slider_row.addLayout(find_row, 2)
        self.report = qw.QLabel("")
        self.report.setWordWrap(True)
        self.corpus_limit = qw.QSpinBox()
        self.corpus_limit.setRange(2, 100000)
        self.corpus_limit.setValue(40)
        self.corpus_limit.setToolTip(
            "Most sentences taken per word, sampled evenly over the corpus"
        )
        buttons = qw.QGridLayout()
        for i, (title, slot) in enumerate((("Sample", self.load_sample),
                                           ("Load file…", self._load_dialog),
                                           ("Find in corpus…", self._corpus_dialog))):  # fmt: skip
            button = qw.QPushButton(title)
            button.clicked.connect(slot)
            buttons.addWidget(button, 0, i)
        buttons.addWidget(qw.QLabel("corpus limit:"), 1, 1)
        buttons.addWidget(self.corpus_limit, 1, 2)
        left = qw.QGroupBox("Sentences")
        left.setMinimumWidth(300)
        left_layout = qw.QVBoxLayout(left)
        left_layout.addWidget(self.text, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.report)

        self.columns_host = qw.QWidget()
        self.columns_layout = qw.QHBoxLayout(self.columns_host)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        scroll = qw.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.columns_host)
        right = qw.QWidget()
        right_layout = qw.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(slider_row)
        right_layout.addWidget(scroll, 1)
        split = qw.QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([SENTENCES_WIDTH, 1600 - SENTENCES_WIDTH])
        split.setStretchFactor(1, 1)
        layout = qw.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # input --------------------------------------------------------------------------------
    def words(self) -> list[str]:
        return list(
            dict.fromkeys(w.strip() for w in self.words_edit.text().split(",") if w.strip())
        )

    def load_sample(self) -> None:
        self.text.setPlainText(resource(SAMPLE).read_text(encoding="utf-8"))
        self.words_edit.setText(SAMPLE_WORDS)

    def load_file(self, path: str | Path) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            parse_sentences(text, str(path))
        except (OSError, UnicodeDecodeError, EmbvizError) as exc:
            self._say(f"{path}: {exc}", error=True)
            return
        self.text.setPlainText(text)

    def find_in_corpus(self, path: str | Path) -> None:
        lines = []
        for word in self.words():
            try:
                found, total = find_in_corpus(path, word, self.corpus_limit.value())
            except EmbvizError as exc:
                self._say(str(exc), error=True)
                return
            lines += [f"{s}\t\t{word.lower()}" for s in found]
            self._say(f"{word}: {len(found)} of {total} sentences in {Path(path).name}")
        self.text.setPlainText("\n".join(lines))

    def _load_dialog(self) -> None:
        path = qw.QFileDialog.getOpenFileName(
            self, "Sentences file", "", "Text (*.txt *.tsv);;All (*)"
        )[0]
        if path:
            self.load_file(path)

    def _corpus_dialog(self) -> None:
        path = qw.QFileDialog.getOpenFileName(self, "Corpus file")[0]
        if path:
            self.find_in_corpus(path)

    # work ---------------------------------------------------------------------------------
    def run(self) -> None:
        from embviz.models.polysemy_run import lab_task

        try:
            lines = parse_sentences(self.text.toPlainText(), "sentences")
        except EmbvizError as exc:
            self._say(str(exc), error=True)
            return
        words = self.words()
        if not words or not lines:
            self._say("Give at least one target word and some sentences.", error=True)
            return
        model, pooling = (
            self.model_edit.currentText().strip() or "default",
            self.pooling_box.currentText(),
        )
        self._set_columns(words)
        self.cancel_button.setEnabled(True)
        handle = self.window_.runner.run(
            CHANNEL,
            RUN_DESCRIPTION,
            lambda: lab_task(words, lines, model, pooling),
            self._on_results,
            self._on_error,
        )
        handle.progressed.connect(self._on_progress)  # this run's progress, and only its

    def _on_progress(self, progress: Progress) -> None:
        show_fraction(self.progress, progress.fraction)
        self._say(progress.message)

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self.cancel_aligned()
        self.cancel_button.setEnabled(False)
        self._say("Cancelled; what was shown stays.")

    def _set_columns(self, words: list[str]) -> None:
        if list(self.columns) == words:
            return
        for column in self.columns.values():
            column.setParent(None)
            column.deleteLater()
        n_layers, layer = self.slider.maximum(), self.slider.value()
        self.columns = {w: WordColumn(w, n_layers=n_layers, layer=layer) for w in words}
        for column in self.columns.values():
            self.columns_layout.addWidget(column)
            column.occurrence_map.set_dims(self.dims())

    def _on_results(self, results: dict) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setValue(1000)
        self.results = {w: r for w, r in results.items() if isinstance(r, PolysemyResult)}
        self.layouts.reset(self.results)
        self.reset_aligned()
        self.progress.setRange(0, 1000)
        report = []
        for word, result in results.items():
            column = self.columns.get(word)
            if column is None:
                continue  # not a word of this run
            if isinstance(result, PolysemyResult):
                column.set_result(result)
                for line in result.without_word:
                    report.append(
                        f"line {line.line}: no “{html.escape(word)}” — {html.escape(line.text)}"
                    )
            else:
                column.show_message(str(result))
        self.report.setText("<br>".join(report) or "Every sentence contains its word.")
        layers = [r.layers[-1] for r in self.results.values()]
        if layers:
            self.slider.setRange(0, max(layers))
        self._say(f"Done: {len(self.results)} of {len(results)} words measured.")
        self.show_layer()
        self.apply_find()

    def _on_error(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(False)
        self._say(
            str(exc) if isinstance(exc, EmbvizError) else f"{type(exc).__name__}: {exc}", error=True
        )

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#a00" if error else "#333"
        self.message.setText(f"<span style='color:{colour}'>{html.escape(text)}</span>")
