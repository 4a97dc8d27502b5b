"""docs/health.png: the demo set's map coloured by k-occurrence, beside the Health dock.

Run under a display (or xvfb-run): ``python scripts/screenshot_health.py [OUT.png]``. It opens the
window as a person would, runs the health report (k = 10), colours the map by k-occurrence and
selects the top hub, then saves the window.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main(out: str = "docs/health.png", size: tuple[int, int] = (1600, 1000)) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from embviz.gui.app import make_application
    from embviz.gui.main_window import MainWindow

    app = make_application()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(*size)
    window.show()
    window.open_demo()

    def wait(condition, timeout: float = 900.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            app.processEvents()
            if time.monotonic() > deadline:
                raise SystemExit("gave up waiting for the window")
            time.sleep(0.01)

    wait(lambda: window.session.current is not None and window.is_idle())
    dock = window.docks["health"]
    dock.show()
    dock.raise_()
    window.resizeDocks([dock], [430], Qt.Orientation.Horizontal)
    panel = window.panels["health"].report
    panel.run_button.click()
    wait(lambda: panel.report is not None and not window.runner.is_busy())
    panel.colour_buttons["k_occurrence"].click()
    hub = panel.report.hubness.hubs[0][0]
    window.session.select([window.session.current.index_of(hub)])
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
    window.grab().save(out)
    window.close()
    QApplication.processEvents()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
