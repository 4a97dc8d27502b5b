"""A model trains while the map shows only its 3-D layout (OpenGL: run under xvfb-run): each
epoch computes the 3-D layout alone, not the 2-D one nobody sees as well (two t-SNE or UMAP runs
an epoch before); the flat map, shown again, gets the present vectors' layout, and while it is
shown its own epochs go on, without a 3-D layout for the hidden 3-D map (computed once that is
shown again).

An 8-column set is shown with PCA, so every layout drawn can be checked against scikit-learn's
PCA of the epoch's vectors (each axis up to its sign).
"""

from __future__ import annotations

import numpy as np
import pytest

from embviz.gui import projection_controller
from tests.gui.open3d import open_in_3d
from tests.gui.test_epoch_redraw3d import epoch

pytestmark = pytest.mark.gl


def pca_like(coords: np.ndarray, vectors: np.ndarray, dims: int) -> bool:
    """``coords`` are scikit-learn's PCA of ``vectors`` (each axis up to its sign)."""
    from sklearn.decomposition import PCA

    reference = PCA(dims).fit_transform(vectors.astype(np.float64))
    return all(
        abs(np.corrcoef(coords[:, axis], reference[:, axis])[0, 1]) > 0.9999 for axis in range(dims)
    )


@pytest.fixture
def runs(monkeypatch) -> list[int]:
    """The dims of every projection run started (the 2-D map's and the 3-D map's)."""
    started: list[int] = []
    task = projection_controller.projection_task

    def recorded(eset, method, params, dims=2):
        started.append(int(dims))
        return task(eset, method, params, dims)

    monkeypatch.setattr(projection_controller, "projection_task", recorded)
    return started


def test_epochs_compute_only_the_layout_that_is_seen(window, qtbot, tmp_path, runs):
    rng = np.random.default_rng(3)
    vectors = (rng.normal(size=(300, 8)) * [5, 4, 3, 2, 1, 1, 1, 1]).astype(np.float32)
    path = tmp_path / "eight.npz"
    np.savez(path, vectors=vectors, labels=np.array([f"w{i}" for i in range(300)]))
    view3d = open_in_3d(window, qtbot, path)
    qtbot.waitUntil(lambda: window.is_idle() and np.ptp(view3d.coords[:, 2]) > 0, timeout=15000)
    for _ in range(2):  # epochs while only the 3-D map is shown
        vectors = vectors + rng.normal(0, 0.3, vectors.shape).astype(np.float32)
        runs.clear()
        epoch(window, qtbot, vectors)
        qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=15000)
        assert runs == [3], f"runs started for this epoch (dims): {runs}"
        assert pca_like(view3d.coords, vectors, 3)
    # the flat map shown again: the present vectors' 2-D layout
    runs.clear()
    window.maps.three_d_action.setChecked(False)
    qtbot.waitUntil(lambda: window.is_idle() and not window.runner.is_busy(), timeout=15000)
    assert runs == [2]
    assert window.maps.current_view() is window.view
    assert pca_like(window.view.coords, vectors, 2)
    # and its own epochs go on while it is shown
    vectors = vectors + rng.normal(0, 0.3, vectors.shape).astype(np.float32)
    runs.clear()
    epoch(window, qtbot, vectors)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=15000)
    assert runs == [2], f"runs started for this epoch (dims): {runs}"
    assert pca_like(window.view.coords, vectors, 2)
    # the 3-D map shown again: the present vectors' 3-D layout (it asked for none while hidden)
    runs.clear()
    window.maps.three_d_action.setChecked(True)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=15000)
    qtbot.waitUntil(lambda: pca_like(view3d.coords, vectors, 3), timeout=5000)
    assert runs == [3]
