"""Status-bar progress with a Cancel button: it follows the latest task the runner started."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from embviz.core.tasks import Progress
from embviz.gui.workers import TaskHandle, TaskRunner


class ProgressWidget(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.handle: TaskHandle | None = None
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
        runner.started.connect(self.follow)
        self.setVisible(False)

    def follow(self, handle: TaskHandle) -> None:
        """Show ``handle``'s progress (the newest task); the previous one's is no longer shown."""
        if self.handle is not None:
            self.handle.progressed.disconnect(self._on_progress)
        self.handle = handle
        handle.progressed.connect(self._on_progress)
        if handle.progress is not None:
            self._on_progress(handle.progress)

    def _on_progress(self, progress: Progress) -> None:
        handle = self.handle
        self.message.setText(progress.message or (handle.description if handle else ""))
        show_fraction(self.bar, progress.fraction)


def show_fraction(bar: QProgressBar, fraction: float | None) -> None:
    """A task's progress on a bar: busy when the task cannot say how far it is (None)."""
    if fraction is None:
        bar.setRange(0, 0)
    else:
        bar.setRange(0, 1000)
        bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
