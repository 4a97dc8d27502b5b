"""Appearance dock: colour by a metadata column, point size and opacity, label size, theme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget
from superqt import QLabeledDoubleSlider, QLabeledSlider

NONE = "(single colour)"


class AppearancePanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.maps = window.maps
        self.session = window.session
        self.colour_by = QComboBox()
        self.colour_by.setToolTip(
            "≤ 20 distinct values: categories and a legend; else a colour bar"
        )
        self.point_size = QLabeledSlider(Qt.Orientation.Horizontal)
        self.point_size.setRange(1, 20)
        self.point_size.setValue(int(window.view.point_size))
        self.opacity = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0.05, 1.0)
        self.opacity.setValue(window.view.opacity)
        self.font_size = QLabeledSlider(Qt.Orientation.Horizontal)
        self.font_size.setRange(6, 24)
        self.font_size.setValue(window.view.label_layer.font_size)
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(self.maps.theme)
        form = QFormLayout(self)
        form.addRow("Colour by:", self.colour_by)
        form.addRow("Point size:", self.point_size)
        form.addRow("Opacity:", self.opacity)
        form.addRow("Label size:", self.font_size)
        form.addRow("Theme:", self.theme)
        self.colour_by.currentTextChanged.connect(self._colour)
        self.point_size.valueChanged.connect(self.maps.set_point_size)
        self.opacity.valueChanged.connect(self.maps.set_opacity)
        self.font_size.valueChanged.connect(self.maps.set_font_size)
        self.theme.currentTextChanged.connect(self.maps.set_theme)
        window.session.current_changed.connect(self._on_current)
        window.session.metadata_changed.connect(self._on_metadata)
        window.session.quality_changed.connect(self._on_quality)
        window.session.colour_changed.connect(self._show_colour)

    def _on_current(self, eset) -> None:
        self.colour_by.blockSignals(True)
        self.colour_by.clear()
        self.colour_by.addItem(NONE)
        if eset is not None:
            self.colour_by.addItems(list(eset.metadata))
        self.colour_by.blockSignals(False)

    def _on_metadata(self, eset) -> None:
        """New columns of the current set: offer them, keep what is chosen."""
        if eset is not self.session.current:
            return
        chosen = self.colour_by.currentText()
        self._on_current(eset)
        if self.colour_by.findText(chosen) >= 0:
            self.colour_by.setCurrentText(chosen)

    def _on_quality(self, projection) -> None:
        """Once the projection's quality is known, its per-point score can colour the map."""
        from embviz.gui.views.map_controller import KEPT

        if self.colour_by.findText(KEPT) < 0 and projection is self.session.projection:
            self.colour_by.addItem(KEPT)

    def _colour(self, column: str) -> None:
        """Colour the active map's points by ``column``."""
        self.session.active.set_colour_column(None if column in ("", NONE) else column)

    def _show_colour(self, column: str | None) -> None:
        """The active map's colour column (another map, another set): shown, not re-applied."""
        if self.colour_by.findText(column or NONE) >= 0:
            self.colour_by.blockSignals(True)
            self.colour_by.setCurrentText(column or NONE)
            self.colour_by.blockSignals(False)


def install(window) -> AppearancePanel:
    panel = AppearancePanel(window)
    window.add_dock("appearance", "Appearance", panel)
    return panel
