"""Help > About shows the one version string."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

ROOT = Path(__file__).resolve().parents[2]


def test_about_box_shows_the_package_version(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    actions = [a for menu in window.menuBar().actions() for a in menu.menu().actions()]
    about = next(a for a in actions if a.text().replace("&", "") == "About embviz")
    about.trigger()
    # The version as the build backend reads it: the __version__ line of embviz/__init__.py.
    source = (ROOT / "embviz" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'^__version__ = "([^"]+)"$', source, re.M).group(1)
    assert len(shown) == 1 and f"embviz {version}" in shown[0]
