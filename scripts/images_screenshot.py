"""Make docs/images.png: scikit-learn's 1,797 real digit scans as an Embedding Projector set with
a sprite sheet (vectors: the 64 pixels), laid out by t-SNE, coloured by digit, with thumbnails on
the map and the pointed-at image in the Image dock.

Run under a display (xvfb-run) or offscreen: ``QT_QPA_PLATFORM=offscreen python
scripts/images_screenshot.py [OUT.png]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(out: str = "docs/images.png") -> None:
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tests.image_fixtures import write_digits_projector

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("embviz")
    from embviz.gui.main_window import MainWindow
    from tests.gui.pixel_probe import hover, viewport_pos

    tmp = Path(tempfile.mkdtemp())
    config = write_digits_projector(tmp / "digits")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(1500, 900)
    window.show()

    def wait(done, seconds: float = 300.0) -> None:
        end = time.time() + seconds
        while not done() and time.time() < end:
            QTest.qWait(10)

    window.open_paths([config])
    wait(lambda: window.session.current is not None and window.is_idle())
    eset = window.session.current
    window.projector.project(eset, "tsne")
    wait(lambda: window.is_idle() and window.maps.state.projection.method == "tsne")
    wait(lambda: not window.maps.state.projection.partial)
    window.maps.state.set_colour_column("digit")
    window.resizeDocks([window.docks["image"]], [420], Qt.Orientation.Vertical)
    view = window.view
    xy = view.coords
    wait(lambda: False, 1.0)
    item = window.maps.thumbnails.item
    wait(lambda: not item.pending, 10)
    row = int(item.drawn_rows[len(item.drawn_rows) // 2])
    pos = viewport_pos(view, *xy[row])

    class Bot:  # what tests.gui.pixel_probe.hover needs of qtbot
        @staticmethod
        def wait(ms: int) -> None:
            QTest.qWait(ms)

    hover(Bot, view.viewport(), QPoint(round(pos.x()), round(pos.y())))
    wait(lambda: window.panels["image"].row == row, 5)
    wait(lambda: False, 0.8)
    image = window.grab()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    print(f"wrote {out} ({image.width()} x {image.height()}), hovering {eset.labels[row]}")
    window.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
