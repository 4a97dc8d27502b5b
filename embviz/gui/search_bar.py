"""Search box: substring, whole word, exact ("quoted") or regex over labels; reports the count
(and how the pattern was read) or a bad pattern plainly."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget
from superqt.utils import qdebounced

from embviz.core.search import SearchResult

HELP = (
    "Finds labels containing the text, ignoring case.\n"
    'Put it in quotes ("king") to find exactly that label.\n'
    "Whole word: “king” finds king and Burger King, not working or kingdom."
)


class SearchBar(QWidget):
    searchRequested = Signal(str, bool, bool, bool)  # pattern, regex, case sensitive, whole word
    activated = Signal()  # Enter pressed: centre on the hits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText('Search labels: king, or "king" for exactly king')
        self.edit.setToolTip(HELP)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(160)  # the window fits in 800 px (and shrinks below)
        self.whole_word = QCheckBox("Whole word")
        self.whole_word.setToolTip("Match only whole words: king, not working or kingdom")
        self.regex = QCheckBox("Regex")
        self.case = QCheckBox("Match case")
        self.count = QLabel("")
        self.count.setMinimumWidth(90)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Search:"))
        for widget in (self.edit, self.whole_word, self.regex, self.case, self.count):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._emit_later)
        self.edit.returnPressed.connect(self._emit_now_and_activate)
        for box in (self.whole_word, self.regex, self.case):
            box.toggled.connect(self.request_search)

    @qdebounced(timeout=150)
    def _emit_later(self, *_args) -> None:
        self.request_search()

    def request_search(self, *_args) -> None:
        """Ask for the search now (e.g. when what is searched changed beside the box)."""
        self.searchRequested.emit(
            self.edit.text(),
            self.regex.isChecked(),
            self.case.isChecked(),
            self.whole_word.isChecked(),
        )

    _emit_now = request_search  # the name callers used before

    def _emit_now_and_activate(self) -> None:
        self.request_search()
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
            mode = "" if result.mode == "substring" else f" ({result.mode})"
            self.count.setText(f"{result.count:,} {noun}{mode}")
            self.count.setStyleSheet("" if result.count else "color: #8a6d00;")
