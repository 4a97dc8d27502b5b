"""The "Aligned joint layout" control: lays out A and B in one frame, in a worker, and shows each
in its own map (via :class:`~embviz.gui.panels.compare_maps.LinkedMaps`)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from embviz.core.errors import EmbvizError
from embviz.gui.errors import show_error
from embviz.reduce.aligned import aligned_layouts
from embviz.reduce.joint import joint_pca

CHANNEL = "compare-layout"
JOINT = "joint-pca"  # both sets in one PCA after the comparison's alignment
METHOD_TITLES = {
    JOINT: "Joint PCA (after alignment)",
    "pca": "Procrustes-aligned PCA",
    "tsne": "Procrustes-aligned t-SNE",
    "aligned-umap": "AlignedUMAP",
}


def layout_task(comparison, method: str):
    """Layouts of A and B in one frame: a joint PCA of A carried into B's space by the
    comparison's alignment, or aligned layouts of each (linked by the compared pairs)."""
    a, b, alignment = comparison.pairing.a, comparison.pairing.b, comparison.alignment
    if method == JOINT:
        return joint_pca(alignment.map_a(a.vectors), alignment.prepare_b(b.vectors))
    relation = dict(zip(comparison.rows_a.tolist(), comparison.rows_b.tolist(), strict=True))
    return aligned_layouts([a.vectors, b.vectors], [relation], method)


class JointLayout(QWidget):
    def __init__(self, window, maps) -> None:
        super().__init__()
        self.window_ = window
        self.maps = maps
        self.comparison = None
        self.method = QComboBox()
        for name, title in METHOD_TITLES.items():
            self.method.addItem(title, name)
        self.method.setToolTip(
            "PCA: fast; t-SNE and AlignedUMAP: local structure, slower (AlignedUMAP cannot be "
            "stopped midway: Cancel drops its result)"
        )
        self.button = QPushButton("Aligned joint layout")
        self.button.setToolTip(
            "Lay out A and B in one frame, so a word sits in about the same place"
        )
        self.cancel_button = QPushButton("Cancel")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.button, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.method)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.comparison_changed(None)

    def comparison_changed(self, comparison) -> None:
        self.comparison = comparison
        self.button.setEnabled(comparison is not None)
        self.cancel_button.setEnabled(False)
        if comparison is None:
            self.status.setText("Compare two sets first.")
        else:
            self.status.setText("")

    def start(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        a, b = comparison.pairing.a, comparison.pairing.b
        if not self.maps.showing():  # a map was closed or shows another set: A and B again
            pairing = comparison.pairing
            self.maps.show(a, b, None if pairing.source == "shared labels" else pairing.pairs())
        method = self.method.currentData()
        versions = (a.version, b.version)
        self.status.setText(f"{METHOD_TITLES[method]} of {a.name} and {b.name}…")
        handle = self.window_.runner.run(
            CHANNEL,
            f"Aligned layout of {a.name} and {b.name}",
            lambda: layout_task(comparison, method),
            on_result=lambda layouts: self._on_result(comparison, method, layouts, versions),
            on_error=self._on_error,
        )
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(lambda _ok: self._busy(False))
        self._busy(True)

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self.status.setText("Cancelled; the maps keep their layouts.")

    def _on_progress(self, progress) -> None:
        if progress.message:
            self.status.setText(progress.message)

    def _busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy and self.comparison is not None)
        self.cancel_button.setEnabled(busy)

    def _on_result(self, comparison, method: str, layouts: list[np.ndarray], versions) -> None:
        if comparison is not self.comparison:
            return
        title = METHOD_TITLES[method]
        if self.maps.show_aligned(layouts[0], layouts[1], method, title, versions):
            self.status.setText(
                f"Both maps show the {title} joint layout; select words to see arrows A → B."
            )
        else:
            self.status.setText("A or B changed meanwhile (or its map was closed): lay out again.")

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, EmbvizError):
            self.status.setText(str(exc))
        else:
            self.status.setText("")
            show_error(self, "Aligned layout", exc, "Laying out A and B together")
