"""Position x position cosines of the learned positions, beside a sinusoidal table's.

Two heatmaps with one colour scale (-1 to 1): the model's learned positional embeddings, and the
sinusoidal table of Vaswani et al. (2017) with the same number of positions and dims, so the
bands a trained model learns can be compared with the fixed waves it would otherwise get.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from embviz.gui.anatomy.heatmap import CosineHeatmap


class PositionsWindow(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Position cosines — embviz")
        self.resize(1100, 600)
        self.learned = CosineHeatmap("learned positions")
        self.sinusoidal = CosineHeatmap("sinusoidal (Vaswani et al.)")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.learned, 1)
        row.addWidget(self.sinusoidal, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.note)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
            QShortcut(keys, self, self.close)

    def set_matrices(
        self, model_name: str, learned: np.ndarray, sinusoidal: np.ndarray | None
    ) -> None:
        n = learned.shape[0]
        self.learned.setVisible(n > 0)  # rotary or relative positions: no learned table
        self.learned.plot.getPlotItem().setTitle(
            f"{model_name}: learned positions ({n})", color="#222", size="10pt"
        )
        self.learned.set_matrix(learned)
        self.sinusoidal.setVisible(sinusoidal is not None)
        if sinusoidal is not None:
            self.sinusoidal.plot.getPlotItem().setTitle(
                f"sinusoidal, Vaswani et al. ({sinusoidal.shape[0]})", color="#222", size="10pt"
            )
            self.sinusoidal.set_matrix(sinusoidal)
        self.note.setText(
            "Cell (i, j): the cosine between the embeddings of positions i and j (point at a cell "
            "to read it). The sinusoidal table's cosine depends only on the distance i − j, so "
            "every stripe runs parallel to the diagonal; the learned table shows what training "
            "made of the positions instead."
        )
