"""Panels are contributions, as formats, reducers and adapters are.

A panel is a module with ``install(window) -> object``: it builds its widgets, puts them in a
dock (``window.add_dock``) or a menu (``window.add_file_action`` / ``window.tools_menu``) and
returns its main object (kept in ``window.panels[name]``). A panel talks to the model
(``window.session``: state and events) and runs long work through ``window.runner``; it never
imports or calls another panel, and never adds attributes to the window.

Built-in panels are listed here; third parties add one through the ``embviz.panels`` entry point
group (an entry point naming a :class:`PanelContribution`). Adding a panel = its module, its test
and one line below.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

from embviz.core.plugins import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanelContribution:
    name: str
    module: str  # imported when the panel is installed, so startup stays light
    order: int = 100  # panels are installed by order (dock tabs and menu entries follow it)

    def install(self, window: Any) -> Any:
        return importlib.import_module(self.module).install(window)


def _builtins() -> list[PanelContribution]:
    base = "embviz.gui.panels."
    return [
        PanelContribution("data", base + "data_panel", 0),  # open sets, their source; close
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


def install_panels(window: Any) -> dict[str, Any]:
    """Install every registered panel, in order; a panel that fails is logged and skipped."""
    installed: dict[str, Any] = {}
    for panel in sorted(panels, key=lambda p: p.order):
        try:
            installed[panel.name] = panel.install(window)
        except Exception:
            if panels.origins.get(panel.name) == "built in":
                raise  # a broken built-in panel is a bug, seen at once
            log.exception("panel %s failed to install", panel.name)
    return installed
