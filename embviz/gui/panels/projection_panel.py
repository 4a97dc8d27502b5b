"""Projection dock: method, a parameter form generated from the method's dataclass, 2-D/3-D,
Run/Cancel with progress, quality numbers and what was done (sampling, explained variance).

The panel computes nothing: runs go through the window's ProjectionController, quality through
its background runner.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from embviz.core.projection import Projection
from embviz.reduce.params import ParamSpec, specs
from embviz.reduce.registry import reducers

WARM_UP_DELAY_MS = 1500  # let the window draw first, then start UMAP's process
THREE_D_NOTE = (
    "3-D layouts are computed and cached; the 3-D view (key 3) shows them, the 2-D map their "
    "first two axes."
)


def _editor(spec: ParamSpec, columns: list[str]) -> QWidget:
    """A widget for one parameter, bounded by its declaration."""
    if spec.choices_from == "metadata":
        box = QComboBox()
        box.addItem("(none)", "")
        for column in columns:
            box.addItem(column, column)
        return box
    if spec.choices:
        box = QComboBox()
        box.addItems(list(spec.choices))
        box.setCurrentText(str(spec.default))
        return box
    if spec.type is bool:
        check = QCheckBox()
        check.setChecked(bool(spec.default))
        return check
    if spec.type is int:
        spin = QSpinBox()
        spin.setRange(
            int(spec.low if spec.low is not None else -(2**31)),
            int(min(spec.high or 2**31 - 1, 2**31 - 1)),
        )
        spin.setValue(int(spec.default))
        if spec.zero_means and spec.low == 0:
            spin.setSpecialValueText(spec.zero_means)
        return spin
    if spec.type is float:
        dspin = QDoubleSpinBox()
        dspin.setDecimals(3)
        dspin.setRange(spec.low if spec.low is not None else -1e9, spec.high or 1e9)
        dspin.setValue(float(spec.default))
        if spec.zero_means and spec.low == 0:
            dspin.setSpecialValueText(spec.zero_means)
        return dspin
    line = QLineEdit(str(spec.default))
    return line


def _set_value(widget: QWidget, value) -> None:
    """Show a remembered value; one that no longer fits (an old setting) is ignored."""
    try:
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            widget.setCurrentIndex(index if index >= 0 else widget.findText(str(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(float(value))
        else:
            widget.setText(str(value))
    except (TypeError, ValueError):
        pass


def _value(widget: QWidget):
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if data is not None else widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    return widget.text()  # QLineEdit


class ProjectionPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.session = window.session
        self.controller = window.projector
        self.editors: dict[str, QWidget] = {}
        self.method = QComboBox()
        for reducer in reducers:
            self.method.addItem(reducer.title, reducer.name)
        self.two_d, self.three_d = QRadioButton("2-D"), QRadioButton("3-D")
        self.two_d.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.two_d)
        group.addButton(self.three_d)
        dims_row = QHBoxLayout()
        dims_row.addWidget(self.two_d)
        dims_row.addWidget(self.three_d)
        dims_row.addStretch(1)
        self.three_d_note = QLabel(THREE_D_NOTE)
        self.form = QFormLayout()
        self.run_button, self.cancel_button = QPushButton("Run"), QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("")
        self.shown = QLabel("")
        self.sample_note = QLabel("")
        self.quality = QLabel("")
        self.details = QLabel("")
        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Method:", self.method)
        top.addRow("Layout:", dims_row)
        layout.addLayout(top)
        layout.addWidget(self.three_d_note)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        for label in (self.status, self.shown, self.sample_note, self.quality, self.details):
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(1)
        self.three_d_note.setWordWrap(True)
        self.three_d_note.setVisible(False)
        self.sample_note.setStyleSheet("color: #a05a00")
        self.method.currentIndexChanged.connect(self._build_form)
        self.three_d.toggled.connect(self.three_d_note.setVisible)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(lambda: self.controller.cancel())
        self.controller.progressed.connect(self._on_progress)
        self.controller.started.connect(lambda d: self._refresh_buttons())
        self.controller.finished.connect(lambda ok: self._refresh_buttons())
        self.window.runner.busyChanged.connect(lambda busy: self._refresh_buttons())
        self.session.projection_changed.connect(self._on_projection)
        self.session.quality_changed.connect(self._on_projection)
        self.session.current_changed.connect(lambda eset: self._build_form())
        self.session.metadata_changed.connect(lambda eset: self._build_form())  # supervised UMAP
        self._build_form()
        remembered = self.window.settings.value("projection/method")
        if remembered and self.method.findData(remembered) >= 0:
            self.set_method(remembered)  # the method last run, with its last parameters
        self._refresh_buttons()

    # form -----------------------------------------------------------------------------------
    def _build_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        reducer = reducers.get(self.method.currentData())
        eset = self.session.current
        columns = list(eset.metadata) if eset is not None else []
        for spec in specs(reducer.params_type):
            editor = _editor(spec, columns)
            editor.setToolTip(spec.describe())
            self.editors[spec.name] = editor
            self.form.addRow(spec.label + ":", editor)
        remembered = self.window.settings.value(f"projection/{reducer.name}")
        if remembered:
            try:
                values = json.loads(remembered)
            except ValueError:
                values = {}
            for name, value in values.items():
                if name in self.editors:
                    _set_value(self.editors[name], value)

    def set_method(self, name: str) -> None:
        self.method.setCurrentIndex(self.method.findData(name))

    def values(self) -> dict:
        return {name: _value(editor) for name, editor in self.editors.items()}

    def dims(self) -> int:
        return 3 if self.three_d.isChecked() else 2

    def run(self) -> None:
        eset = self.session.current
        if eset is None:
            self.status.setText("Open a set first.")
            return
        self.status.setText("")
        method, values = self.method.currentData(), self.values()
        self.window.settings.setValue("projection/method", method)  # remembered for next time
        self.window.settings.setValue(f"projection/{method}", json.dumps(values))
        self.controller.project(eset, method, values, self.dims())
        self._refresh_buttons()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self.session.projection is not None:
            self._show_quality(self.session.projection)

    # state ----------------------------------------------------------------------------------
    def _refresh_buttons(self) -> None:
        running = self.controller.is_running()
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if not running:
            self.status.setText("")

    def _on_progress(self, progress) -> None:
        self.status.setText(progress.message)
        if progress.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(max(0.0, min(1.0, progress.fraction)) * 1000))

    def _on_projection(self, projection: Projection | None) -> None:
        if projection is None:
            return
        state = "forming…" if projection.partial else "done"
        self.shown.setText(f"Shown: {projection.method} ({projection.dims}-D), {state}")
        self.sample_note.setText(projection.sample_note and f"Note: {projection.sample_note}.")
        variance = projection.info.get("variance_by_component")
        if variance:
            parts = ", ".join(f"PC{i + 1} {r:.1%}" for i, r in enumerate(variance))
            self.details.setText(f"Explained variance: {parts}")
        else:
            self.details.setText("")
        self._show_quality(projection)

    def _show_quality(self, projection: Projection) -> None:
        if projection.partial:
            self.quality.setText("Quality: when the layout is done")
            return
        if "quality" not in projection.info:
            if not self.isVisible():  # computed when the panel is shown, not for nobody
                self.quality.setText("Quality: computed when this panel is shown")
                return
            self.quality.setText("Quality: computing in the background…")
            if self.session.current is not None:
                self.controller.compute_quality(self.session.current, projection)
            return
        quality = projection.info["quality"]
        self.quality.setText("Quality: unavailable" if quality is None else quality.summary())


def install(window) -> ProjectionPanel:
    panel = ProjectionPanel(window)
    window.add_dock("projection", "Projection", panel)
    # Tests skip it: a process compiling numba would slow every other GUI test on a small CI.
    if not (os.environ.get("EMBVIZ_NO_UMAP_WARMUP") or os.environ.get("PYTEST_CURRENT_TEST")):
        from embviz.reduce import umap_process

        QTimer.singleShot(WARM_UP_DELAY_MS, umap_process.warm_up)
    return panel
