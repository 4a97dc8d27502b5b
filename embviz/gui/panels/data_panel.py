"""Data dock: the open sets (show one, rename, close), what the shown set is, where it came
from, and what was done reading it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model
from embviz.core.projection import Projection


class DataPanel(QWidget):
    def __init__(self, session: Model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sets = QListWidget()
        self.sets.setToolTip("The open sets; click one to show it")
        self.sets.setMaximumHeight(110)
        self.rename_button = QPushButton("Rename…")
        self.close_button = QPushButton("Close set")
        self.close_button.setToolTip("Close the chosen set; everything computed from it goes")
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
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
        layout.addWidget(QLabel("Open sets:"))
        layout.addWidget(self.sets)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(QLabel("Warnings:"))
        layout.addWidget(self.warnings)
        layout.addStretch(1)
        session.current_changed.connect(self._on_current)
        session.metadata_changed.connect(
            lambda eset: self._on_current(eset) if eset is session.current else None
        )
        session.projection_changed.connect(self._on_projection)
        session.vectors_changed.connect(
            lambda eset: (
                self._on_projection(session.projection) if eset is session.current else None
            )
        )
        session.sets_changed.connect(self._list_sets)
        session.current_changed.connect(lambda _eset: self._list_sets())
        self.sets.itemClicked.connect(lambda _item: self._show_chosen())
        self.close_button.clicked.connect(self.close_chosen)
        self.rename_button.clicked.connect(self.rename_chosen)
        self._list_sets()

    # the open sets ----------------------------------------------------------------------------
    def _list_sets(self) -> None:
        self.sets.blockSignals(True)
        self.sets.clear()
        for eset in self.session.sets:
            self.sets.addItem(f"{eset.name} ({len(eset):,} × {eset.dims})")
        if self.session.current in self.session.sets:
            self.sets.setCurrentRow(self.session.sets.index(self.session.current))
        self.sets.blockSignals(False)
        for button in (self.close_button, self.rename_button):
            button.setEnabled(bool(self.session.sets))

    def chosen(self) -> EmbeddingSet | None:
        row = self.sets.currentRow()
        return self.session.sets[row] if 0 <= row < len(self.session.sets) else None

    def _show_chosen(self) -> None:
        eset = self.chosen()
        if eset is not None:
            self.session.show(eset)

    def close_chosen(self) -> None:
        eset = self.chosen()
        if eset is not None:
            self.session.close_set(eset)

    def rename_chosen(self) -> None:
        eset = self.chosen()
        if eset is None:
            return
        name, ok = QInputDialog.getText(self, "Rename set", "Name:", text=eset.name)
        if ok and name.strip():
            self.session.rename_set(eset, name.strip())

    # the shown set ----------------------------------------------------------------------------
    def _on_current(self, eset: EmbeddingSet | None) -> None:
        if eset is None:
            for label in self.fields.values():
                label.setText("–")
            self.warnings.clear()
            return
        src = eset.source
        self.fields["Name"].setText(eset.name)
        self.fields["File"].setText(_where(src.path))
        self.fields["Format"].setText(src.format or "–")
        self.fields["Rows"].setText(f"{len(eset):,}")
        self.fields["Dims"].setText(str(eset.dims))
        on_disk = f" (on disk: {src.dtype_on_disk})" if src.dtype_on_disk else ""
        dtype = eset.vectors.dtype if eset.vectors_loaded else "float32"  # not read yet: lazy
        self.fields["Type"].setText(f"{dtype}{on_disk}")
        columns = ", ".join(eset.metadata) if eset.metadata else "none"
        self.fields["Metadata"].setText(columns)
        self._show_warnings(src.warnings, None)

    def _show_warnings(self, loading: list[str], projection: Projection | None) -> None:
        """What reading the file said, then what the map's projection said (rows it left out)."""
        lines = list(loading)
        if projection is not None:
            lines += [f"Map: {note}" for note in projection.info.get("warnings", [])]
        self.warnings.setPlainText("\n".join(lines))

    def _on_projection(self, projection: Projection | None) -> None:
        text = describe_projection(projection)
        if projection is not None and not self.session.active.projection_is_current:
            text += " (of the previous vectors; updating…)"
        self.fields["Map"].setText(text)
        eset = self.session.current
        if eset is not None:
            self._show_warnings(eset.source.warnings, projection)


def _where(path: str | None) -> str:
    """The file a set came from; the demo is named as such, not by where it is installed."""
    if not path:
        return "(computed)"
    from pathlib import Path

    from embviz.core.paths import demo_path

    if Path(path).resolve() == Path(demo_path()).resolve():
        return f"built-in demo ({Path(path).name})"
    return path


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


def install(window) -> DataPanel:
    panel = DataPanel(window.session)
    window.add_dock("data", "Data", panel)
    return panel
