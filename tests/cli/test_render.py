"""`embviz render` builds the real window offscreen and saves what a person would see."""

import os
import subprocess
import sys

import numpy as np
from PySide6.QtGui import QImage

from tests.conftest import write_glove


def render(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-m", "embviz", "render", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )


def colourful_pixels(image: QImage) -> int:
    """Pixels that are clearly coloured (the map's points), not grey UI or white background."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    ptr = image.constBits()
    stride = image.bytesPerLine()
    raw = np.frombuffer(ptr, dtype=np.uint8, count=stride * image.height())
    rgb = (
        raw.reshape(image.height(), stride)[:, : image.width() * 3]
        .reshape(image.height(), image.width(), 3)
        .astype(int)
    )
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return int((spread > 40).sum())


def test_render_demo_without_a_display(tmp_path):
    out = tmp_path / "demo.png"
    result = render(["-o", out, "--size", "900x600"], tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    assert colourful_pixels(image) > 2000  # thousands of blue points, not an empty frame


def test_render_file_with_two_dims_and_a_bad_file(tmp_path):
    path = tmp_path / "plane.txt"
    write_glove(path, ["a", "b", "c"], np.array([[0, 0], [1, 1], [2, 0]], dtype=np.float32))
    out = tmp_path / "plane.png"
    assert render([path, "-o", out, "--size", "640x480"], tmp_path).returncode == 0
    assert QImage(str(out)).width() == 640
    bad = tmp_path / "bad.vec"
    bad.write_text("3 4\nonly one row 1 2 3\n")
    result = render([bad, "-o", tmp_path / "bad.png"], tmp_path)
    assert result.returncode != 0 and str(bad) in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "bad.png").exists()
