"""The health dock's bias tab: a concept axis from two word lists (every point projected on it,
as a metadata column the map can be coloured by) and WEAT (embviz.core.health.bias).

Word lists are typed (separated by commas or new lines) or loaded from a text file with one word
per line.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from embviz.core.errors import EmbvizError
from embviz.core.health.bias import (
    ConceptAxis,
    Weat,
    axis_from_pairs,
    axis_from_sets,
    read_word_list,
    split_words,
    weat,
)
from embviz.core.tasks import as_task
from embviz.gui.errors import report_error, show_error

AXIS_METHODS = {
    "mean of one list - mean of the other": "sets",
    "first principal component of the pairs (Bolukbasi)": "pca",
    "mean of the pair differences": "mean",
}
PLACEHOLDERS = {
    "X": "targets X, e.g. math, algebra, geometry",
    "Y": "targets Y, e.g. poetry, art, dance",
    "A": "attributes A, e.g. male, man, boy, he",
    "B": "attributes B, e.g. female, woman, girl, she",
}


class WordList(QWidget):
    """A small box of words with a Load… button (one word per line in the file)."""

    def __init__(self, placeholder: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setFixedHeight(54)
        self.load_button = QPushButton("Load…")
        self.load_button.setToolTip("A text file with one word per line")
        self.load_button.clicked.connect(self.load)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.load_button)

    def load(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Word list (one word per line)")
            if not path:
                return
        try:
            words = read_word_list(path)
        except EmbvizError as exc:
            self.edit.setToolTip(str(exc))
            show_error(self, "Word list", exc, "Reading the word list")
            return
        self.edit.setPlainText("\n".join(words))

    def words(self) -> list[str]:
        return split_words(self.edit.toPlainText())


class BiasWidget(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.session = window.session
        self.runner = window.runner
        self.lists = {name: WordList(text, self) for name, text in PLACEHOLDERS.items()}
        self.axis_method = QComboBox()
        self.axis_method.addItems(list(AXIS_METHODS))
        self.axis_button = QPushButton("Project every point on A → B")
        self.axis_label = QLabel("A concept axis runs from the B words to the A words.")
        self.axis_label.setWordWrap(True)
        self.permutations = QSpinBox(minimum=100, maximum=1_000_000, value=10_000)
        self.permutations.setToolTip("random partitions when there are too many to count all")
        self.weat_button = QPushButton("Run WEAT")
        self.result = QLabel("WEAT: do X and Y differ in how they associate with A and B?")
        self.result.setWordWrap(True)
        self.axis: ConceptAxis | None = None
        self.last: Weat | None = None
        self._layout()
        self.axis_button.clicked.connect(self.project_axis)
        self.weat_button.clicked.connect(self.run_weat)

    def _layout(self) -> None:
        words = QGridLayout()
        for i, (name, widget) in enumerate(self.lists.items()):
            words.addWidget(QLabel(name), i, 0)
            words.addWidget(widget, i, 1)
        axis = QGroupBox("Concept axis (from the A and B lists)")
        axis_box = QVBoxLayout(axis)
        axis_box.addWidget(self.axis_method)
        axis_box.addWidget(self.axis_button)
        axis_box.addWidget(self.axis_label)
        test = QGroupBox("WEAT (Caliskan et al. 2017)")
        test_box = QVBoxLayout(test)
        row = QHBoxLayout()
        row.addWidget(QLabel("permutations:"))
        row.addWidget(self.permutations)
        row.addStretch(1)
        row.addWidget(self.weat_button)
        test_box.addLayout(row)
        test_box.addWidget(self.result)
        layout = QVBoxLayout(self)
        layout.addLayout(words)
        layout.addWidget(axis)
        layout.addWidget(test)
        layout.addStretch(1)

    def project_axis(self) -> None:
        eset = self.session.current
        if eset is None:
            return
        a, b = self.lists["A"].words(), self.lists["B"].words()
        method = AXIS_METHODS[self.axis_method.currentText()]
        try:
            if method == "sets":
                axis = axis_from_sets(eset, a, b)
            else:
                axis = axis_from_pairs(eset, list(zip(a, b, strict=False)), method)
        except EmbvizError as exc:
            report_error(self.axis_label, self, "Concept axis", exc, "Making the axis")
            return
        self.axis = axis
        column = f"axis: {axis.name}"
        self.session.set_metadata(eset, {**eset.metadata, column: axis.project(eset)})
        self.session.active.set_colour_column(column)
        skipped = f" Skipped: {', '.join(axis.skipped)}." if axis.skipped else ""
        explained = f" First component: {axis.explained:.0%} of the pairs' variance." if (
            axis.explained is not None) else ""  # fmt: skip
        self.axis_label.setStyleSheet("")
        self.axis_label.setText(
            f"Column '{column}': cos(point, axis) from {len(axis.used)} words or pairs; the map "
            f"is coloured by it.{explained}{skipped}"
        )

    def run_weat(self) -> None:
        eset = self.session.current
        if eset is None:
            return
        x, y, a, b = (self.lists[n].words() for n in "XYAB")
        permutations = self.permutations.value()
        self.result.setStyleSheet("")
        self.result.setText("Running WEAT…")
        self.runner.run(
            "weat", "WEAT", lambda: as_task(weat(eset, x, y, a, b, permutations=permutations)),
            on_result=self.show_weat, on_error=self._on_error,
        )  # fmt: skip

    def show_weat(self, result: Weat) -> None:
        self.last = result
        how = (
            f"exact over all {result.partitions:,} partitions"
            if result.exact
            else f"{result.partitions:,} random partitions, seed {result.seed}"
        )
        skipped = ", ".join(result.skipped) or "none"
        self.result.setText(
            f"<b>effect size {result.effect_size:.3f}</b> (sample std over X ∪ Y), one-sided "
            f"p-value {result.p_value:.4g} ({how}).<br>Words used: "
            + ", ".join(f"{k} {v}" for k, v in result.sizes.items())
            + f". Skipped (not in the set): {skipped}."
        )

    def _on_error(self, exc: BaseException) -> None:
        report_error(self.result, self, "WEAT", exc, "Running WEAT")
