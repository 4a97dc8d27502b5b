"""Translate tab: a word of A -> the nearest words of B through the fitted map.

Both rankings are computed (cosine and CSLS) so the effect of CSLS is seen at once: the table
shows the one chosen by the CSLS box, and a line says where the other ranking differs. The words
found are marked on B's map. A test dictionary gives accuracy@1 and @5, by cosine and by CSLS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from embviz.core.errors import EmbvizError
from embviz.core.overlay import Overlay
from embviz.gui.errors import show_error
from embviz.gui.panels.compare_tasks import accuracy_task, translation_task
from embviz.gui.tables import fill, table

CHANNEL = "compare-translate"
OVERLAY = "compare-translation"
COLOUR = (148, 103, 189)


class TranslateTab(QWidget):
    def __init__(self, window, panel) -> None:
        super().__init__()
        self.window_ = window
        self.panel = panel  # its comparison, its CSLS box and its two maps
        self.runner = window.runner
        self.result: dict[str, Any] | None = None
        self.query = QLineEdit()
        self.query.setPlaceholderText("a word of A")
        self.query.setClearButtonEnabled(True)
        self.find_button = QPushButton("Translate")
        self.k = QSpinBox(minimum=1, maximum=100, value=5)
        self.k.setToolTip("How many words of B")
        self.results = table(["#", "word of B", "score"])
        self.effect = QLabel("")
        self.effect.setWordWrap(True)
        self.test_path = QLineEdit()
        self.test_path.setPlaceholderText("test dictionary: 'word-in-A word-in-B' per line")
        browse = QPushButton("…")
        browse.setMaximumWidth(30)
        browse.clicked.connect(self._browse)
        self.accuracy_button = QPushButton("Accuracy@1, @5")
        self.accuracy = QLabel("")
        self.accuracy.setWordWrap(True)
        self.info = QLabel("Compare two sets first; translation goes through their alignment.")
        self.info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(QLabel("k:"))
        top.addWidget(self.k)
        top.addWidget(self.find_button)
        test = QHBoxLayout()
        test.addWidget(self.test_path, 1)
        test.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(top)
        self.results.setMaximumHeight(230)  # k rows; the accuracy stays in sight below
        layout.addWidget(self.results)
        layout.addWidget(self.effect)
        layout.addLayout(test)
        layout.addWidget(self.accuracy_button)
        layout.addWidget(self.accuracy)
        layout.addStretch(1)
        self.query.returnPressed.connect(self.translate)
        self.find_button.clicked.connect(self.translate)
        self.accuracy_button.clicked.connect(self.measure_accuracy)
        panel.csls.toggled.connect(lambda _on: self._show())
        self.comparison_changed(None)

    def comparison_changed(self, comparison) -> None:
        self.result = None
        self.results.setRowCount(0)
        self.effect.setText("")
        self.accuracy.setText("")
        ready = comparison is not None
        for widget in (self.query, self.find_button, self.accuracy_button):
            widget.setEnabled(ready)
        if comparison is None:
            self.info.setText("Compare two sets first; translation goes through their alignment.")
            return
        a, b = comparison.pairing.a, comparison.pairing.b
        self.info.setText(
            f"{a.name} → {b.name} through the {comparison.alignment.method} map, "
            f"over all {len(b):,} words of {b.name}."
        )
        completer = QCompleter(a.labels if len(a) <= 300_000 else [], self.query)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.query.setCompleter(completer)

    # translating ----------------------------------------------------------------------------
    def translate(self) -> None:
        comparison, word = self.panel.comparison, self.query.text().strip()
        if comparison is None or not word:
            return
        if word not in comparison.pairing.a:
            self.effect.setText(f"{comparison.pairing.a.name} does not hold {word!r}.")
            return
        k = self.k.value()
        self.runner.run(
            CHANNEL, f"Translating {word}", lambda: translation_task(comparison, word, k),
            on_result=lambda result: self._on_result(comparison, result),
            on_error=self._on_error,
        )  # fmt: skip

    def _on_result(self, comparison, result: dict[str, Any]) -> None:
        if comparison is not self.panel.comparison:
            return
        self.result = result
        self._show()

    def ranking(self) -> list[tuple[str, float]]:
        """The ranking shown (CSLS when the box is ticked)."""
        if self.result is None:
            return []
        return self.result["csls" if self.panel.csls.isChecked() else "cosine"]

    def _show(self) -> None:
        result = self.result
        if result is None:
            return
        csls = self.panel.csls.isChecked()
        shown = self.ranking()
        fill(self.results, [[i + 1, label, score] for i, (label, score) in enumerate(shown)])
        header = self.results.horizontalHeaderItem(2)
        if header is not None:
            header.setText("CSLS" if csls else "cosine")
        other = result["cosine" if csls else "csls"]
        self.effect.setText(effect_text(result["word"], shown, other, csls))
        self._mark_on_b([label for label, _score in shown])

    def _mark_on_b(self, labels: list[str]) -> None:
        maps = self.panel.maps
        if not maps.showing() or maps.b is None or maps.view_b is None:
            return
        rows = [maps.b.index_of(label) for label in labels if label in maps.b]
        caption = f"translations of {self.result['word']}" if self.result else ""
        overlay = Overlay(np.asarray(rows, dtype=np.int64), colour=COLOUR, caption=caption)
        maps.view_b.set_overlay(OVERLAY, overlay)

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, EmbvizError):
            self.effect.setText(str(exc))
        else:
            show_error(self, "Translate", exc, "Translating")

    # accuracy -------------------------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Test dictionary")
        if path:
            self.test_path.setText(path)

    def measure_accuracy(self) -> None:
        comparison, path = self.panel.comparison, self.test_path.text().strip()
        if comparison is None:
            return
        if not path:
            self.accuracy.setText("Choose a test dictionary file first.")
            return
        self.accuracy.setText("Measuring…")
        self.runner.run(
            CHANNEL + "-accuracy", "Translation accuracy", lambda: accuracy_task(comparison, path),
            on_result=self._on_accuracy, on_error=self._on_accuracy_error,
        )  # fmt: skip

    def _on_accuracy(self, result: dict[str, Any]) -> None:
        self.accuracy.setText(accuracy_text(result))

    def _on_accuracy_error(self, exc: BaseException) -> None:
        if isinstance(exc, EmbvizError):
            self.accuracy.setText(str(exc))
        else:
            self.accuracy.setText("")
            show_error(self, "Translation accuracy", exc, "Measuring translation accuracy")


def effect_text(word: str, shown, other, csls: bool) -> str:
    """Where the other ranking differs (CSLS's effect, seen from either side)."""
    if not shown:
        return ""
    name, other_name = ("CSLS", "cosine") if csls else ("cosine", "CSLS")
    top, other_top = shown[0][0], other[0][0] if other else ""
    kept = len({label for label, _ in shown} & {label for label, _ in other})
    if top == other_top:
        first = f"{other_name} gives the same best word ({top})"
    else:
        first = f"{other_name} would give {other_top} first instead of {top}"
    return f"{word}: {first}; {kept} of {len(shown)} words in common with {other_name}."


def accuracy_text(result: dict[str, Any]) -> str:
    plain, csls = result["cosine"], result["csls"]
    skipped = plain.get("skipped_pairs", 0)
    note = f"; {skipped:,} pairs skipped (a word not in its set)" if skipped else ""
    return (
        f"{plain['words']:,} test words{note}.<br>"
        f"cosine: accuracy@1 <b>{plain['at1']:.1%}</b>, @5 <b>{plain['at5']:.1%}</b><br>"
        f"CSLS: accuracy@1 <b>{csls['at1']:.1%}</b>, @5 <b>{csls['at5']:.1%}</b>"
    )
