from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from embviz.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.cancel()


@pytest.fixture
def demo_window(window, qtbot):
    window.open_demo()
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    return window
