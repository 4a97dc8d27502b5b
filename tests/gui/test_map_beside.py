"""View > New map beside: a second map of any open set, side by side, selection linked by label."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from sklearn.decomposition import PCA

from embviz.core.dataset import EmbeddingSet


def _pca(vectors):
    return PCA(n_components=2).fit_transform(vectors.astype(np.float64))


def _same_up_to_sign(coords, expected):
    coords = coords.astype(np.float64)
    signs = np.sign(np.sum(coords * expected, axis=0))
    return np.allclose(coords * signs, expected, atol=1e-3 * np.abs(expected).max())


def test_a_map_beside_shows_another_set_with_selection_linked_by_label(window, qtbot):
    rng = np.random.default_rng(3)
    labels_a = ["king", "queen", "man", "woman"] + [f"a{i}" for i in range(36)]
    labels_b = [f"b{i}" for i in range(25)] + ["woman", "king", "child"]
    a = EmbeddingSet(labels_a, rng.normal(size=(40, 6)), name="a")
    b = EmbeddingSet(labels_b, rng.normal(size=(28, 5)), name="b")
    window.session.add_set(a)
    window.session.add_set(b)
    window.session.show(a)
    qtbot.waitUntil(window.is_idle, timeout=10000)
    action = next(x for x in window.view_menu.actions() if x.text() == "New map &beside")
    action.trigger()
    beside = window.map_area.beside[0]
    qtbot.waitUntil(window.is_idle, timeout=10000)
    assert beside.state.eset is b and window.session.current is a  # the other set, beside
    assert beside.set_combo.currentText().startswith("b ")
    assert beside.isVisible() and window.maps.stack.isVisible()
    assert beside.x() >= window.maps.stack.x() + window.maps.stack.width()  # side by side
    # each map draws its own set's layout (compared with scikit-learn's PCA)
    assert _same_up_to_sign(window.view.coords, _pca(a.vectors))
    assert _same_up_to_sign(beside.controller.view.coords, _pca(b.vectors))
    # select king and woman in the main map: the map beside selects its king and woman
    window.session.select([0, 3])
    assert sorted(beside.controller.view.selected_rows.tolist()) == [25, 26]
    # a click in the map beside makes it the active one: the status bar and panels follow it
    view = beside.controller.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert window.session.active is beside.state and window.session.current is b
    assert window.set_label.text().startswith("b ")
    window.session.select([27])  # child: not in a
    assert window.view.selected_rows.tolist() == []
    # choosing another set beside: the same set in both maps works too
    beside.set_combo.setCurrentIndex(0)
    beside.set_combo.activated.emit(0)
    qtbot.waitUntil(window.is_idle, timeout=10000)
    assert beside.state.eset is a
    assert np.allclose(beside.controller.view.coords, window.view.coords)
    # both maps show a now: linked, a selection is made in both; unlinked, in its own map only
    assert window.session.active is beside.state
    window.session.select([2])
    assert window.view.selected_rows.tolist() == [2]
    window.link_action.setChecked(False)
    window.session.select([1])
    assert beside.controller.view.selected_rows.tolist() == [1]
    assert window.view.selected_rows.tolist() == [2]
    window.link_action.setChecked(True)
    # closing the map beside: the main map is active again, the sets stay open
    beside.close_button.click()
    assert window.map_area.beside == [] and len(window.session.views) == 1
    assert window.session.active is window.session.views[0] and len(window.session.sets) == 2
    assert window.last_error is None
