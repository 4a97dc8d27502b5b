"""The window's start stays light: no heavy library is imported before the first map, and the
panels other than Data are installed once the window is shown, yet before any set they could show,
with the same docks, in the same order, where a saved layout put them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTabBar

from embviz.core.dataset import EmbeddingSet
from embviz.core.plugins import Registry
from embviz.gui import panel_registry
from embviz.gui.app import restore_layout, save_layout
from embviz.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
# each costs the start 0.1-2 s; none is needed to draw the first map
HEAVY = ("scipy", "sklearn", "numba", "llvmlite", "pynndescent", "umap", "torch", "transformers",
         "sentence_transformers", "pandas", "pyarrow", "gensim", "matplotlib")  # fmt: skip


def test_importing_the_window_imports_no_heavy_library():
    code = (
        "import sys\n"
        "import embviz.gui.app, embviz.gui.main_window\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"imported at start: {done.stdout.strip()}"


def _settings(tmp_path, name="s.ini") -> QSettings:
    return QSettings(str(tmp_path / name), QSettings.Format.IniFormat)


def _right_tabs(window) -> list[str]:
    """The tab titles of the docks' group that holds Data, in tab order."""
    for bar in window.findChildren(QTabBar):
        tabs = [bar.tabText(i) for i in range(bar.count())]
        if bar.parent() is window and "Data" in tabs:
            return tabs
    raise AssertionError("no dock tab bar holds Data")


def test_deferred_panels_come_after_the_first_show_with_the_same_docks(qtbot, tmp_path):
    eager = MainWindow(settings=_settings(tmp_path, "a.ini"))
    qtbot.addWidget(eager)
    deferred = MainWindow(settings=_settings(tmp_path, "b.ini"), defer_panels=True)
    qtbot.addWidget(deferred)
    # built: only the eager Data panel; the others wait for the event loop
    assert set(dict.keys(deferred.panels)) == {"data"} and deferred.panels.waiting
    assert "data" in deferred.docks and "neighbors" not in deferred.docks
    assert not deferred.is_idle()  # "drawn" is not claimed while panels wait
    for window in (eager, deferred):
        window.resize(1200, 800)
        window.show()
    qtbot.waitUntil(lambda: not deferred.panels.waiting, timeout=20000)
    assert list(deferred.panels) == list(eager.panels)
    assert list(deferred.docks) == list(eager.docks)
    assert [a.text() for a in deferred.view_menu.actions()] == [
        a.text() for a in eager.view_menu.actions()
    ]
    assert [a.text() for a in deferred.file_menu.actions()] == [
        a.text() for a in eager.file_menu.actions()
    ]
    qtbot.waitUntil(lambda: _right_tabs(deferred) == _right_tabs(eager), timeout=5000)
    for name, dock in eager.docks.items():
        assert deferred.docks[name].isVisible() == dock.isVisible(), name


def test_reading_the_panels_installs_the_waiting_ones_at_once(qtbot, tmp_path):
    window = MainWindow(settings=_settings(tmp_path), defer_panels=True)
    qtbot.addWidget(window)
    assert "neighbors" not in dict.keys(window.panels)
    panel = window.panels["neighbors"]  # no event loop turn in between
    assert panel is dict.__getitem__(window.panels, "neighbors") and not window.panels.waiting
    assert window.docks["neighbors"].widget().widget() is panel


