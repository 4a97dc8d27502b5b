"""The one form builder: a Qt form generated from a params dataclass (:mod:`embviz.core.params`).

The projection panel (reducers) and the compute dialog (model adapters) both use
:class:`ParamsForm`, so a parameter declared once gets the same widget, bounds, tooltip and
remembered value wherever it is shown::

    form = ParamsForm()
    form.build(TSNEParams)
    form.restore(settings, "projection/tsne")
    values = form.values()          # {"perplexity": 30.0, ...}, ready for make_params
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from embviz.core.params import ParamSpec, specs

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int
FLOAT_LIMIT = 1e9


def editor_for(spec: ParamSpec, default: Any, columns: Iterable[str] = ()) -> QWidget:
    """A widget for one parameter, bounded by its declaration and showing ``default``."""
    if spec.choices_from == "metadata":
        box = QComboBox()
        box.addItem("(none)", "")
        for column in columns:
            box.addItem(column, column)
        return box
    if spec.choices:
        box = QComboBox()
        for choice in spec.choices:
            box.addItem(str(choice), choice)
        box.setCurrentIndex(max(0, box.findData(default)))
        return box
    if spec.type is bool:
        check = QCheckBox()
        check.setChecked(bool(default))
        return check
    if spec.type is int:
        spin = QSpinBox()
        low = -INT_LIMIT if spec.low is None else max(int(spec.low), -INT_LIMIT)
        high = INT_LIMIT if spec.high is None else min(int(spec.high), INT_LIMIT)
        spin.setRange(low, high)
        spin.setValue(int(default))
        if spec.zero_means and spec.low == 0:
            spin.setSpecialValueText(spec.zero_means)
        return spin
    if spec.type is float:
        dspin = QDoubleSpinBox()
        dspin.setDecimals(3)
        dspin.setRange(
            -FLOAT_LIMIT if spec.low is None else spec.low,
            FLOAT_LIMIT if spec.high is None else spec.high,
        )
        dspin.setValue(float(default))
        if spec.zero_means and spec.low == 0:
            dspin.setSpecialValueText(spec.zero_means)
        return dspin
    return QLineEdit("" if default is None else str(default))


def set_editor_value(editor: QWidget, value: Any) -> None:
    """Show a value; one that no longer fits (an old remembered setting) is ignored."""
    try:
        if isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0:
                index = editor.findText(str(value))
            if index >= 0:
                editor.setCurrentIndex(index)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value))
    except (TypeError, ValueError):
        pass


def editor_value(editor: QWidget) -> Any:
    """What an editor holds, as the parameter's type (a combo box gives its item's data)."""
    if isinstance(editor, QComboBox):
        data = editor.currentData()
        return data if data is not None else editor.currentText()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QLineEdit):
        return editor.text().strip()
    raise TypeError(f"not a parameter editor: {type(editor).__name__}")


def _changed_signal(editor: QWidget) -> Any:
    if isinstance(editor, QComboBox):
        return editor.currentIndexChanged
    if isinstance(editor, QCheckBox):
        return editor.toggled
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.valueChanged
    if isinstance(editor, QLineEdit):
        return editor.textChanged
    raise TypeError(f"not a parameter editor: {type(editor).__name__}")


class ParamsForm(QWidget):
    """Rows of editors generated from a params dataclass; ``changed`` fires on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.specs: dict[str, ParamSpec] = {}
        self.editors: dict[str, QWidget] = {}  # the value widget of each parameter

    def build(
        self, params_type: type, *, columns: Iterable[str] = (), defaults: Any = None
    ) -> None:
        """Replace the rows with one per visible field of ``params_type``; ``columns`` fills
        metadata-column choices; ``defaults`` (an instance) overrides the declared defaults."""
        while self.layout_.rowCount():
            self.layout_.removeRow(0)
        self.specs, self.editors = {}, {}
        columns = list(columns)
        for spec in specs(params_type):
            default = spec.default if defaults is None else getattr(defaults, spec.name)
            editor = editor_for(spec, default, columns)
            editor.setToolTip(spec.describe())
            _changed_signal(editor).connect(self.changed)
            self.specs[spec.name], self.editors[spec.name] = spec, editor
            shown = self._with_browse(editor, spec) if isinstance(editor, QLineEdit) else editor
            self.layout_.addRow(spec.label + ":", shown)

    def _with_browse(self, line: QLineEdit, spec: ParamSpec) -> QWidget:
        if spec.path is None:
            return line
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line, 1)
        if spec.path in ("file", "file or folder"):
            button = QPushButton("File…")
            button.clicked.connect(
                lambda: line.setText(
                    QFileDialog.getOpenFileName(self, "Choose a file")[0] or line.text()
                )
            )
            row.addWidget(button)
        if spec.path in ("folder", "file or folder"):
            button = QPushButton("Folder…")
            button.clicked.connect(
                lambda: line.setText(
                    QFileDialog.getExistingDirectory(self, "Choose a folder") or line.text()
                )
            )
            row.addWidget(button)
        return box

    def values(self) -> dict[str, Any]:
        """Each parameter's value as shown, keyed by name."""
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values``; names the form does not have and values that do not fit are ignored."""
        for name, value in values.items():
            if name in self.editors:
                set_editor_value(self.editors[name], value)

    def remember(self, settings: QSettings, key: str) -> None:
        """Store the shown values under ``key`` (JSON), for :meth:`restore` next time."""
        settings.setValue(key, json.dumps(self.values()))

    def restore(self, settings: QSettings, key: str) -> None:
        """Show the values stored under ``key``, if any and if they still fit."""
        remembered = settings.value(key)
        if not remembered:
            return
        try:
            values = json.loads(str(remembered))
        except ValueError:
            return
        if isinstance(values, dict):
            self.set_values(values)
