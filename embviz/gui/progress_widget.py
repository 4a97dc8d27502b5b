"""Status-bar progress with a Cancel button, driven by the TaskRunner."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from embviz.core.tasks import Progress
from embviz.gui.workers import TaskRunner


class ProgressWidget(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.message = QLabel("")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running work; what was open stays open.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.message, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.cancel_button.clicked.connect(lambda: runner.cancel())
        runner.busyChanged.connect(self.setVisible)
        runner.progressChanged.connect(self._on_progress)
        self.setVisible(False)

    def _on_progress(self, description: str, progress: Progress) -> None:
        self.message.setText(progress.message or description)
        if progress.fraction is None:
            self.bar.setRange(0, 0)  # busy indicator
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(max(0.0, min(1.0, progress.fraction)) * 1000))
