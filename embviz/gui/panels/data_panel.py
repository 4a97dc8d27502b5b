"""Data dock: what the current set is, where it came from, and what was done reading it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from embviz.core.dataset import EmbeddingSet
from embviz.core.projection import Projection
from embviz.core.session import Session


class DataPanel(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for name in ("Name", "File", "Format", "Rows", "Dims", "Type", "Metadata", "Map"):
            label = QLabel("–")
            label.setWordWrap(True)
            label.setTextInteractionFlags(label.textInteractionFlags() | _selectable())
            self.fields[name] = label
            form.addRow(name + ":", label)
        self.warnings = QPlainTextEdit()
        self.warnings.setReadOnly(True)
        self.warnings.setPlaceholderText("No warnings.")
        self.warnings.setMaximumHeight(120)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Warnings:"))
        layout.addWidget(self.warnings)
        layout.addStretch(1)
        session.current_changed.connect(self._on_current)
        session.metadata_changed.connect(
            lambda eset: self._on_current(eset) if eset is session.current else None
        )
        session.projection_changed.connect(self._on_projection)

    def _on_current(self, eset: EmbeddingSet | None) -> None:
        if eset is None:
            for label in self.fields.values():
                label.setText("–")
            self.warnings.clear()
            return
        src = eset.source
        self.fields["Name"].setText(eset.name)
        self.fields["File"].setText(src.path or "(computed)")
        self.fields["Format"].setText(src.format or "–")
        self.fields["Rows"].setText(f"{len(eset):,}")
        self.fields["Dims"].setText(str(eset.dims))
        on_disk = f" (on disk: {src.dtype_on_disk})" if src.dtype_on_disk else ""
        self.fields["Type"].setText(f"{eset.vectors.dtype}{on_disk}")
        columns = ", ".join(eset.metadata) if eset.metadata else "none"
        self.fields["Metadata"].setText(columns)
        self.warnings.setPlainText("\n".join(src.warnings))

    def _on_projection(self, projection: Projection | None) -> None:
        self.fields["Map"].setText(describe_projection(projection))


def describe_projection(projection: Projection | None) -> str:
    if projection is None:
        return "computing…"
    if projection.method == "as-is":
        return "the data's own coordinates (no reduction)"
    x, y = projection.axis_titles
    if projection.method == "pca":
        text = f"PCA: x = {x}, y = {y} of the variance"
    else:
        text = f"{projection.method}: x = {x}, y = {y}"
    if projection.partial:
        text += " (forming…)"
    if projection.sample_note:
        text += f"; {projection.sample_note}"
    return text


def _selectable():
    from PySide6.QtCore import Qt

    return Qt.TextInteractionFlag.TextSelectableByMouse
