"""Start the Qt application and the main window: one instance per user, logging, crash dialog,
files from the command line, from a second launch, or from Finder (QFileOpenEvent)."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from embviz import __version__
from embviz.core.paths import resource
from embviz.gui.gui_gc import collect_in_gui_thread


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is None:
        share_gl_contexts()
        app = QApplication(argv if argv is not None else sys.argv[:1])
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise RuntimeError("A non-GUI QCoreApplication already runs here; embviz needs a window.")
    app.setApplicationName("embviz")
    app.setOrganizationName("embviz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("embviz")
    collect_in_gui_thread()  # never in a worker thread, where Qt objects cannot be destroyed
    icon = resource("icons/embviz.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def share_gl_contexts() -> None:
    """Let every OpenGL widget share resources (before the QApplication exists). pyqtgraph keeps
    compiled shader programs across widgets; without sharing, a second 3-D view (the polysemy
    lab's maps beside the main one) would draw with programs of a context that is gone."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


class FileOpenFilter(QObject):
    """macOS sends files opened from Finder as QFileOpenEvent to the application."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FileOpen and event.file():
            self.window.open_paths([event.file()])
            return True
        return False


def bring_to_front(window) -> None:
    window.show()
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def restore_layout(window) -> None:
    geometry = window.settings.value("window/geometry")
    state = window.settings.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)


def save_layout(window) -> None:
    window.settings.setValue("window/geometry", window.saveGeometry())
    window.settings.setValue("window/state", window.saveState())
    window.settings.sync()


def _end_umap_process() -> None:
    """The warm UMAP process is ours: end it with the app (only if it was ever started)."""
    module = sys.modules.get("embviz.reduce.umap_process")
    if module is not None:
        module.shutdown()


def run(paths: list[str]) -> int:
    """Open the window on ``paths`` (or on the built-in demo when there are none)."""
    from embviz.gui.crash import CrashReporter, setup_logging
    from embviz.gui.main_window import MainWindow
    from embviz.gui.single_instance import InstanceServer, send_to_running

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log_file = setup_logging()
    app = make_application()
    if send_to_running(paths):
        print("embviz is already running: the files were opened there.")
        return 0
    reporter = CrashReporter(log_file)
    reporter.install()
    window = MainWindow(defer_panels=True)  # panels but Data: once shown (panel_registry)
    restore_layout(window)
    app.aboutToQuit.connect(lambda: save_layout(window))
    app.aboutToQuit.connect(_end_umap_process)

    def open_from_elsewhere(more: list[str]) -> None:
        if more:
            window.open_paths(more)
        bring_to_front(window)

    server = InstanceServer(open_from_elsewhere, parent=window)  # noqa: F841 - kept by parent
    app.installEventFilter(FileOpenFilter(window))
    window.show()
    if paths:
        window.open_paths(paths)
    else:
        window.open_demo()
    return app.exec()
