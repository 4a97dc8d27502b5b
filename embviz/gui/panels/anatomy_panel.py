"""Model anatomy (issue 16): a model's own tables, its tokenizer, static vs contextual vectors.

A dock with three boxes (``embviz.gui.anatomy``): the model's tables opened as sets (token
table coloured by piece kind, positions with the curve they trace, token types, a sinusoidal
table beside the positions, and the position cosine heatmaps); the tokenizer (typed text cut into
pieces with their ids, marked on the token map; pieces per word of a set); and one word's
input-table, contextual and static vectors on one map.
"""

from __future__ import annotations

from PySide6 import QtWidgets as qw
from PySide6.QtCore import Qt

from embviz.gui.anatomy.overlays import AnatomyOverlays
from embviz.gui.anatomy.spaces_section import SpacesSection
from embviz.gui.anatomy.tables_section import TablesSection
from embviz.gui.anatomy.tokenizer_section import TokenizerSection


class AnatomyPanel(qw.QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.overlays = AnatomyOverlays(window.session)
        self.tables = TablesSection(window)
        self.tokenizer = TokenizerSection(window, self.overlays, self.tables.model)
        self.spaces = SpacesSection(window, self.tables.model)
        layout = qw.QVBoxLayout(self)
        for box in (self.tables, self.tokenizer, self.spaces):
            layout.addWidget(box)
        layout.addStretch(1)
        self.tables.opened.connect(lambda _tables: self.tokenizer.cut())


def install(window) -> AnatomyPanel:
    panel = AnatomyPanel(window)
    window.add_dock("anatomy", "Model anatomy", panel, Qt.DockWidgetArea.RightDockWidgetArea)
    return panel
