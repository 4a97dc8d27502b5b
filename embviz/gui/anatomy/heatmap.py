"""A position x position cosine heatmap: an image with a colour bar, axes in positions, and the
cell under the pointer told as (i, j, cosine).

Cell (i, j) is drawn as the unit square centred on x = j, y = i (row i of the matrix is the
i-th position down the left axis, read top to bottom as a matrix is), so the axes' numbers are
positions and the pointer's view coordinates round to the cell. The colours go through one
diverging colormap from -1 to 1 (cosines), so two heatmaps side by side compare by eye.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

COLORMAP = "CET-D1"  # blue - white - red, perceptually even (Kovesi), for signed values
LEVELS = (-1.0, 1.0)


class CosineHeatmap(QWidget):
    """One square matrix of cosines, as an image with a colour bar; hover tells a cell."""

    cellHovered = Signal(int, int, float)  # i, j, cosine (i = -1 when the pointer left)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.plot = pg.PlotWidget(background="w")
        item = self.plot.getPlotItem()
        item.setTitle(title, color="#222", size="10pt")
        item.setMenuEnabled(False)
        item.invertY(True)  # row 0 at the top, as a matrix is read
        item.setLabel("bottom", "position j")
        item.setLabel("left", "position i")
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen("#333")
            item.getAxis(axis).setPen("#888")
            item.getAxis(axis).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.colormap = pg.colormap.get(COLORMAP)
        self.image.setColorMap(self.colormap)
        self.image.setLevels(LEVELS)
        item.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(
            values=LEVELS, colorMap=self.colormap, label="cosine", interactive=False, width=14
        )
        self.colour_bar.setImageItem(self.image, insert_in=item)
        self.readout = QLabel("Point at a cell to read its cosine.")
        self.readout.setStyleSheet("color: #333")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def set_matrix(self, matrix: np.ndarray) -> None:
        """Show ``matrix`` (n x n cosines); the view fits it."""
        self.matrix = np.asarray(matrix, dtype=np.float32)
        n = self.matrix.shape[0]
        if not self.matrix.size:
            self.image.clear()
            return
        self.image.setImage(self.matrix, autoLevels=False, levels=LEVELS)
        self.image.setRect(-0.5, -0.5, float(self.matrix.shape[1]), float(n))
        self.plot.getPlotItem().vb.setRange(
            xRange=(-0.5, self.matrix.shape[1] - 0.5), yRange=(-0.5, n - 0.5), padding=0
        )

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """The (i, j) of the cell under ``scene_pos`` (scene coordinates), or None."""
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos) or not self.matrix.size:
            return None
        point = vb.mapSceneToView(scene_pos)
        i, j = int(np.floor(point.y() + 0.5)), int(np.floor(point.x() + 0.5))
        rows, cols = self.matrix.shape
        if 0 <= i < rows and 0 <= j < cols:
            return i, j
        return None

    def colour_of(self, value: float) -> tuple[int, int, int]:
        """The colour a cosine of ``value`` is drawn in (what the colour bar says)."""
        t = (float(value) - LEVELS[0]) / (LEVELS[1] - LEVELS[0])
        rgba = self.colormap.map(np.array([min(max(t, 0.0), 1.0)]), mode="byte")[0]
        return int(rgba[0]), int(rgba[1]), int(rgba[2])

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        cell = self.cell_at(scene_pos)
        if cell is None:
            self.readout.setText("Point at a cell to read its cosine.")
            self.plot.setToolTip("")
            self.cellHovered.emit(-1, -1, float("nan"))
            return
        i, j = cell
        value = float(self.matrix[i, j])
        text = f"positions ({i}, {j}): cosine {value:+.4f}"
        self.readout.setText(text)
        self.plot.setToolTip(text)
        self.cellHovered.emit(i, j, value)
