"""The lab's search: occurrences whose sentence matches are ringed on every word's map, counted
in its title and marked in the sentences list. It follows the main window's search (the same
pattern, read the same way: whole word, regex, match case), and can be typed in the lab too."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtWidgets as qw
from PySide6.QtGui import QColor, QTextFormat
from shiboken6 import isValid

from embviz.core.polysemy import PolysemyResult
from embviz.core.search import SearchResult, search_labels
from embviz.gui.polysemy.word_column import WordColumn

MARK = "#ffe9a8"  # the background of a sentence line that matches


class LabFind:
    """Mixed into ``PolysemyLab``: needs ``results``, ``columns``, ``text`` and ``window_``."""

    results: dict[str, PolysemyResult]
    columns: dict[str, WordColumn]
    text: qw.QPlainTextEdit
    window_: Any

    def _build_find(self) -> qw.QHBoxLayout:
        self.find_edit = qw.QLineEdit()
        self.find_edit.setPlaceholderText("Find in sentences, e.g. river")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setToolTip(
            "Rings the occurrences whose sentence matches, on every word's map, and marks their "
            "lines. Follows the main window's search."
        )
        self.find_whole = qw.QCheckBox("Whole word")
        self.find_flags = (False, False)  # regex, match case: as the main window's search last was
        self.find_edit.textChanged.connect(lambda _text: self.apply_find())
        self.find_whole.toggled.connect(lambda _on: self.apply_find())
        self.text.textChanged.connect(self._mark_lines)
        row = qw.QHBoxLayout()
        row.addWidget(qw.QLabel("Find:"))
        row.addWidget(self.find_edit, 1)
        row.addWidget(self.find_whole)
        session = getattr(self.window_, "session", None)
        if session is not None:
            session.search_changed.connect(self._follow_search)
        return row

    def find_in(self, sentences: list[str]) -> SearchResult:
        regex, case = self.find_flags
        return search_labels(
            sentences,
            self.find_edit.text(),
            regex=regex,
            case_sensitive=case,
            whole_word=self.find_whole.isChecked(),
        )

    def apply_find(self) -> None:
        """Ring the matching occurrences in every column and mark the matching lines."""
        for word, column in self.columns.items():
            result = self.results.get(word)
            if result is None:
                continue
            found = self.find_in([o.sentence for o in result.occurrences])
            if found.active:
                count = {0: "no", 1: "1"}.get(found.count, str(found.count))
                noun = "match" if found.count < 2 else "matches"
                column.set_hits(found.indices, f"{count} {noun} for “{found.pattern}”")
            else:
                column.set_hits(np.empty(0, dtype=np.int64), found.error or "")
        self._mark_lines()

    def _mark_lines(self) -> None:
        blocks, sentences = [], []
        block = self.text.document().firstBlock()
        while block.isValid():
            line = block.text()
            if line.strip() and not line.lstrip().startswith("#"):
                blocks.append(block)
                sentences.append(line.split("\t")[0])
            block = block.next()
        found = self.find_in(sentences)
        marks = []
        for i in found.indices if found.active else ():
            mark = qw.QTextEdit.ExtraSelection()
            mark.format.setBackground(QColor(MARK))
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            mark.cursor = self.text.textCursor()
            mark.cursor.setPosition(blocks[int(i)].position())
            marks.append(mark)
        self.text.setExtraSelections(marks)

    def marked_lines(self) -> list[int]:
        """Line numbers (from 1) marked as matching, as a person sees them (tests read this)."""
        return [m.cursor.blockNumber() + 1 for m in self.text.extraSelections()]

    def _follow_search(self, result: SearchResult) -> None:
        """The main window searched: search the sentences for the same (labels only)."""
        if not isValid(self) or self.window_.session.active.query.column is not None:
            return  # a metadata column was searched: not about sentences
        self.find_flags = (result.regex, result.case_sensitive)
        self.find_whole.blockSignals(True)
        self.find_whole.setChecked(bool(getattr(result, "whole_word", False)))
        self.find_whole.blockSignals(False)
        if self.find_edit.text() == result.pattern:
            self.apply_find()
        else:
            self.find_edit.setText(result.pattern)
