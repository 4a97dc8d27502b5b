"""The legend drawn over the map's corner: category swatches with counts, or a colour bar."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from embviz.core.colors import Colouring
from embviz.gui.views.point_layer import argb_image


class Legend(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("map-legend")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(8, 6, 8, 6)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.colouring: Colouring | None = None
        self.set_theme((255, 255, 255), (40, 40, 40))
        self.hide()

    def set_theme(self, background, text) -> None:
        r, g, b = background
        self.setStyleSheet(
            f"#map-legend {{ background: rgba({r},{g},{b},215); border: 1px solid rgba(128,128,128,120);"
            f" border-radius: 4px; }} #map-legend QLabel {{ color: rgb{tuple(text)}; }}"
        )

    def entries(self) -> list[str]:
        """The legend's lines as text (title first): what a person reads."""
        texts = []
        for i in range(self.grid.count()):
            item = self.grid.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and widget.text():
                texts.append(widget.text())
        return texts

    def show_colouring(self, colouring: Colouring | None) -> None:
        self.colouring = colouring
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if colouring is None or colouring.kind == "single":
            self.hide()
            return
        title = QLabel(f"<b>{colouring.column}</b>")
        self.grid.addWidget(title, 0, 0, 1, 3)
        if colouring.kind == "categorical":
            for i, (name, rgb, count) in enumerate(colouring.entries, start=1):
                swatch = QLabel()
                swatch.setFixedSize(12, 12)
                swatch.setStyleSheet(f"background: rgb{tuple(rgb)}; border-radius: 6px;")
                self.grid.addWidget(swatch, i, 0)
                self.grid.addWidget(QLabel(name), i, 1)
                self.grid.addWidget(QLabel(f"{count:,}"), i, 2, Qt.AlignmentFlag.AlignRight)
        else:
            bar = QLabel()
            bar.setPixmap(colour_bar(colouring.table[:-1], 16, 150))
            self.grid.addWidget(bar, 1, 0, 3, 1)
            self.grid.addWidget(QLabel(f"{colouring.vmax:.4g}"), 1, 1, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(QLabel(f"{colouring.vmin:.4g}"), 3, 1, Qt.AlignmentFlag.AlignBottom)
        for i in range(self.grid.count()):  # Qt shows a visible widget's new children only on
            item = self.grid.itemAt(i)  # its next event loop pass; sized before that, the box
            widget = item.widget() if item is not None else None  # was 30 x 14 (on atlases)
            if widget is not None:
                widget.show()
        self.adjustSize()
        self.show()
        self.reposition()

    def reposition(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.move(parent.width() - self.width() - 12, 12)


def colour_bar(table: np.ndarray, width: int, height: int) -> QPixmap:
    """A vertical bar of ``table`` (K x 3 uint8), the last colour at the top."""
    t = np.linspace(len(table) - 1, 0, height).round().astype(int)
    rgb = np.repeat(table[t][:, None, :3], width, axis=1)
    r, g, b = (rgb[..., c].astype(np.uint32) for c in range(3))
    return QPixmap.fromImage(argb_image((255 << 24) | (r << 16) | (g << 8) | b))
