"""Single instance, files from Finder, crash dialog and log, window layout that persists."""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from embviz.gui.app import FileOpenFilter, restore_layout, save_layout
from embviz.gui.crash import CrashReporter, setup_logging
from embviz.gui.main_window import MainWindow
from embviz.gui.single_instance import InstanceServer, send_to_running


def test_second_launch_hands_its_files_to_the_running_one(qtbot, tmp_path):
    name = f"embviz-test-{uuid.uuid4().hex[:8]}"
    assert send_to_running(["/tmp/x.vec"], name=name) is False  # nothing running yet
    received = []
    server = InstanceServer(received.append, name=name)
    assert server.is_listening()
    target = tmp_path / "words.vec"
    assert send_to_running([str(target)], name=name) is True
    qtbot.waitUntil(lambda: bool(received), timeout=3000)
    assert received == [[str(target.resolve())]]
    server.server.close()


def test_file_open_event_opens_the_file(window, qtbot, small_glove):
    path, labels, _ = small_glove
    QApplication.instance().installEventFilter(FileOpenFilter(window))
    QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(path)))
    qtbot.waitUntil(lambda: window.session.current is not None, timeout=10000)
    assert window.session.current.labels == labels


def test_uncaught_exception_shows_details_and_is_logged(qtbot, tmp_path):
    log_file = setup_logging(tmp_path / "logs")
    reporter = CrashReporter(log_file)
    try:
        raise ZeroDivisionError("boom in a slot")
    except ZeroDivisionError as exc:
        reporter.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: reporter.last_box is not None, timeout=3000)
    box = reporter.last_box
    assert "ZeroDivisionError: boom in a slot" in box.text() and str(log_file) in box.text()
    assert "Traceback" in box.detailedText()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "boom in a slot" in log_file.read_text()
    box.close()


def test_window_layout_persists(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 520)
    qtbot.waitUntil(lambda: first.width() == 700)
    first.docks["data"].hide()
    save_layout(first)
    second = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    restore_layout(second)
    second.show()
    qtbot.waitUntil(lambda: second.width() == 700 and second.height() == 520, timeout=3000)
    assert second.docks["data"].isHidden()
