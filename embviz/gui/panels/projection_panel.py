"""Projection dock: method, a parameter form generated from the method's dataclass, 2-D/3-D,
Run/Cancel with progress, quality numbers and what was done (sampling, explained variance).

The panel computes nothing: runs go through the window's ProjectionController, quality through
its background runner.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from embviz.core.projection import Projection
from embviz.gui.forms import ParamsForm
from embviz.gui.progress_widget import show_fraction
from embviz.reduce.registry import reducers

WARM_UP_DELAY_MS = 1500  # let the window draw first, then start UMAP's process
THREE_D_NOTE = (
    "3-D layouts are computed and cached; the 3-D view (key 3) shows them, the 2-D map their "
    "first two axes."
)


class ProjectionPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.main_window = window
        self.session = window.session
        self.controller = window.projector
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
        self.form = ParamsForm()  # generated from the method's params dataclass
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
        layout.addWidget(self.form)
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
        self.main_window.runner.busyChanged.connect(lambda busy: self._refresh_buttons())
        self.session.projection_changed.connect(self._on_projection)
        self.session.quality_changed.connect(self._on_projection)
        self.controller.qualityStarted.connect(  # one that waited for the vectors to rest
            lambda: self.quality.setText("Quality: computing in the background…")
        )
        self.session.current_changed.connect(lambda eset: self._build_form())
        self.session.metadata_changed.connect(lambda eset: self._build_form())  # supervised UMAP
        self._build_form()
        remembered = self.main_window.settings.value("projection/method")
        if remembered and self.method.findData(remembered) >= 0:
            self.set_method(remembered)  # the method last run, with its last parameters
        self._refresh_buttons()

    # form -----------------------------------------------------------------------------------
    def _build_form(self) -> None:
        reducer = reducers.get(self.method.currentData())
        eset = self.session.current
        self.form.build(
            reducer.params_type, columns=list(eset.metadata) if eset is not None else []
        )
        self.form.restore(self.main_window.settings, f"projection/{reducer.name}")

    @property
    def editors(self) -> dict[str, QWidget]:
        """The form's editor of each parameter, by name."""
        return self.form.editors

    def set_method(self, name: str) -> None:
        self.method.setCurrentIndex(self.method.findData(name))

    def values(self) -> dict:
        return self.form.values()

    def dims(self) -> int:
        return 3 if self.three_d.isChecked() else 2

    def run(self) -> None:
        eset = self.session.current
        if eset is None:
            self.status.setText("Open a set first.")
            return
        self.status.setText("")
        method, values = self.method.currentData(), self.values()
        self.main_window.settings.setValue("projection/method", method)  # remembered for next time
        self.form.remember(self.main_window.settings, f"projection/{method}")
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
        show_fraction(self.progress, progress.fraction)

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
            eset = self.session.current
            if eset is not None and not eset.vectors_loaded:  # a big atlas opened lazily
                self.quality.setText("Quality: once the vectors are read (neighbours, search)")
                return
            self.quality.setText("Quality: computing in the background…")
            if self.session.current is not None:
                if not self.controller.compute_quality(self.session.current, projection):
                    self.quality.setText("Quality: once the vectors stop changing")
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
