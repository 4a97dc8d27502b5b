"""Render resources/icons/embviz.svg to the PNG sizes desktops want, and a Windows .ico.

python scripts/build_icons.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 - QImage/QPainter need an application
    renderer = QSvgRenderer(str(ICONS / "embviz.svg"))
    for size in SIZES:
        render(renderer, size).save(str(ICONS / f"embviz-{size}.png"))
    if not render(renderer, 256).save(str(ICONS / "embviz.ico")):
        print("this Qt cannot write .ico; PyInstaller converts the PNG instead")
    print("wrote", ", ".join(f"embviz-{s}.png" for s in SIZES))


if __name__ == "__main__":
    main()
