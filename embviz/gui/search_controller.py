"""Connects the search box to the model: what is searched (labels or a metadata column), the
match count and the list of hits, all of the active view.

The search box says what a person asked; the model's active view runs it and announces the
result; the count and the hit list show that result with the labels of the set it belongs to.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from embviz.core.search import SearchResult
from embviz.gui.views.hit_list import HitList

LABELS = "labels"


class SearchController:
    def __init__(self, window) -> None:
        self.window = window
        self.model = model = window.session
        self.bar = window.search_bar
        self.search_in = QComboBox()
        self.search_in.setToolTip("Search the labels or a metadata column")
        self.search_in.addItem(LABELS)
        # on the first toolbar row, beside the set: the search row is full at 800 px
        window.set_toolbar.addSeparator()
        window.set_toolbar.addWidget(QLabel(" Search in: "))
        window.set_toolbar.addWidget(self.search_in)
        self.hit_list = HitList(model)
        window.add_dock("search-results", "Search results", self.hit_list)
        self.bar.searchRequested.connect(self.run_search)
        self.bar.activated.connect(lambda: model.focus(model.search.indices))
        self.search_in.activated.connect(lambda _i: self.bar.request_search())
        model.current_changed.connect(lambda _eset: self._fill_columns())
        model.metadata_changed.connect(self._on_metadata)
        model.search_changed.connect(self._show)
        self._fill_columns()

    def run_search(
        self, pattern: str, regex: bool = False, case: bool = False, whole_word: bool = False
    ) -> None:
        """Search the labels, or the metadata column chosen beside the search box."""
        column = self.search_in.currentText()
        self.model.run_search(
            pattern,
            column=None if column == LABELS else column,
            regex=regex,
            case_sensitive=case,
            whole_word=whole_word,
        )

    def _fill_columns(self) -> None:
        """Labels plus the set's metadata columns; the column searched stays chosen."""
        eset = self.model.current
        self.search_in.clear()
        self.search_in.addItem(LABELS)
        if eset is not None:
            self.search_in.addItems(list(eset.metadata))
        column = self.model.active.query.column
        if column and self.search_in.findText(column) >= 0:
            self.search_in.setCurrentText(column)

    def _on_metadata(self, eset) -> None:
        if eset is self.model.current:
            self._fill_columns()

    def _show(self, result: SearchResult) -> None:
        eset = self.model.current
        self.bar.show_result(result)
        self.hit_list.show_result(result, eset.labels if eset is not None else [])
