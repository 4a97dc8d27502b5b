"""Sequence tab: three sets laid out in aligned layouts, played on one map with a slider.

The expected layouts are made here with scikit-learn's PCA and scipy's orthogonal Procrustes
(each set's PCA rotated onto the previous layout on the shared words); the map's dots must sit
at the pixels the axes give for the chosen step, and the points glide between steps.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from sklearn.decomposition import PCA

from embviz.core.dataset import EmbeddingSet
from embviz.gui.views.themes import THEMES
from tests.gui.compare_fixtures import isolated, pixel_of, rotation, spaces
from tests.gui.pixel_probe import data_area, find_dots, match

LIGHT = THEMES["light"]


def expected_layouts(sets):
    out = []
    for eset in sets:
        layout = PCA(2).fit_transform(eset.vectors.astype(np.float64))
        if out:
            ref = out[-1]
            r, _ = orthogonal_procrustes(layout - layout.mean(0), ref - ref.mean(0))
            layout = (layout - layout.mean(0)) @ r + ref.mean(0)
        out.append(layout)
    return out


def test_the_slider_moves_the_points_to_each_steps_layout_and_play_advances(window, qtbot):
    a, b, _moved = spaces()
    rng = np.random.default_rng(11)
    c_vectors = b.vectors @ rotation(b.dims, 12) + rng.normal(scale=0.01, size=b.vectors.shape)
    c = EmbeddingSet(list(b.labels), c_vectors.astype(np.float32), name="C")
    for eset in (a, b, c):
        window.session.add_set(eset)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    tab = window.panels["compare"].sequence_tab
    window.panels["compare"].tabs.setCurrentWidget(tab)
    window.docks["compare"].raise_()
    tab.tick([a, b, c])
    tab.method.setCurrentIndex(tab.method.findData("pca"))
    tab.run_button.click()
    player = tab.player
    qtbot.waitUntil(lambda: player.isEnabled() and player.shown_step == 0, timeout=20000)
    view = window.view
    assert window.session.views[0].eset is a
    expected = expected_layouts([a, b, c])
    assert np.allclose(view.coords, expected[0], atol=1e-4)

    def check_dots(step):
        qtbot.waitUntil(lambda: player.shown_step == step, timeout=5000)
        qtbot.wait(200)  # the labels' placement follows the last frame
        assert np.allclose(view.coords, expected[step], atol=1e-4)
        assert view.index is not None  # picking works again once the points rest
        pixels = np.array([pixel_of(window, view, xy) for xy in expected[step]])
        alone = isolated(pixels, 9.0)
        assert len(alone) >= 20
        found = find_dots(window.grab(), LIGHT.point, LIGHT.background, data_area(window, view))
        _, distance = match(found, pixels[alone])
        # a dot partly under a word's label is found a little off its centre: 2 px at most
        assert np.median(distance) <= 0.5 and distance.max() <= 2.0, (
            f"step {step}: dots off by up to {distance.max():.1f} px"
        )

    player.slider.setValue(2)
    # on its way: a frame between step 0 and step 2, every point the same share of its way
    qtbot.waitUntil(lambda: player.shown_step == -1, timeout=2000)
    mid = view.coords.astype(np.float64)
    move = expected[2] - expected[0]
    share = np.sum((mid - expected[0]) * move) / np.sum(move * move)
    assert 0.0 < share < 1.0
    assert np.allclose(mid, expected[0] + share * move, atol=1e-3)
    player._glide.stop()  # hold this frame: its dots are drawn where they are on their way
    qtbot.wait(50)
    pixels = np.array([pixel_of(window, view, xy) for xy in mid])
    alone = isolated(pixels, 10.0)
    found = find_dots(window.grab(), LIGHT.point, LIGHT.background, data_area(window, view))
    _, distance = match(found, pixels[alone])
    assert np.median(distance) <= 0.5 and distance.max() <= 2.0
    player._glide.start()
    check_dots(2)
    player.slider.setValue(1)
    check_dots(1)
    # play from step 1: it advances to step 2 and stops at the end
    player.play_button.click()
    assert player.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: player.slider.value() == 2, timeout=5000)
    check_dots(2)
    qtbot.waitUntil(lambda: not player.playing, timeout=5000)
    assert player.play_button.text() == "Play"
    assert "Step 3 of 3: C" in player.step_label.text()


def test_the_epochs_of_a_training_run_in_the_window_play_as_a_sequence(window, qtbot):
    from gensim.test.utils import datapath

    from embviz.models.epoch_snapshots import snapshots_of

    window.panels["compute"].action.trigger()
    dialog = window.panels["compute"].dialog
    dialog.adapter_box.setCurrentIndex(dialog.adapter_box.findData("gensim"))
    dialog.fields["corpus"][1].setText(datapath("lee_background.cor"))
    dialog.fields["epochs"][1].setValue(3)
    dialog.fields["vector_size"][1].setValue(30)
    dialog.run_button.click()
    tab = window.panels["compare"].sequence_tab
    qtbot.waitUntil(lambda: tab.source.count() == 2 and window.is_idle(), timeout=60000)
    dialog.hide()
    trained = window.session.sets[0]
    assert tab.source.itemText(1) == f"Epochs of {trained.name} (3)"
    snapshots = snapshots_of(trained)
    assert np.array_equal(snapshots.at(3), trained.vectors)  # the last epoch is the set's
    tab.source.setCurrentIndex(1)
    assert not tab.sets_list.isEnabled()
    tab.method.setCurrentIndex(tab.method.findData("pca"))
    tab.run_button.click()
    player = tab.player
    qtbot.waitUntil(lambda: player.isEnabled() and player.shown_step == 0, timeout=20000)
    assert window.session.views[0].eset is trained
    epochs = [EmbeddingSet(trained.labels, snapshots.at(e)) for e in (1, 2, 3)]
    expected = expected_layouts(epochs)
    player.slider.setValue(2)
    qtbot.waitUntil(lambda: player.shown_step == 2, timeout=5000)
    assert np.allclose(window.view.coords, expected[2], atol=1e-3)
    assert "Step 3 of 3: epoch 3" in player.step_label.text()
