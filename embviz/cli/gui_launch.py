"""The CLI's only doors into the GUI (the import-linter contract names this module)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def launch(paths: list[str]) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "embviz: no display found (DISPLAY is not set). Start it from a desktop session, "
            "or use `embviz render -o map.png` for a screenshot without one.",
            file=sys.stderr,
        )
        return 1
    from embviz.gui.app import run

    return run(paths)


def render(path: str | None, out: Path, size: tuple[int, int]) -> None:
    from embviz.gui.render import render as render_window

    render_window(path, out, size)
