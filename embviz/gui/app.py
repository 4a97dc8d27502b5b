"""Start the Qt application and the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from embviz import __version__
from embviz.core.paths import resource


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("embviz")
    app.setOrganizationName("embviz")
    app.setApplicationVersion(__version__)
    icon = resource("icons/embviz.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run(paths: list[str]) -> int:
    """Open the window on ``paths`` (or on the built-in demo when there are none)."""
    from embviz.gui.main_window import MainWindow

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = make_application()
    window = MainWindow()
    window.show()
    if paths:
        window.open_paths(paths)
    else:
        window.open_demo()
    return app.exec()
