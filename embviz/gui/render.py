"""`embviz render`: the real main window, offscreen, saved as a PNG once it has drawn."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from embviz.core.errors import EmbvizError


def _needs_offscreen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux"):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def render(
    path: str | None,
    out: Path,
    size: tuple[int, int],
    timeout: float = 600.0,
    inspect: Callable[[Any], None] | None = None,
) -> None:
    """Open ``path`` (or the demo) as a person would and save a screenshot to ``out``.

    ``inspect`` is called with the window just before it is grabbed (tests read the axes'
    mapping there, to check the dots in the saved picture).
    """
    if _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("EMBVIZ_NO_UMAP_WARMUP", "1")  # one picture: no UMAP process to warm
    from PySide6.QtCore import QSettings, qInstallMessageHandler

    from embviz.gui.app import make_application

    qInstallMessageHandler(_quiet_offscreen_noise)
    app = make_application()
    # settings of its own, in a folder removed afterwards (each render used to leave one behind)
    with tempfile.TemporaryDirectory(prefix="embviz-render-") as scratch:
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        try:
            _render_window(app, settings, path, out, size, timeout, inspect)
        finally:
            settings.sync()  # written out now, not into a folder already gone


def _quiet_offscreen_noise(mode, context, message: str) -> None:
    """The offscreen plugin warns about features it lacks; nothing a person can act on."""
    if "does not support" in message:
        return
    print(message, file=sys.stderr)


def _render_window(
    app: Any,
    settings: Any,
    path: str | None,
    out: Path,
    size: tuple[int, int],
    timeout: float,
    inspect: Callable[[Any], None] | None,
) -> None:
    from PySide6.QtWidgets import QApplication

    from embviz.gui.main_window import MainWindow

    # a render leaves the person's recent files alone; it starts as the app does (panel_registry)
    window = MainWindow(settings=settings, defer_panels=True)
    window.resize(*size)
    window.show()
    if path is None:
        window.open_demo()
    else:
        window.open_paths([path], remember=False)
    deadline = time.monotonic() + timeout
    while not window.is_idle() or window.runner.is_busy():
        app.processEvents()
        if time.monotonic() > deadline:
            raise EmbvizError(f"render: gave up after {timeout:.0f} s waiting for the window.")
        time.sleep(0.01)
    if window.last_error is not None:
        raise EmbvizError(window.last_error.text())
    settle = time.monotonic() + 0.3  # let debounced label placement run
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
    out.parent.mkdir(parents=True, exist_ok=True)
    if inspect is not None:
        inspect(window)
    if not window.grab().save(str(out)):
        raise EmbvizError(f"{out}: could not write the PNG (check the folder and the name).")
    window.close()
    QApplication.processEvents()
