"""File menu: Add metadata…, Export…, Open first N rows… driven on the real window."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from embviz.core.dataset import EmbeddingSet
from tests.conftest import write_glove


def wait_idle(qtbot, win, timeout=30000):
    qtbot.waitUntil(win.is_idle, timeout=timeout)


@pytest.fixture
def glove_window(window, qtbot, small_glove):
    path, _, _ = small_glove
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    return window


def test_actions_sit_in_the_file_menu(window):
    texts = [a.text() for a in window.file_menu.actions()]
    end = window.file_menu.actions().index(window.file_menu_end)
    for name in ("Open &first N rows…", "Add &metadata…", "&Export…"):
        assert texts.index(name) < end
    assert not window.panels["data_actions"].export_action.isEnabled()  # nothing open yet


def test_add_metadata_by_label(glove_window, qtbot, tmp_path):
    win = glove_window
    eset = win.session.current
    table = tmp_path / "pos.csv"
    table.write_text("word,group,score\nword3,a,1.5\nword1,b,2\n")
    win.panels["data_actions"].add_metadata(table)
    qtbot.waitUntil(lambda: "group" in eset.metadata, timeout=10000)
    assert eset.metadata["group"][[1, 2, 3]].tolist() == ["b", "", "a"]
    assert eset.metadata["score"].dtype == np.float64
    assert "group" in win.panels["data"].fields["Metadata"].text()
    assert any("not in pos.csv" in w for w in eset.warnings)


def test_bad_metadata_keeps_the_set(glove_window, qtbot, tmp_path):
    win = glove_window
    eset = win.session.current
    table = tmp_path / "short.csv"
    table.write_text("group\na\nb\n")
    win.panels["data_actions"].add_metadata(table, by="row")
    qtbot.waitUntil(lambda: win.last_error is not None, timeout=10000)
    text = win.last_error.text()
    assert str(table) in text and "has 2 rows but the set has 50" in text
    assert eset.metadata == {} and win.session.current is eset


@pytest.mark.parametrize("kind", ["projector", "word2vec-binary", "coords"])
def test_export(glove_window, qtbot, tmp_path, small_glove, kind):
    win = glove_window
    _, labels, vectors = small_glove
    suffix = {"projector": ".tsv", "word2vec-binary": ".bin", "coords": ".csv"}[kind]
    out = tmp_path / f"out{suffix}"
    win.panels["data_actions"].export(out, kind)
    qtbot.waitUntil(lambda: out.exists() and not win.runner.is_busy(), timeout=10000)
    if kind == "projector":
        values = np.loadtxt(out, delimiter="\t").astype(np.float32)
        assert np.array_equal(values, vectors)
        assert (tmp_path / "out_metadata.tsv").read_text().splitlines() == labels
    elif kind == "coords":
        with open(out, newline="") as f:
            rows = list(csv.reader(f))
        coords = win.session.projection.coords
        assert rows[0] == ["label", "x", "y"] and [r[0] for r in rows[1:]] == labels
        assert np.allclose(np.array([r[1:] for r in rows[1:]], float), coords, rtol=1e-6)
    else:
        from gensim.models import KeyedVectors

        kv = KeyedVectors.load_word2vec_format(str(out), binary=True)
        assert kv.index_to_key == labels and np.array_equal(kv.vectors, vectors)
    assert "Exported to out" in win.statusBar().currentMessage()


def test_export_dialog_uses_the_chosen_filter(glove_window, qtbot, tmp_path, monkeypatch):
    win = glove_window
    target = tmp_path / "map"
    choice = "Map coordinates + metadata (*.csv)"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), choice))
    win.panels["data_actions"].export_action.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "map.csv").exists(), timeout=10000)
    assert (tmp_path / "map.csv").read_text().startswith("label,x,y")


def test_open_first_rows(window, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    rng = np.random.default_rng(1)
    write_glove(path, [f"w{i}" for i in range(200)], rng.normal(size=(200, 4)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (25, True))
    window.panels["data_actions"].open_first_action.trigger()
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    eset = window.session.current
    assert len(eset) == 25 and eset.labels[-1] == "w24"


def test_pickle_asks_before_loading(window, qtbot, tmp_path, monkeypatch):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(3)
    kv.add_vectors(["a", "b"], np.eye(2, 3, dtype=np.float32))
    path = tmp_path / "v.kv"
    kv.save(str(path))
    asked = []
    monkeypatch.setattr(window, "ask_trust", lambda p, why: asked.append(why) or True)
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    assert asked and "pickle" in asked[0]
    assert isinstance(window.session.current, EmbeddingSet)
    assert window.session.current.labels == ["a", "b"]
