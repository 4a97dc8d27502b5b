"""Panels are registered contributions: a third-party distribution adds one through the
``embviz.panels`` entry point group; it gets a dock, hears the model's events, and a broken one is
reported without breaking the window."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from PySide6.QtCore import QSettings

import embviz.gui.panel_registry as panel_registry
from embviz.core.dataset import EmbeddingSet
from embviz.core.plugins import Registry


@pytest.fixture
def plugin_panel(tmp_path, monkeypatch):
    (tmp_path / "embviz_count_panel.py").write_text(
        textwrap.dedent("""
        from PySide6.QtWidgets import QLabel

        from embviz.gui.panel_registry import PanelContribution

        def install(window):
            label = QLabel("no set")
            window.session.current_changed.connect(
                lambda eset: label.setText(f"{len(eset)} rows" if eset is not None else "no set")
            )
            window.add_dock("count", "Count", label)
            return label

        panel = PanelContribution("count", "embviz_count_panel", order=90)
    """)
    )
    info = tmp_path / "embviz_count_panel-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: embviz-count\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[embviz.panels]\ncount = embviz_count_panel:panel\nbroken = embviz_no_such:panel\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fresh = Registry("embviz.panels", panel_registry._builtins)
    monkeypatch.setattr(panel_registry, "panels", fresh)
    return fresh


def test_a_plugin_panel_gets_a_dock_and_follows_the_model(plugin_panel, qtbot, tmp_path):
    from embviz.gui.main_window import MainWindow

    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    label = window.panels["count"]
    assert "count" in window.docks and window.docks["count"].widget().widget() is label
    assert list(window.panels)[:3] == ["data", "data_actions", "projection"]  # by order
    assert plugin_panel.origins["count"].startswith("entry point count (embviz-count)")
    assert "embviz_no_such" in plugin_panel.failures["broken"]
    window.session.add_set(EmbeddingSet(["a", "b", "c"], np.eye(3), name="abc"))
    assert label.text() == "3 rows"
    window.cancel()
