"""File > Export writes as the CLI does: no silent overwrite, never a folder, nothing half-written."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from embviz.core.errors import EmbvizError
from embviz.gui.export_view import export_csv, export_png, export_svg
from tests.conftest import write_glove


@pytest.fixture
def shown(window, qtbot, tmp_path):
    labels = [f"w{i}" for i in range(30)]
    path = tmp_path / "set.txt"
    write_glove(path, labels, np.random.default_rng(2).normal(size=(30, 5)).astype(np.float32))
    window.open_paths([path])
    qtbot.waitUntil(
        lambda: window.session.projection is not None and window.is_idle(), timeout=20000
    )
    window.session.select([1, 2])
    return window


@pytest.mark.parametrize(
    "write",
    [
        lambda w, p, **k: export_png(w, p, 400, **k),
        lambda w, p, **k: export_svg(w, p, **k),
        lambda w, p, **k: export_csv(w, p, "selected", **k),
    ],
    ids=["png", "svg", "csv"],
)
def test_export_refuses_to_overwrite_without_force_and_never_replaces_a_folder(
    shown, tmp_path, write
):
    out = tmp_path / "out.file"
    out.write_text("keep me")
    with pytest.raises(EmbvizError, match="out.file"):
        write(shown, out)
    assert out.read_text() == "keep me"
    write(shown, out, force=True)
    assert out.read_bytes() != b"keep me" and out.stat().st_size > 20
    folder = tmp_path / "folder.png"
    folder.mkdir()
    with pytest.raises(EmbvizError, match="folder.png"):
        write(shown, folder, force=True)
    assert folder.is_dir() and not any(folder.iterdir())
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_png_export_is_a_png_whatever_the_name(shown, tmp_path):
    out = export_png(shown, tmp_path / "map.image", 640)
    image = QImage()
    assert image.load(str(out), "PNG") and image.width() == 640