@pytest.fixture
def counting_panel(tmp_path, monkeypatch):
    """A panel installed last (order 900) that shows how many rows the current set has."""
    (tmp_path / "embviz_rows_panel.py").write_text(
        textwrap.dedent("""
        from PySide6.QtWidgets import QLabel

        def install(window):
            label = QLabel("no set")
            window.session.current_changed.connect(
                lambda eset: label.setText(f"{len(eset)} rows" if eset is not None else "no set")
            )
            window.add_dock("rows", "Rows", label)
            return label
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def builtins():
        return [
            *panel_registry._builtins(),
            panel_registry.PanelContribution("rows", "embviz_rows_panel", 900),
        ]

    monkeypatch.setattr(panel_registry, "panels", Registry("embviz.panels", builtins))


def test_a_set_opened_at_once_finds_every_panel_installed(counting_panel, qtbot, tmp_path):
    path = tmp_path / "three.npy"
    np.save(path, np.eye(3, dtype=np.float32))
    window = MainWindow(settings=_settings(tmp_path), defer_panels=True)
    qtbot.addWidget(window)
    window.open_paths([path])  # before the window is shown or any panel installed in turn
    qtbot.waitUntil(lambda: window.session.current is not None, timeout=20000)
    assert not window.panels.waiting
    assert dict.__getitem__(window.panels, "rows").text() == "3 rows"


def test_docks_installed_later_go_where_the_saved_layout_put_them(qtbot, tmp_path):
    first = MainWindow(settings=_settings(tmp_path))
    qtbot.addWidget(first)
    first.show()
    neighbours = first.docks["neighbors"]
    neighbours.setFloating(True)
    first.docks["projection"].hide()
    qtbot.waitUntil(lambda: neighbours.isFloating() and neighbours.isVisible())
    save_layout(first)
    first.close()
    second = MainWindow(settings=_settings(tmp_path), defer_panels=True)
    qtbot.addWidget(second)
    restore_layout(second)  # as the app does: before the deferred panels exist
    second.show()
    qtbot.waitUntil(lambda: not second.panels.waiting, timeout=20000)
    qtbot.waitUntil(lambda: second.docks["neighbors"].isVisible(), timeout=5000)
    assert second.docks["neighbors"].isFloating()
    assert second.docks["projection"].isHidden()
    assert second.dockWidgetArea(second.docks["analogy"]) == Qt.DockWidgetArea.RightDockWidgetArea


def test_the_first_map_is_drawn_before_scipy_is_needed(qtbot, tmp_path):
    """Picking builds its k-d tree on the first query: the map is drawn without it."""
    window = MainWindow(settings=_settings(tmp_path), defer_panels=True)
    qtbot.addWidget(window)
    window.show()
    rng = np.random.default_rng(0)
    window.session.add_set(EmbeddingSet([f"w{i}" for i in range(300)], rng.normal(size=(300, 2))))
    qtbot.waitUntil(window.is_idle, timeout=20000)
    index = window.view.index
    assert index is not None and not index._started
    coords = index.coords
    row = index.nearest(*coords[17], max_distance=1e-9)
    assert row == 17 and index._started


def test_the_demo_vectors_are_stored_not_deflated():
    """Inflating the demo's 16 MB of float16 vectors took 0.1-0.2 s of the start (they shrink by
    8% only); the labels and the rest stay deflated."""
    import zipfile

    from embviz.core.paths import demo_path

    with zipfile.ZipFile(demo_path()) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds["vectors.npy"] == zipfile.ZIP_STORED
    assert kinds["labels.npy"] == zipfile.ZIP_DEFLATED


def test_the_first_layout_comes_with_the_loaded_set(qtbot, tmp_path):
    """PCA runs in the loading worker: the set arrives with its layout cached, and the map draws
    scikit-learn's PCA of it."""
    from sklearn.decomposition import PCA

    from embviz.core.projection import cached_projection
    from embviz.reduce.params import as_dict
    from embviz.reduce.pca import PCAParams

    rng = np.random.default_rng(1)
    vectors = (rng.normal(size=(300, 12)) * np.linspace(3, 0.5, 12)).astype(np.float32)
    path = tmp_path / "wide.npy"
    np.save(path, vectors)
    window = MainWindow(settings=_settings(tmp_path), defer_panels=True)
    qtbot.addWidget(window)
    window.show()
    defaults = as_dict(PCAParams())
    cached_when_added = []
    window.session.sets_changed.connect(
        lambda *_: cached_when_added.append(
            [cached_projection(e, "pca", defaults, 2) is not None for e in window.session.sets]
        )
    )
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=20000)
    assert cached_when_added and cached_when_added[0] == [True]
    shown = window.session.active.projection
    assert shown.method == "pca" and not shown.partial
    expected = PCA(n_components=2).fit_transform(vectors)
    signs = np.sign((shown.coords * expected).sum(axis=0))  # a component's sign is a convention
    assert np.allclose(shown.coords * signs, expected, atol=1e-3)
