"""Analogy dock: the workbench (3CosAdd and 3CosMul side by side) and the benchmarks tab.

"a is to b as c is to ?" is answered by :mod:`embviz.core.analogy` in a worker; the answer's
parallelogram a-b, a-c, b-answer, c-answer is drawn on the map.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from embviz.core.analogy import METHOD_NAMES, METHODS, AnalogyResult, solve
from embviz.core.composed import composed_note
from embviz.core.dataset import EmbeddingSet
from embviz.core.neighbors import MAX_K
from embviz.core.overlay import Overlay
from embviz.core.tasks import as_task
from embviz.gui.errors import report_error
from embviz.gui.panels.analogy_benchmark import BenchmarkWidget
from embviz.gui.tables import fill, table

OVERLAY = "analogy"
COLOUR = (214, 39, 40)


class AnalogyWorkbench(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.session = window.session
        self.runner = window.runner
        self.results: dict[str, AnalogyResult] = {}
        self.words = {name: QLineEdit() for name in ("a", "b", "c", "expected")}
        placeholders = {"a": "man", "b": "king", "c": "woman", "expected": "(optional) queen"}
        for name, edit in self.words.items():
            edit.setPlaceholderText(placeholders[name])
            edit.returnPressed.connect(self.solve)
        self.k = QSpinBox(minimum=1, maximum=MAX_K, value=10)
        self.exclude = QCheckBox("Exclude the input words a, b, c from the answers")
        self.exclude.setChecked(True)
        self.exclude.setToolTip(
            "On by default, as gensim does. With it off, 'man : doctor :: woman : ?' often "
            "answers 'doctor'."
        )
        self.exclude.toggled.connect(self._on_exclude_toggled)
        self.solve_button = QPushButton("Solve")
        self.solve_button.clicked.connect(self.solve)
        self.message = QLabel("a is to b as c is to ?")
        self.message.setWordWrap(True)
        self.tables = {m: table(["#", "answer", "score"]) for m in METHODS}
        self.ranks = {m: QLabel("") for m in METHODS}
        for method, widget in self.tables.items():
            widget.cellClicked.connect(lambda row, _c, m=method: self._on_clicked(m, row))
        self._layout()

    def _layout(self) -> None:
        grid = QGridLayout()
        for col, (name, text) in enumerate(
            [("a", "a"), ("b", "is to b"), ("c", "as c"), ("expected", "is to ? expected")]
        ):
            grid.addWidget(QLabel(text), 0, col)
            grid.addWidget(self.words[name], 1, col)
        options = QHBoxLayout()
        options.addWidget(QLabel("top k:"))
        options.addWidget(self.k)
        options.addStretch(1)
        options.addWidget(self.solve_button)
        side = QHBoxLayout()
        for method in METHODS:
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{METHOD_NAMES[method]}</b>"))
            column.addWidget(self.tables[method], 1)
            column.addWidget(self.ranks[method])
            side.addLayout(column)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(options)
        layout.addWidget(self.exclude)
        layout.addWidget(self.message)
        layout.addLayout(side, 1)

    def open_question(self, a: str, b: str, c: str, expected: str | None = None) -> None:
        """Fill in a question (e.g. a failed benchmark question) and solve it."""
        for name, value in zip(("a", "b", "c", "expected"), (a, b, c, expected or ""), strict=True):
            self.words[name].setText(value)
        self.solve()

    def solve(self) -> None:
        eset = self.session.current
        a, b, c, expected = (self.words[n].text().strip() for n in ("a", "b", "c", "expected"))
        if eset is None or not (a and b and c):
            return
        k, exclude = self.k.value(), self.exclude.isChecked()

        def compute():
            return {m: solve(eset, a, b, c, k, m, exclude, expected or None) for m in METHODS}

        self.message.setText("Solving…")
        self.runner.run(
            "analogy", f"{a} : {b} :: {c} : ?", lambda: as_task(compute()),
            on_result=lambda results: self.show_results(eset, results), on_error=self._on_error,
        )  # fmt: skip

    def show_results(self, eset: EmbeddingSet, results: dict[str, AnalogyResult]) -> None:
        if eset is not self.session.current:
            return
        self.results = results
        first = results["3cosadd"]
        for method, result in results.items():
            rows = zip(result.labels, result.scores, strict=True)
            fill(self.tables[method], [[i + 1, w, float(s)] for i, (w, s) in enumerate(rows)])
            self.ranks[method].setText(_rank_text(result))
        inputs = "excluded from" if first.exclude_inputs else "ALLOWED among"
        self.message.setStyleSheet("" if first.exclude_inputs else "color: #b35900")
        self.message.setText(
            f"{first.a} : {first.b} :: {first.c} : <b>{first.labels[0] if first.labels else '?'}"
            f"</b> (3CosAdd). Input words are {inputs} the answers."
            + (f" {composed_note(first.composed)}." if first.composed else "")
        )
        self.draw(first, first.answer_row)

    def draw(self, result: AnalogyResult, answer: int | None) -> None:
        """The parallelogram a-b, a-c, b-answer, c-answer on the map."""
        if answer is None or min(result.input_rows) < 0:  # an input composed from sub-words
            return
        ia, ib, ic = result.input_rows
        overlay = Overlay(
            rows=np.asarray([ia, ib, ic, answer], dtype=np.int64),
            edges=[(ia, ib), (ia, ic), (ib, answer), (ic, answer)],
            colour=COLOUR,
            caption=f"{result.a} : {result.b} :: {result.c} : "
            f"{self.session.current.labels[answer]}",
        )
        self.session.set_overlay(OVERLAY, overlay)

    def _on_clicked(self, method: str, row: int) -> None:
        result = self.results.get(method)
        if result is None or row >= len(result.rows):
            return
        target = int(result.rows[row])
        self.session.select([target])
        self.session.focus([target])
        self.draw(result, target)

    def _on_exclude_toggled(self, _on: bool) -> None:
        if self.results:
            self.solve()

    def _on_error(self, exc: BaseException) -> None:
        self.clear()
        self.session.set_overlay(OVERLAY, None)
        report_error(self.message, self, "Analogy", exc, "Solving the analogy")

    def clear(self) -> None:
        self.results = {}
        for method in METHODS:
            self.tables[method].setRowCount(0)
            self.ranks[method].setText("")
        self.message.setStyleSheet("")
        self.message.setText("a is to b as c is to ?")


def _rank_text(result: AnalogyResult) -> str:
    if not result.expected:
        return ""
    if result.expected_rank is None:
        return " ".join(result.notes)
    return f"{result.expected!r}: rank {result.expected_rank:,} (score {result.expected_score:.4f})"


class AnalogyPanel(QTabWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.workbench = AnalogyWorkbench(window)
        self.benchmark = BenchmarkWidget(window, self.open_question)
        self.addTab(self.workbench, "Workbench")
        self.addTab(self.benchmark, "Benchmarks")
        window.session.current_changed.connect(lambda _eset: self.workbench.clear())

    def open_question(self, a: str, b: str, c: str, expected: str) -> None:
        self.setCurrentWidget(self.workbench)
        self.workbench.open_question(a, b, c, expected)


def install(window) -> AnalogyPanel:
    panel = AnalogyPanel(window)
    window.add_dock("analogy", "Analogies", panel)
    return panel
