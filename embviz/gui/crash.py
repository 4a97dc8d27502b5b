"""Uncaught exceptions never lose the window silently: a dialog with copyable details, a log file
in the platform's log directory, and the application keeps running where it can."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from embviz.core.paths import log_dir

log = logging.getLogger("embviz")


def setup_logging(directory: Path | None = None) -> Path | None:
    """Log warnings and errors to embviz.log (rotated); returns the file, or None if unwritable."""
    directory = directory or log_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            directory / "embviz.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return directory / "embviz.log"


class CrashReporter(QObject):
    """Shows uncaught exceptions from any thread in the GUI thread."""

    crashed = Signal(str, str)  # summary, details

    def __init__(self, log_file: Path | None = None) -> None:
        super().__init__()
        self.log_file = log_file
        self.last_box: QMessageBox | None = None
        self.crashed.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(
            args.exc_type, args.exc_value, args.exc_traceback
        )

    def handle(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", details)
        self.crashed.emit(f"{exc_type.__name__}: {exc}", details)

    def _show(self, summary: str, details: str) -> None:
        where = f"\n\nThe details are also in {self.log_file}." if self.log_file else ""
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "embviz: something went wrong",
            f"An unexpected error happened: {summary}\n\n"
            f"embviz keeps running; save your work if you can.{where}",
        )
        box.setDetailedText(details)
        box.setModal(False)
        box.open()
        self.last_box = box
