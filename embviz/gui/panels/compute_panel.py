"""Tools > Compute embeddings…: run a model adapter on words, sentences or a corpus.

The form is generated from the chosen adapter's params dataclass by the same form builder as the
projection panel (embviz.gui.forms), so it never drifts from the CLI flags; the model, input kind
and parameters last used are remembered. The work runs in ``window.runner`` on the "compute"
channel with progress and Cancel; the result opens as a new set. While a model trains, the set after each epoch
is shown and re-projected so the person watches the space form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6 import QtWidgets as qw
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from embviz.core.errors import EmbvizError
from embviz.core.params import ParamSpec, make_params
from embviz.gui.errors import show_error
from embviz.gui.forms import ParamsForm
from embviz.gui.progress_widget import show_fraction
from embviz.models import adapters
from embviz.models.epoch_snapshots import KEY as SNAPSHOTS
from embviz.models.epoch_snapshots import snapshots_of
from embviz.models.text_input import read_lines

CHANNEL = "compute"
# A new epoch goes on the map at most this often, and only once the map has drawn the one
# before: each costs a projection and a redraw, and epochs of a small corpus come faster than
# that (the newest waiting epoch is the one shown; the others were seen only by the worker).
EPOCH_INTERVAL_MS = 400
KIND_TITLES = {"sentences": "Sentences", "tokens": "Words in context (tokens)", "words": "Words"}


class ComputeLauncher:
    """Tools > Compute embeddings…: the menu action and its dialog (made when first asked)."""

    def __init__(self, window) -> None:
        self.window = window
        self.dialog: ComputeDialog | None = None
        self.action = QAction("Compute embeddings…", window)
        self.action.setToolTip(
            "Embed words or sentences with a model, or train vectors on a corpus"
        )
        self.action.triggered.connect(self.open_dialog)
        window.tools_menu.addAction(self.action)

    def open_dialog(self) -> ComputeDialog:
        if self.dialog is None:
            self.dialog = ComputeDialog(self.window)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog


def install(window) -> ComputeLauncher:
    return ComputeLauncher(window)


def _same_columns(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return old.keys() == new.keys() and all(
        np.array_equal(np.asarray(old[k]), np.asarray(new[k])) for k in old
    )


def _pick_file(parent) -> str:
    return qw.QFileDialog.getOpenFileName(parent, "Choose a file")[0]


class ComputeDialog(qw.QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Compute embeddings")
        self.resize(620, 640)
        self.source_lines: list[str] | None = None  # lines of a loaded file, kept exactly
        self.live_set = None  # the set being trained, updated after each epoch
        self.handle = None  # the running task's progress and end (TaskHandle)
        self.waiting_epoch = None  # the newest epoch not yet on the map (only the newest kept)
        self.epoch_timer = QTimer(self, singleShot=True, interval=EPOCH_INTERVAL_MS)
        self.epoch_timer.timeout.connect(self._show_waiting_epoch)

        self.adapter_box = qw.QComboBox()
        for adapter in adapters:
            why = adapter.available()
            self.adapter_box.addItem(adapter.title + (f" ({why})" if why else ""), adapter.name)
        self.kind_box = qw.QComboBox()
        top = qw.QFormLayout()
        top.addRow("Model:", self.adapter_box)
        top.addRow("Embed:", self.kind_box)
        self.text = qw.QPlainTextEdit()
        self.file_label = qw.QLabel("")
        load = qw.QPushButton("Load file…")
        load.clicked.connect(lambda: self.load_input_file(_pick_file(self)))
        row = qw.QHBoxLayout()
        row.addWidget(load)
        row.addWidget(self.file_label, 1)
        input_box = qw.QGroupBox("Input")
        input_layout = qw.QVBoxLayout(input_box)
        input_layout.addWidget(self.text)
        input_layout.addLayout(row)

        self.params_box = qw.QGroupBox("Parameters")
        self.form = ParamsForm()  # generated from the adapter's params dataclass
        qw.QVBoxLayout(self.params_box).addWidget(self.form)
        self.message = qw.QLabel("")
        self.message.setWordWrap(True)
        self.bar = qw.QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        buttons = qw.QDialogButtonBox()
        self.run_button = buttons.addButton("Compute", qw.QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", qw.QDialogButtonBox.ButtonRole.RejectRole)
        close = buttons.addButton("Close", qw.QDialogButtonBox.ButtonRole.DestructiveRole)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        close.clicked.connect(self.hide)
        self.cancel_button.setEnabled(False)

        layout = qw.QVBoxLayout(self)
        layout.addLayout(top)
        for widget, stretch in ((input_box, 1), (self.params_box, 0), (self.message, 0)):
            layout.addWidget(widget, stretch)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)

        remembered = window.settings.value("compute/adapter")  # the model last used
        if remembered and self.adapter_box.findData(remembered) >= 0:
            self.adapter_box.setCurrentIndex(self.adapter_box.findData(remembered))
        self.adapter_box.currentIndexChanged.connect(self._on_adapter)
        window.runner.busyChanged.connect(lambda _: self._update_busy())
        window.session.set_closed.connect(self._on_set_closed)
        self._on_adapter()

    @property
    def adapter(self):
        return adapters.get(self.adapter_box.currentData())

    def _on_adapter(self) -> None:
        adapter = self.adapter
        self.kind_box.clear()
        for kind in ("sentences", "tokens", "words"):
            if kind in adapter.kinds:
                self.kind_box.addItem(KIND_TITLES[kind], kind)
        self.form.build(adapter.params)
        self.form.restore(self.window_.settings, f"compute/{adapter.name}")
        kind = self.window_.settings.value(f"compute/{adapter.name}/kind")
        if kind and self.kind_box.findData(kind) >= 0:
            self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        corpus = adapter.name == "gensim"  # its input is the corpus parameter below
        self.text.setEnabled(not corpus)
        self.text.setPlaceholderText(
            "Training reads the corpus chosen under Parameters."
            if corpus
            else "Paste or type: one sentence (or word) per line, or load a file"
        )
        why = adapter.available()
        self.run_button.setEnabled(why is None)
        self.message.setText(f"This model {why}." if why else "")

    @property
    def fields(self) -> dict[str, tuple[ParamSpec, qw.QWidget]]:
        """Each parameter's declaration and editor, by name."""
        return {name: (self.form.specs[name], e) for name, e in self.form.editors.items()}

    def load_input_file(self, path: str | Path) -> None:
        """Take input lines from a file (shown in the text box); line numbers stay the file's."""
        if not path:
            return
        try:
            lines = read_lines(path)
        except EmbvizError as exc:
            self.message.setText(str(exc))
            return
        self.source_lines = lines
        self.text.setPlainText("\n".join(lines))
        self.file_label.setText(f"{Path(path).name}: {len(lines):,} lines")

    def params(self) -> Any:
        adapter = self.adapter
        values = self.form.values()
        if adapter.name == "static":
            values["source_set"] = self.window_.session.current
        return make_params(adapter.params, values, adapter.name)

    def texts(self) -> list[str]:
        if not self.text.isEnabled():
            return []
        lines = self.text.toPlainText().split("\n")
        if self.source_lines is not None and lines == self.source_lines:
            return self.source_lines
        self.source_lines = None
        while lines and not lines[-1].strip():
            lines.pop()
        if self.kind_box.currentData() == "words":
            return [word for line in lines for word in line.split()]
        return lines

    def start(self) -> None:
        adapter, kind = self.adapter, self.kind_box.currentData()
        try:
            params, texts = self.params(), self.texts()
        except (ValueError, EmbvizError) as exc:
            self.message.setText(str(exc))
            return
        self.form.remember(self.window_.settings, f"compute/{adapter.name}")
        self.window_.settings.setValue(f"compute/{adapter.name}/kind", kind)
        self.window_.settings.setValue("compute/adapter", adapter.name)
        self.live_set = None
        self._drop_waiting_epoch()
        self.message.setText("")
        handle = self.handle = self.window_.runner.run(
            CHANNEL,
            f"Computing with {adapter.name}",
            lambda: adapter.embed(texts, kind, params),
            on_result=self._on_result,
            on_error=self._on_error,
            on_partial=self._on_partial,
        )
        handle.progressed.connect(self._on_progress)
        self._update_busy()

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self._drop_waiting_epoch()
        self.message.setText("Cancelled; nothing was changed.")
        self._update_busy()

    def _update_busy(self) -> None:
        busy = self.window_.runner.is_busy(CHANNEL)
        self.run_button.setEnabled(not busy and self.adapter.available() is None)
        self.cancel_button.setEnabled(busy)
        self.bar.setVisible(busy)

    def _on_progress(self, progress) -> None:
        """Progress of the task this dialog started (its own handle: nobody else's)."""
        self.message.setText(progress.message)
        show_fraction(self.bar, progress.fraction)

    def _on_partial(self, eset) -> None:
        """A training epoch ended: show its vectors (one set, updated; the views showing it
        project it again when the model says its vectors changed), at most every
        EPOCH_INTERVAL_MS and once the map has drawn the epoch before."""
        session = self.window_.session
        if self.live_set is None or self.live_set not in session.sets:
            self.live_set = eset
            session.add_set(eset)
            self.epoch_timer.start()
            return
        self.waiting_epoch = eset
        if not self.epoch_timer.isActive():
            self.epoch_timer.start()

    def _show_waiting_epoch(self) -> None:
        live, eset = self.live_set, self.waiting_epoch
        session = self.window_.session
        if eset is None or live is None or live not in session.sets:
            self.waiting_epoch = None
            return
        projector = self.window_.projector
        if any(view.eset is live and projector.is_running(view) for view in session.views):
            self.epoch_timer.start()  # its layout of the epoch before is still being made
            return
        self.waiting_epoch = None
        self._replace_vectors(live, eset)
        self.epoch_timer.start()  # the next epoch no sooner than the interval

    def _drop_waiting_epoch(self) -> None:
        self.waiting_epoch = None
        self.epoch_timer.stop()

    def _replace_vectors(self, live, eset) -> None:
        session = self.window_.session
        live.model = eset.model
        # An epoch leaves the vocabulary and its counts as they were: announcing the same
        # columns again made every panel rebuild its forms and histograms once an epoch (most
        # of the GUI thread's time while training). Only columns that differ are announced.
        if not _same_columns(live.metadata, eset.metadata):
            session.set_metadata(live, eset.metadata)  # first: a projection started on the
        session.replace_vectors(live, eset.vectors)  # new vectors then sees the final version

    def _on_set_closed(self, eset) -> None:
        if eset is self.live_set:
            self.live_set = None
        if eset is getattr(self, "last_result", None):
            self.last_result = None

    def _on_result(self, eset) -> None:
        self._update_busy()
        self._drop_waiting_epoch()  # the final vectors supersede it
        live, self.live_set = self.live_set, None
        if live is not None and live in self.window_.session.sets and live.labels == eset.labels:
            self._replace_vectors(live, eset)
            snapshots = snapshots_of(eset)  # the epochs, for an aligned sequence (Compare)
            if snapshots is not None:
                live.store_derived(SNAPSHOTS, snapshots, version=live.version)
            self.window_.session.rename_set(live, eset.name)
        else:
            self.window_.session.add_set(eset)
        warnings = "; ".join(eset.warnings)
        self.message.setText(
            f"Opened {eset.name}: {len(eset):,} × {eset.dims}."
            + (f" Note: {warnings}" if warnings else "")
        )
        self.last_result = eset

    def _on_error(self, exc: BaseException) -> None:
        self._update_busy()
        self._drop_waiting_epoch()
        self.message.setText(str(exc) if isinstance(exc, EmbvizError) else "")
        if not isinstance(exc, EmbvizError):
            show_error(self, "Could not compute embeddings", exc, "Computing embeddings")
