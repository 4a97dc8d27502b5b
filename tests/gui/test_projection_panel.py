"""The projection dock drives real runs: streamed t-SNE, Cancel, and a UMAP run superseded."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QThreadPool

from embviz.core.dataset import EmbeddingSet


@pytest.fixture(scope="module")
def small_set_data():
    import embviz
    from embviz.core.paths import demo_path

    demo = embviz.load(demo_path())
    rows = np.arange(0, len(demo), 30)[:700]
    return [demo.labels[r] for r in rows], np.asarray(demo.vectors[rows], dtype=np.float32)


@pytest.fixture
def panel_window(window, qtbot, small_set_data):
    labels, vectors = small_set_data
    window.session.add_set(EmbeddingSet(labels, vectors, name="words"))
    qtbot.waitUntil(window.is_idle, timeout=30000)  # the default PCA map is drawn
    window.docks["projection"].show()
    window.docks["projection"].raise_()
    qtbot.waitUntil(lambda: not window.projector.quality_runner.is_busy(), timeout=30000)
    return window


def _record(window):
    drawn = []
    window.session.projection_changed.connect(
        lambda p: drawn.append((p.method, p.partial)) if p is not None else None
    )
    return drawn


def _set(panel, name, value):
    editor = panel.editors[name]
    editor.setValue(value) if hasattr(editor, "setValue") else editor.setCurrentText(value)


def test_tsne_layouts_are_drawn_while_forming_and_quality_follows(panel_window, qtbot):
    panel = panel_window.panels["projection"]
    drawn = _record(panel_window)
    panel.set_method("tsne")
    _set(panel, "early_iterations", 60)
    _set(panel, "iterations", 100)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("tsne", False) in drawn, timeout=90000)
    first_final = drawn.index(("tsne", False))
    assert drawn[:first_final].count(("tsne", True)) >= 2
    assert drawn[-1] == ("tsne", False)  # nothing partial drawn after the result
    qtbot.waitUntil(lambda: "trustworthiness" in panel.quality.text(), timeout=60000)
    shown = panel_window.session.projection
    assert 0.5 < shown.info["quality"].trustworthiness <= 1.0
    assert shown.info["quality"].kept.shape == (700,)
    # switching back to PCA and then to the same t-SNE is instant (cached)
    panel.set_method("pca")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel_window.session.projection.method == "pca" and not panel_window.runner.is_busy()
    panel.set_method("tsne")
    _set(panel, "early_iterations", 60)
    _set(panel, "iterations", 100)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel_window.session.projection is shown and not panel_window.runner.is_busy()


def test_cancel_stops_a_tsne_run_within_a_second(panel_window, qtbot):
    panel = panel_window.panels["projection"]
    drawn = _record(panel_window)
    panel.set_method("tsne")
    _set(panel, "iterations", 20000)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: drawn.count(("tsne", True)) >= 2, timeout=60000)  # optimising
    assert panel.cancel_button.isEnabled()
    started = time.monotonic()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel_window.runner.is_busy() and not panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=3000)
    assert time.monotonic() - started < 1.5  # the worker thread itself has stopped
    count = len(drawn)
    qtbot.wait(500)
    assert len(drawn) == count and ("tsne", False) not in drawn


def test_umap_superseded_by_pca_never_appears(panel_window, qtbot):
    panel = panel_window.panels["projection"]
    drawn = _record(panel_window)
    panel.set_method("umap")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("umap", True) in drawn, timeout=30000)  # the PCA preview, at once
    panel.set_method("pca")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert drawn[-1] == ("pca", False)
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=3000)
    qtbot.wait(1000)
    assert ("umap", False) not in drawn and drawn[-1] == ("pca", False)
    assert panel_window.session.projection.method == "pca"


def test_last_method_and_parameters_are_remembered(window, qtbot, small_glove, tmp_path):
    from PySide6.QtCore import QSettings

    from embviz.gui.main_window import MainWindow

    path, _, _ = small_glove
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=20000)
    panel = window.panels["projection"]
    panel.set_method("tsne")
    panel.editors["perplexity"].setValue(12.0)
    panel.run()
    qtbot.waitUntil(lambda: window.session.projection.method == "tsne", timeout=60000)
    window.settings.sync()
    again = MainWindow(settings=QSettings(window.settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.panels["projection"].method.currentData() == "tsne"
    assert again.panels["projection"].editors["perplexity"].value() == 12.0
    again.cancel()
