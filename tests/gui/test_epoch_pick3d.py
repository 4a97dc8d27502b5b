"""Hover picking on the 3-D map right after a training epoch, while the new layout's picking
index is still being sorted: the answer comes at once and is the row under the cursor at the
NEW positions (numpy's projection of every point with the view's own matrices), never a row
found at its old place.

The GUI test holds the sort (in its thread) until the hovers are answered; before, the first
hover after an epoch waited for it (0.9-1.2 s at a million points on a busy 2-core machine,
benchmarks/render3d.py --epoch-hover).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from embviz.gui.views import pick3d
from embviz.gui.views.pick3d import MovedIndex, VoxelIndex
from embviz.gui.views.scatter3d import HOVER_RADIUS_PX
from tests.gui.test_epoch_labels3d import on_screen
from tests.gui.test_epoch_redraw3d import epoch, open_3d

ROWS = 60_000  # sorted in a thread (before too: above 50k rows)


def front_most(xy: np.ndarray, w: np.ndarray, at) -> int:
    """The rule, by brute force: the nearest-to-the-eye point within the hover radius."""
    d2 = ((xy - np.asarray(at)) ** 2).sum(axis=1)
    near = np.flatnonzero((d2 <= HOVER_RADIUS_PX**2) & (w > 0))
    return int(near[np.argmin(w[near])]) if near.size else -1


def perspective(fov_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    """OpenGL's perspective matrix (gluPerspective), written out."""
    f = 1 / np.tan(np.radians(fov_deg) / 2)
    return np.array(
        [
            [f / aspect, 0, 0, 0],
            [0, f, 0, 0],
            [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
            [0, 0, -1, 0],
        ]
    )


def test_the_last_index_answers_exactly_for_moved_rows():
    """Without a window: the last layout's blocks, grown by how far rows moved, give the same
    answers as projecting every point of the new layout, wherever the cursor is."""
    rng = np.random.default_rng(0)
    old = rng.normal(size=(20_000, 3)).astype(np.float32)
    base = VoxelIndex(old)
    new = (old[rng.permutation(len(old))] + rng.normal(0, 0.05, old.shape)).astype(np.float32)
    moved = MovedIndex.of(base, new)
    assert moved is not None
    size = (800.0, 600.0)
    projection = perspective(60, size[0] / size[1], 0.1, 100)
    view = np.eye(4)
    view[:3, 3] = [0.3, -0.2, -6.0]
    xy = np.empty((len(new), 2))
    clip = np.c_[new.astype(np.float64), np.ones(len(new))] @ (projection @ view).T
    xy[:, 0] = (clip[:, 0] / clip[:, 3] + 1) / 2 * size[0]
    xy[:, 1] = (1 - clip[:, 1] / clip[:, 3]) / 2 * size[1]
    found = 0
    for k in range(200):
        at = xy[rng.integers(len(new))] + rng.uniform(-4, 4, 2) if k % 2 else rng.uniform(0, 600, 2)
        expected = front_most(xy, clip[:, 3], at)
        assert moved.pick(projection, view, size, at, HOVER_RADIUS_PX) == expected, k
        found += expected >= 0
    assert found >= 100
    # rows that turned not finite: it cannot stand in (the new index is waited for)
    broken = new.copy()
    broken[5] = np.nan
    assert MovedIndex.of(base, broken) is None


@pytest.mark.gl
def test_a_hover_right_after_an_epoch_is_answered_at_once_at_the_new_places(
    window, qtbot, tmp_path, monkeypatch
):
    rng = np.random.default_rng(1)
    first = rng.uniform(-1, 1, (ROWS, 3)).astype(np.float32)
    view = open_3d(window, qtbot, tmp_path, first, size=4)
    view.orbit(-30, 15)
    assert view.index._built.wait(10)  # (starts its sort if nothing was picked yet)
    gate = threading.Event()
    sort = VoxelIndex._build

    def held(index):  # the sort of an epoch's index waits (at most 4 s) in its thread
        if threading.current_thread() is not threading.main_thread():
            gate.wait(4)
        sort(index)

    monkeypatch.setattr(pick3d.VoxelIndex, "_build", held)
    try:
        # every row moves to another's place (and a little further): an old answer is wrong
        new = (first[rng.permutation(ROWS)] * np.float32(0.9)).astype(np.float32)
        epoch(window, qtbot, new)
        assert np.allclose(view.coords, new)
        xy, w = on_screen(view, new)
        for row in rng.choice(ROWS, 12, replace=False):
            at = xy[row] + rng.uniform(-2, 2, 2)
            start = time.perf_counter()
            picked = view.row_at(float(at[0]), float(at[1]))
            took = time.perf_counter() - start
            assert took < 1.0, f"the hover waited {took:.1f} s for the index"
            assert picked == front_most(xy, w, at)
        assert not view.index._built.is_set(), "the sort was not held: nothing was tested"
    finally:
        gate.set()
    qtbot.waitUntil(lambda: view.index._built.is_set(), timeout=10000)
    at = xy[7]
    assert view.row_at(float(at[0]), float(at[1])) == front_most(xy, w, at)
