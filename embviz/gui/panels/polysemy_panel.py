"""Tools > Polysemy lab…: one word across many contexts, layer by layer (issue 8).

The lab is its own window (it needs room for several words side by side); it opens on the sample
set in resources/polysemy and starts embedding it at once.
"""

from __future__ import annotations

from PySide6.QtGui import QAction

from embviz.gui.polysemy.lab import PolysemyLab


def install(window) -> None:
    action = QAction("Polysemy lab…", window)
    action.setToolTip("See and measure how a word's senses separate across a model's layers")
    action.triggered.connect(lambda: open_lab(window))
    window.tools_menu.addAction(action)
    window.polysemy_action = action


def open_lab(window) -> PolysemyLab:
    """Show the lab (one per window); the first time, load the sample and run it."""
    found: PolysemyLab | None = getattr(window, "polysemy_lab", None)
    first = found is None
    lab = window.polysemy_lab = found if found is not None else PolysemyLab(window)
    lab.show()
    lab.raise_()
    if first:
        lab.load_sample()
        lab.run()
    return lab
