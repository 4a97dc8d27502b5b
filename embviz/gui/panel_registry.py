"""Panels are contributions, as formats, reducers and adapters are.

A panel is a module with ``install(window) -> object``: it builds its widgets, puts them in a
dock (``window.add_dock``) or a menu (``window.add_file_action`` / ``window.tools_menu``) and
returns its main object (kept in ``window.panels[name]``). A panel talks to the model
(``window.session``: state and events) and runs long work through ``window.runner``; it never
imports or calls another panel, and never adds attributes to the window.

Built-in panels are listed here; third parties add one through the ``embviz.panels`` entry point
group (an entry point naming a :class:`PanelContribution`). Adding a panel = its module, its test
and one line below.

Start-up: the window the app opens (``MainWindow(defer_panels=True)``) installs only the
``eager`` panels at once (the Data dock, shown first); every other panel, built in or a plugin, is
installed one per turn of the event loop right after the window is shown (so its import and
widgets overlap the first file's loading in a worker), and at the latest just before the first set
is added to the model, or when ``window.panels`` is used. A panel therefore always exists before
any set it could react to, whatever order it is installed in, with no work from its author.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer

from embviz.core.plugins import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanelContribution:
    name: str
    module: str  # imported when the panel is installed, so startup stays light
    order: int = 100  # panels are installed by order (dock tabs and menu entries follow it)
    eager: bool = False  # installed before the window is first drawn (see the module's doc)

    def install(self, window: Any) -> Any:
        return importlib.import_module(self.module).install(window)


def _builtins() -> list[PanelContribution]:
    base = "embviz.gui.panels."
    return [
        PanelContribution("data", base + "data_panel", 0, eager=True),  # open sets; shown first
        PanelContribution("data_actions", base + "data_actions", 10),  # File: metadata, export
        PanelContribution("projection", base + "projection_panel", 20),  # methods, quality
        PanelContribution("neighbors", base + "neighbors_panel", 30),  # nearest neighbours
        PanelContribution("analogy", base + "analogy_panel", 40),  # workbench and benchmarks
        PanelContribution("compute", base + "compute_panel", 50),  # embed with model adapters
        PanelContribution("appearance", base + "appearance_panel", 60),  # colour, size, theme
        PanelContribution("polysemy", base + "polysemy_panel", 70),  # polysemy lab
        PanelContribution("anatomy", base + "anatomy_panel", 80),  # model tables, tokenizer
        PanelContribution("document_table", base + "document_table", 80),  # table + filters
        PanelContribution("document_text", base + "document_text", 82),  # a document's text
        PanelContribution("semantic_search", base + "semantic_search", 84),  # plain-word search
        PanelContribution("graph_open", base + "graph_open", 85),  # File: graph (edge list)
        PanelContribution("documents_open", base + "documents_open", 86),  # File: documents
        PanelContribution("topics", base + "topics_panel", 90),  # clusters named on the map
        PanelContribution("compare", base + "compare_panel", 100),  # two spaces side by side
        PanelContribution("health", base + "health_panel", 110),  # embedding health, WEAT
        PanelContribution("image", base + "image_panel", 120),  # a row's image, thumbnails
    ]


panels: Registry[PanelContribution] = Registry("embviz.panels", _builtins)


class InstalledPanels(dict[str, Any]):
    """``window.panels``: name -> each installed panel's object, in order. Panels still waiting
    to be installed (a deferred start) are installed as soon as anyone reads this mapping."""

    def __init__(self, window: Any, waiting: list[PanelContribution]) -> None:
        super().__init__()
        self.window = window
        self.waiting = waiting
        self._installing = False

    def install(self, panel: PanelContribution) -> None:
        docks_before = set(getattr(self.window, "docks", {}))
        try:
            self[panel.name] = panel.install(self.window)
            restore = getattr(self.window, "restore_docks", None)
            if restore is not None:  # a dock made after the saved layout was restored
                restore([d for d in self.window.docks if d not in docks_before])
        except Exception:
            if panels.origins.get(panel.name) == "built in":
                raise  # a broken built-in panel is a bug, seen at once
            log.exception("panel %s failed to install", panel.name)

    def install_next(self) -> bool:
        """Install the next waiting panel; False when none waits."""
        if not self.waiting or self._installing:
            return False
        self._installing = True  # a panel's install reading window.panels does not recurse
        try:
            self.install(self.waiting.pop(0))
        finally:
            self._installing = False
        return True

    def install_waiting(self) -> None:
        while self.install_next():
            pass

    def install_in_turns(self) -> None:
        """One waiting panel per turn of the event loop, so the window stays responsive."""
        if self.install_next() and self.waiting:
            QTimer.singleShot(0, self.window, self.install_in_turns)  # not after the window

    # reading the mapping installs what waits first
    def __getitem__(self, name: str) -> Any:
        self.install_waiting()
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self.install_waiting()
        return super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        self.install_waiting()
        return super().__iter__()

    def __len__(self) -> int:
        self.install_waiting()
        return super().__len__()

    def get(self, name: str, default: Any = None) -> Any:
        self.install_waiting()
        return super().get(name, default)

    def keys(self) -> Any:
        self.install_waiting()
        return super().keys()

    def values(self) -> Any:
        self.install_waiting()
        return super().values()

    def items(self) -> Any:
        self.install_waiting()
        return super().items()


def install_panels(window: Any, defer: bool = False) -> InstalledPanels:
    """Install every registered panel, in order; a panel that fails is logged and skipped.
    ``defer``: only the eager ones now, the others in turns once the event loop runs."""
    ordered = sorted(panels, key=lambda p: p.order)
    installed = InstalledPanels(window, [p for p in ordered if defer and not p.eager])
    for panel in ordered:
        if not defer or panel.eager:
            installed.install(panel)
    if installed.waiting:
        QTimer.singleShot(0, window, installed.install_in_turns)
    return installed
