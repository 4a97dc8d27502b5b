"""Make docs/anatomy.png: the Model anatomy panel with a text's pieces located on the default
model's token map, above the position cosine heatmaps (learned beside sinusoidal).

Run under a display (xvfb-run) or offscreen: ``QT_QPA_PLATFORM=offscreen python
scripts/anatomy_screenshot.py [OUT.png]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

TEXT = "Tokenizers cut unfamiliar words into pieces."
WIDTH = 1400


def main(out: str = "docs/anatomy.png") -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("embviz")
    from embviz.gui.main_window import MainWindow

    settings = QSettings(str(Path(out).with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(WIDTH, 860)
    window.show()

    def wait(done, seconds: float = 120.0) -> None:
        end = time.time() + seconds
        while not done() and time.time() < end:
            QTest.qWait(10)  # an event loop: deferred deletions run too, as in the app

    panel = window.panels["anatomy"]
    window.docks["anatomy"].raise_()
    window.resizeDocks([window.docks["anatomy"]], [360], Qt.Orientation.Horizontal)
    panel.tables.open_tables()
    wait(lambda: len(window.session.sets) == 4 and window.is_idle())
    panel.tokenizer.text.setText(TEXT)
    wait(lambda: panel.tokenizer.shown is not None and panel.tokenizer.shown.text == TEXT)
    panel.tokenizer.show_on_token_map()
    wait(window.is_idle)
    wait(lambda: False, 0.5)  # labels settle
    top = window.grab().toImage()
    heatmaps = panel.tables.show_positions()
    heatmaps.resize(WIDTH, 500)
    wait(lambda: False, 0.5)
    bottom = heatmaps.grab().toImage()
    image = QImage(WIDTH, top.height() + bottom.height(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, top)
    painter.drawImage(0, top.height(), bottom)
    painter.end()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    _shrink(out)
    Path(out).with_suffix(".ini").unlink(missing_ok=True)
    print(f"wrote {out} ({image.width()} x {image.height()})")
    heatmaps.close()
    window.close()


def _shrink(path: str) -> None:
    """256 colours with dithering (about a quarter of the size; the heatmaps' noise otherwise
    makes a 1 MB file), when Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    quantized = rgb.quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.FLOYDSTEINBERG)
    quantized.save(path, optimize=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
