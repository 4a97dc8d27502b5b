"""Search box: substring or regex over labels; reports the count or a bad pattern plainly."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget
from superqt.utils import qdebounced

from embviz.core.search import SearchResult


class SearchBar(QWidget):
    searchRequested = Signal(str, bool, bool)  # pattern, regex, case sensitive
    activated = Signal()  # Enter pressed: centre on the hits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Search labels, e.g. king")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(260)
        self.regex = QCheckBox("Regex")
        self.case = QCheckBox("Match case")
        self.count = QLabel("")
        self.count.setMinimumWidth(160)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Search:"))
        for widget in (self.edit, self.regex, self.case, self.count):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._emit_later)
        self.edit.returnPressed.connect(self._emit_now_and_activate)
        self.regex.toggled.connect(self._emit_now)
        self.case.toggled.connect(self._emit_now)

    @qdebounced(timeout=150)
    def _emit_later(self, *_args) -> None:
        self._emit_now()

    def _emit_now(self, *_args) -> None:
        self.searchRequested.emit(self.edit.text(), self.regex.isChecked(), self.case.isChecked())

    def request_search(self) -> None:
        """Search again now with what the box holds (e.g. another column was chosen)."""
        self._emit_now()

    def _emit_now_and_activate(self) -> None:
        self._emit_now()
        self.activated.emit()

    def show_result(self, result: SearchResult) -> None:
        if result.error:
            self.count.setText(result.error)
            self.count.setStyleSheet("color: #b00020;")
        elif not result.pattern:
            self.count.setText("")
            self.count.setStyleSheet("")
        else:
            noun = "match" if result.count == 1 else "matches"
            self.count.setText(f"{result.count:,} {noun}")
            self.count.setStyleSheet("" if result.count else "color: #8a6d00;")
