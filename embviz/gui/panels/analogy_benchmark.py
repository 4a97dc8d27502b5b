"""Benchmarks tab of the analogy dock: analogy files and word-similarity files, run in a worker.

Figures use gensim's defaults (first 300,000 rows, case-insensitive, unknown words skipped), so they
are comparable with ``KeyedVectors.evaluate_word_analogies`` / ``evaluate_word_pairs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from embviz.core.dataset import EmbeddingSet
from embviz.core.evaluate import (
    RESTRICT_VOCAB,
    AnalogyReport,
    Question,
    evaluate_analogies_task,
    evaluate_similarity,
)
from embviz.core.tasks import as_task
from embviz.gui.errors import message_for
from embviz.gui.tables import fill, table


def _bundled(name: str) -> str:
    """A benchmark file from gensim's bundled test data, found without importing gensim
    (its import costs seconds at start-up)."""
    from importlib.util import find_spec

    spec = find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(spec.submodule_search_locations[0]) / "test" / "test_data" / name
    return str(path) if path.is_file() else ""


class BenchmarkWidget(QWidget):
    def __init__(self, window, open_question: Callable[[str, str, str, str], None]) -> None:
        super().__init__(window)
        self.session = window.session
        self.runner = window.runner
        self.open_question = open_question
        self.report: AnalogyReport | None = None
        self.failures: list[Question] = []
        self.analogy_file = QLineEdit(_bundled("questions-words.txt"))
        self.similarity_file = QLineEdit(_bundled("wordsim353.tsv"))
        self.restrict = QSpinBox(minimum=1, maximum=100_000_000, value=RESTRICT_VOCAB)
        self.restrict.setGroupSeparatorShown(True)
        self.restrict.setToolTip("Only the first N rows count (gensim's restrict_vocab)")
        self.case_insensitive = QCheckBox("Case-insensitive (as gensim)")
        self.case_insensitive.setChecked(True)
        self.run_analogies = QPushButton("Run analogies")
        self.run_similarity = QPushButton("Run similarity")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.sections = table(["section", "accuracy", "correct", "total", "skipped"])
        self.failed = table(["failed question (click to open)", "expected", "answered"])
        self._layout()
        self.run_analogies.clicked.connect(self.start_analogies)
        self.run_similarity.clicked.connect(self.start_similarity)
        self.sections.currentCellChanged.connect(lambda row, *_: self._show_failures(row))
        self.failed.cellClicked.connect(self._on_failure_clicked)
        self.session.current_changed.connect(lambda _eset: self._clear())

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.addWidget(QLabel("Analogies:"), 0, 0)
        grid.addWidget(self.analogy_file, 0, 1)
        grid.addWidget(self._browse(self.analogy_file), 0, 2)
        grid.addWidget(self.run_analogies, 0, 3)
        grid.addWidget(QLabel("Similarity:"), 1, 0)
        grid.addWidget(self.similarity_file, 1, 1)
        grid.addWidget(self._browse(self.similarity_file), 1, 2)
        grid.addWidget(self.run_similarity, 1, 3)
        grid.addWidget(QLabel("First rows:"), 2, 0)
        grid.addWidget(self.restrict, 2, 1)
        grid.addWidget(self.case_insensitive, 3, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.sections)
        split.addWidget(self.failed)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def _browse(self, edit: QLineEdit) -> QPushButton:
        button = QPushButton("…")
        button.setToolTip("Choose a file")

        def choose() -> None:
            path, _ = QFileDialog.getOpenFileName(self, "Benchmark file", edit.text())
            if path:
                edit.setText(path)

        button.clicked.connect(choose)
        return button

    # analogies ----------------------------------------------------------------------------
    def start_analogies(self) -> None:
        eset, path = self.session.current, self.analogy_file.text().strip()
        if eset is None or not path:
            return
        restrict, folded = self.restrict.value(), self.case_insensitive.isChecked()
        self.summary.setText("Answering analogy questions…")
        self.runner.run(
            "evaluate", "Analogy benchmark",
            lambda: evaluate_analogies_task(eset, path, restrict, folded),
            on_result=lambda report: self.show_report(eset, report), on_error=self._on_error,
        )  # fmt: skip

    def show_report(self, eset: EmbeddingSet, report: AnalogyReport) -> None:
        if eset is not self.session.current:
            return
        self.report = report
        fill(
            self.sections,
            [[s.name, f"{s.accuracy:.1%}", s.correct, s.total, s.skipped] for s in report.sections],
        )
        case = "case-insensitive" if report.case_insensitive else "case-sensitive"
        self.summary.setText(
            f"<b>Accuracy {report.accuracy:.2%}</b> ({report.correct:,} of {report.total:,} "
            f"answered); {report.skipped:,} skipped for a word outside the first "
            f"{report.restrict_vocab:,} rows; 3CosAdd, {case}. Select a section to see its "
            "failed questions."
        )
        self.sections.selectRow(0)

    def _show_failures(self, row: int) -> None:
        if self.report is None or not 0 <= row < len(self.report.sections):
            return
        self.failures = self.report.sections[row].failures()
        eset = self.session.current
        fill(
            self.failed,
            [
                [" ".join(eset.labels[r] for r in q.rows[:3]), eset.labels[q.rows[3]], q.predicted]
                for q in self.failures
                if q.rows is not None  # failures are answered questions: they have rows
            ],
        )

    def _on_failure_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.failures) and self.session.current is not None:
            labels = [self.session.current.labels[r] for r in self.failures[row].rows or ()]
            self.open_question(*labels)

    # similarity ---------------------------------------------------------------------------
    def start_similarity(self) -> None:
        eset, path = self.session.current, self.similarity_file.text().strip()
        if eset is None or not path:
            return
        restrict, folded = self.restrict.value(), self.case_insensitive.isChecked()
        self.runner.run(
            "evaluate", "Similarity benchmark",
            lambda: as_task(evaluate_similarity(eset, path, "\t", restrict, folded)),
            on_result=self._show_similarity, on_error=self._on_error,
        )  # fmt: skip

    def _show_similarity(self, report) -> None:
        self.summary.setText(
            f"<b>Spearman {report.spearman:.4f}</b>, Pearson {report.pearson:.4f} on "
            f"{report.pairs:,} pairs; {report.skipped:,} pairs skipped for unknown words."
        )

    def _on_error(self, exc: BaseException) -> None:
        self.summary.setText(message_for(exc, "Running the benchmark")[0])

    def _clear(self) -> None:
        self.report, self.failures = None, []
        self.sections.setRowCount(0)
        self.failed.setRowCount(0)
        self.summary.setText("")
