"""The window's centre: the main map, and maps beside it (View > New map beside).

Each map has its own ViewState in the model (its set, layout, selection, search, overlays) and
its own MapController. A map beside has a small header to choose its set and to close it.
Selection is linked by label across maps (the model does it); a press in a map makes it the
active one, which the panels, the search box and the status bar then follow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from embviz.core.view_state import ViewState
from embviz.gui.views.map_controller import MapController
from embviz.gui.views.scatter2d import ScatterView


class MapBeside(QWidget):
    """A map beside the main one: a header (its set, close) over its map."""

    def __init__(self, area: MapArea, state: ViewState) -> None:
        super().__init__()
        self.area = area
        self.state = state
        self.model = area.model
        self.title = QLabel("Map beside:")
        self.set_combo = QComboBox()
        self.set_combo.setToolTip("The set this map shows")
        self.set_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.set_combo.setMinimumContentsLength(14)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Close this map (the sets stay open)")
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 2)
        header.addWidget(self.title)
        header.addWidget(self.set_combo, 1)
        header.addWidget(self.close_button)
        self.controller = MapController(area.window, state, ScatterView(self), toolbar=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.controller.stack, 1)
        self.set_combo.activated.connect(self._choose)
        self.close_button.clicked.connect(lambda: area.close_beside(self))
        self._on_sets = lambda: self._fill()
        self.model.sets_changed.connect(self._on_sets)
        state.set_changed.connect(lambda _eset: self._fill())
        self._fill()

    def _fill(self) -> None:
        self.set_combo.blockSignals(True)
        self.set_combo.clear()
        for eset in self.model.sets:
            self.set_combo.addItem(f"{eset.name} ({len(eset):,} × {eset.dims})")
        if self.state.eset in self.model.sets:
            self.set_combo.setCurrentIndex(self.model.sets.index(self.state.eset))
        self.set_combo.blockSignals(False)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.model.sets):
            self.model.show(self.model.sets[index], self.state)

    def detach(self) -> None:
        self.model.sets_changed.disconnect(self._on_sets)
        self.controller.detach()


class MapArea:
    def __init__(self, window) -> None:
        self.window = window
        self.model = window.session
        self.main = MapController(window)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, window)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.main.stack)
        self.beside: list[MapBeside] = []

    def add_beside(self, eset=None) -> MapBeside:
        """A new map beside the others, showing ``eset`` (default: a set the active map does
        not show, so two spaces can be compared at once)."""
        if eset is None:
            others = [s for s in self.model.sets if s is not self.model.current]
            eset = others[0] if others else self.model.current
        state = self.model.add_view(f"map {len(self.model.views) + 1}")
        beside = MapBeside(self, state)
        self.beside.append(beside)
        self.main.siblings.append(beside.controller)
        self.splitter.addWidget(beside)
        sizes = [self.splitter.width() // self.splitter.count()] * self.splitter.count()
        self.splitter.setSizes(sizes)
        beside.controller.set_theme(self.main.theme)
        if eset is not None:
            self.model.show(eset, state)
        return beside

    def close_beside(self, beside: MapBeside) -> None:
        self.beside.remove(beside)
        self.main.siblings.remove(beside.controller)
        beside.detach()
        self.model.remove_view(beside.state)
        beside.hide()
        beside.setParent(None)
        beside.deleteLater()
