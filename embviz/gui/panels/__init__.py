"""Dock panels and menu actions, one module each.

Every module listed in PANEL_MODULES defines ``install(window)``: it builds its widgets, calls
``window.add_dock(...)`` and may add actions to ``window.file_menu`` / ``window.tools_menu``.
Panels talk to ``window.session`` (state and events) and run long work through
``window.runner`` on their own channel; they never compute numbers themselves.
"""

from __future__ import annotations

import importlib

PANEL_MODULES = [
    "data_actions",  # File menu: add metadata, export, open first N rows
    "projection_panel",  # methods, parameters, quality
    "neighbors_panel",  # nearest neighbours in the original space
    "analogy_panel",  # analogy workbench and benchmarks
    "compute_panel",  # compute embeddings with model adapters
    "appearance_panel",  # colour by metadata, point size and opacity, labels, theme
    "polysemy_panel",  # polysemy lab: one word across contexts and layers
]


def install_panels(window) -> list[str]:
    """Install every available panel; returns the names installed."""
    installed = []
    for name in PANEL_MODULES:
        try:
            module = importlib.import_module(f"embviz.gui.panels.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"embviz.gui.panels.{name}":
                raise
            continue  # planned, not built yet
        module.install(window)
        installed.append(name)
    return installed
