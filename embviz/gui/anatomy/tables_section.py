"""The panel's "Model tables" box: choose a model, open its tables as sets, see positions' cosines.

Reading runs in the window's runner (channel ``anatomy-tables``) with its progress and Cancel
here; the sets open like any other (the token table first, coloured by piece kind), and the
position cosines open in their own window beside a sinusoidal table's.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
from PySide6 import QtWidgets as qw
from PySide6.QtCore import Signal

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress
from embviz.gui.anatomy.positions_window import PositionsWindow
from embviz.gui.progress_widget import show_fraction
from embviz.models.model_anatomy import ModelTables

CHANNEL = "anatomy-tables"
KIND_COLUMN = "kind"  # the token table's piece kind column (model_tables.token_table)


class TablesSection(qw.QGroupBox):
    opened = Signal(object)  # ModelTables, once its sets are open

    def __init__(self, window, parent: qw.QWidget | None = None) -> None:
        super().__init__("Model tables", parent)
        self.window_ = window
        # what the heatmaps show (the sets themselves are the model's: closing them frees them)
        self.heatmaps: tuple[str, np.ndarray, np.ndarray] | None = None
        self.positions_window: PositionsWindow | None = None
        self.model_box = qw.QComboBox()
        self.model_box.setEditable(True)
        self.model_box.addItem("default")
        self.model_box.setToolTip("default (all-MiniLM-L6-v2) or a local model folder")
        browse = qw.QToolButton()
        browse.setText("…")
        browse.setToolTip("Choose a model folder (with config.json and the weights)")
        browse.clicked.connect(self._browse)
        self.open_button = qw.QPushButton("Open tables")
        self.open_button.setToolTip(
            "Open the model's token table, positions and token types as sets (and a "
            "sinusoidal table to compare the positions with)"
        )
        self.open_button.clicked.connect(self.open_tables)
        self.cancel_button = qw.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = qw.QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        self.heatmap_button = qw.QPushButton("Position cosines…")
        self.heatmap_button.setToolTip(
            "Position x position cosine heatmaps: learned and sinusoidal side by side"
        )
        self.heatmap_button.setEnabled(False)
        self.heatmap_button.clicked.connect(self.show_positions)
        self.message = qw.QLabel("")
        self.message.setWordWrap(True)
        model_row = qw.QHBoxLayout()
        model_row.addWidget(qw.QLabel("Model:"))
        model_row.addWidget(self.model_box, 1)
        model_row.addWidget(browse)
        buttons = qw.QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.cancel_button)
        layout = qw.QVBoxLayout(self)
        layout.addLayout(model_row)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.heatmap_button)
        layout.addWidget(self.message)

    def model(self) -> str:
        return self.model_box.currentText().strip() or "default"

    def _browse(self) -> None:
        folder = qw.QFileDialog.getExistingDirectory(self, "Model folder")
        if folder:
            self.model_box.setCurrentText(folder)

    # work ---------------------------------------------------------------------------------
    def open_tables(self, on_done: Callable[[ModelTables], None] | None = None) -> None:
        from embviz.models.model_anatomy import tables_task

        model = self.model()
        self.open_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setVisible(True)
        handle = self.window_.runner.run(
            CHANNEL,
            f"Reading the tables of {model}",
            lambda: tables_task(model),
            self._on_tables,
            self._on_error,
        )
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(lambda _ok: self._idle())

    def _on_progress(self, progress: Progress) -> None:
        show_fraction(self.bar, progress.fraction)
        self.say(progress.message)

    def _idle(self) -> None:
        self.open_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.setVisible(False)

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self._idle()
        self.say("Cancelled; nothing was opened.")

    def _on_tables(self, tables: ModelTables) -> None:
        session = self.window_.session
        self.heatmaps = (tables.title, tables.position_cosines, tables.sinusoidal_cosines)
        # the token table last: each set opened is shown once, and it is the one left shown
        for eset in [s for s in tables.sets() if s is not tables.tokens] + [tables.tokens]:
            session.add_set(eset)
        session.active.set_colour_column(KIND_COLUMN)
        self.heatmap_button.setEnabled(True)
        opened = ", ".join(f"{_short(s.name)} ({len(s):,} × {s.dims})" for s in tables.sets())
        self.say(
            f"{tables.title}: opened {opened}; the token table is coloured by piece kind."
            + "".join(f" {note}" for note in tables.notes)
        )
        self.opened.emit(tables)

    def _on_error(self, exc: BaseException) -> None:
        self._idle()
        text = str(exc) if isinstance(exc, EmbvizError) else f"{type(exc).__name__}: {exc}"
        self.say(f"Could not read the tables of {self.model()}: {text}", error=True)

    def say(self, text: str, error: bool = False) -> None:
        escaped = html.escape(text)
        self.message.setText(f"<span style='color:#a00'>{escaped}</span>" if error else escaped)

    # the heatmaps ---------------------------------------------------------------------------
    def show_positions(self) -> PositionsWindow | None:
        if self.heatmaps is None:
            return None
        if self.positions_window is None:
            self.positions_window = PositionsWindow(self.window_)
        self.positions_window.set_matrices(*self.heatmaps)
        self.positions_window.show()
        self.positions_window.raise_()
        return self.positions_window


def _short(name: str) -> str:
    """A table's name without the model's title and the count in brackets."""
    name = name.split(": ", 1)[-1]
    return name.split(" (", 1)[0]
