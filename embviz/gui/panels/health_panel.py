"""Health dock: the embedding health report of the set on the map (embviz.core.health).

The report runs in a worker (progress and Cancel here and in the status bar). Its figures are
listed with one line each on what they mean for the reader of the map; its per-point scores
become metadata columns of the set (Model.set_metadata), so the map can be coloured by them (a
button each) and tables show them. The bias tab holds concept axes and WEAT.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from embviz.core.dataset import EmbeddingSet
from embviz.core.health.report import HealthOptions, HealthReport, health_task
from embviz.core.tasks import Progress
from embviz.gui.errors import report_error
from embviz.gui.panels.health_bias import BiasWidget
from embviz.gui.progress_widget import show_fraction
from embviz.gui.tables import fill, table

KEPT_COLUMN = "neighbourhood_kept"
SCORES = [  # (column, button text, what it shows)
    ("k_occurrence", "k-occurrence", "how many points list this one among their k neighbours"),
    ("local_dimension", "local dimension", "intrinsic dimension around the point (MLE)"),
    ("outlier_score", "outlier score", "cosine distance to the k-th neighbour"),
    ("norm", "norm", "length of the original vector"),
    (KEPT_COLUMN, "neighbourhood kept", "share of the k neighbours the projection keeps"),
]


class HealthReportWidget(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.session = window.session
        self.runner = window.runner
        self.report: HealthReport | None = None
        self.k = QSpinBox(minimum=2, maximum=100, value=10)
        self.k.setToolTip("neighbours per point for hubness, local dimension and outliers")
        self.sample = QSpinBox(minimum=0, maximum=10_000_000, value=0, singleStep=10_000)
        self.sample.setSpecialValueText("all rows")
        self.sample.setToolTip(
            "neighbour figures on a random sample of this many rows (all rows: exact up to "
            "60,000, above that an approximate graph whose recall is measured)"
        )
        self.reduction = QCheckBox("Hub reduction too (CSLS, mutual proximity)")
        self.reduction.setToolTip(
            "k-occurrence skewness of hub-reduced neighbour lists; takes as long again"
        )
        self.run_button = QPushButton("Run health report")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel("Anisotropy, hubness, intrinsic dimension, duplicates and outliers.")
        self.status.setWordWrap(True)
        self.figures = QLabel("")  # one paragraph per figure: name, value, what it means
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.hubs = table(["top hub", "k-occurrence"])
        self.colour_buttons: dict[str, QPushButton] = {}
        for column, text, tip in SCORES:
            button = QPushButton(text)
            button.setToolTip(f"Colour the map by {column}: {tip}")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, c=column: self.colour_by(c))
            self.colour_buttons[column] = button
        self._layout()
        self.run_button.clicked.connect(self.run_report)
        self.cancel_button.clicked.connect(lambda: self.runner.cancel("health"))
        self.hubs.cellClicked.connect(self._on_hub_clicked)
        self.session.current_changed.connect(self._on_current)

    def _layout(self) -> None:
        options = QHBoxLayout()
        options.addWidget(QLabel("k:"))
        options.addWidget(self.k)
        options.addWidget(QLabel("sample:"))
        options.addWidget(self.sample)
        options.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        colours = QGridLayout()
        colours.addWidget(QLabel("Colour the map by:"), 0, 0, 1, 2)
        for i, button in enumerate(self.colour_buttons.values()):
            colours.addWidget(button, 1 + i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.reduction)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.figures)
        layout.addLayout(colours)
        layout.addWidget(self.hubs, 2)

    # running --------------------------------------------------------------------------------
    def run_report(self) -> None:
        eset = self.session.current
        if eset is None:
            self.status.setText("Open a set first.")
            return
        reduce = self.reduction.isChecked()
        options = HealthOptions(
            k=self.k.value(),
            sample=self.sample.value() or None,
            hub_reduction=("csls", "mp") if reduce else (),
            analogies=(questions_words() or None) if reduce else None,
        )
        version = eset.version
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setStyleSheet("")
        handle = self.runner.run(
            "health", f"health report of {eset.name}", lambda: health_task(eset, options),
            on_result=lambda report: self.show_report(eset, version, report),
            on_error=self._on_error,
        )  # fmt: skip
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(self._on_ended)

    def _on_progress(self, progress: Progress) -> None:
        self.status.setText(progress.message)
        show_fraction(self.bar, progress.fraction)

    def _on_ended(self, ok: bool) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000 if ok else 0)
        if not ok and self.report is None and "failed" not in self.status.text():
            self.status.setText("Cancelled; nothing was changed.")

    def _on_error(self, exc: BaseException) -> None:
        self.status.setText("The health report failed.")
        report_error(
            self.status,
            self,
            "Health report",
            exc,
            "Computing the health report",
            prefix="The health report failed: ",
        )

    def show_report(self, eset: EmbeddingSet, version: tuple, report: HealthReport) -> None:
        if eset not in self.session.sets or eset.version[:2] != version[:2]:
            return  # the set was closed, or its vectors changed, while the report ran
        self.report = report
        rows: list[tuple[str, str, str]] = list(report.explanations())
        if report.hub_reduction:
            for method, skew in report.hub_reduction["skewness"].items():
                rows.append((f"Skewness with {method.upper()}", f"{skew:.2f}",
                             "hubness after hub reduction (lower: more even lists)"))  # fmt: skip
            analogy = report.hub_reduction.get("analogy", {})
            for method in ("cosine", "csls", "mp"):
                if method in analogy:
                    acc = analogy[method]
                    rows.append((f"Analogies with {method} neighbours",
                                 f"{acc['accuracy']:.1%} of {acc['total']:,}",
                                 "questions-words.txt, 3CosAdd as gensim, first "
                                 f"{analogy['restrict_vocab']:,} rows"))  # fmt: skip
        rows += [("Note", "", note) for note in report.notes]
        self.figures.setText(figures_html(rows))
        fill(self.hubs, [[label, n] for label, n in report.hubness.hubs])
        columns = dict(report.columns)
        quality = self._quality(eset)
        if quality is not None:
            columns[KEPT_COLUMN] = np.asarray(quality.kept, dtype=np.float64)
        self.session.set_metadata(eset, {**eset.metadata, **columns})
        for column, button in self.colour_buttons.items():
            button.setEnabled(column in columns)
        self.status.setText(f"{eset.name}: {report.graph.describe()}.")

    def _quality(self, eset: EmbeddingSet):
        projection = self.session.projection if self.session.current is eset else None
        quality = projection.info.get("quality") if projection is not None else None
        if quality is None or len(quality.kept) != len(eset):
            return None
        return quality

    # acting on the map ----------------------------------------------------------------------
    def colour_by(self, column: str) -> None:
        eset = self.session.current
        if eset is not None and column in eset.metadata:
            self.session.active.set_colour_column(column)

    def _on_hub_clicked(self, row: int, _column: int) -> None:
        eset = self.session.current
        if self.report is None or eset is None or row >= len(self.report.hubness.hubs):
            return
        label = self.report.hubness.hubs[row][0]
        if label in eset:
            target = eset.index_of(label)
            self.session.select([target])
            self.session.focus([target])

    def _on_current(self, eset: EmbeddingSet | None) -> None:
        if self.report is not None and (eset is None or eset.name != self.report.name):
            self.report = None
            self.figures.setText("")
            self.hubs.setRowCount(0)
        for column, button in self.colour_buttons.items():
            button.setEnabled(eset is not None and column in eset.metadata)


def questions_words() -> str:
    """gensim's bundled questions-words.txt, found without importing gensim ('' if absent)."""
    from importlib.util import find_spec

    spec = find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(spec.submodule_search_locations[0]) / "test" / "test_data" / "questions-words.txt"
    return str(path) if path.is_file() else ""


def figures_html(rows: list[tuple[str, str, str]]) -> str:
    """Each figure as a short paragraph: <b>name</b>: value, then what it means, in grey."""
    return "".join(
        f"<p style='margin:0 0 6px 0'><b>{escape(name)}</b>: {escape(value)}<br>"
        f"<span style='color:#666'>{escape(meaning)}</span></p>"
        for name, value, meaning in rows
    )


class HealthPanel(QTabWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.report = HealthReportWidget(window)
        self.bias = BiasWidget(window)
        self.addTab(self.report, "Report")
        self.addTab(self.bias, "Concept axes && WEAT")


def install(window) -> HealthPanel:
    panel = HealthPanel(window)
    window.add_dock("health", "Health", panel)
    return panel
