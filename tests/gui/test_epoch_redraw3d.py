"""A new layout of the same rows (a training epoch) on the 3-D map (OpenGL: run under xvfb-run):
the points move, the camera the person set stays (unless the layout leaves the view), every dot
is drawn where the view's own projection and view matrices put the new coordinates, hover picks
the row at its new place, and labels stay with their rows.

A 3-column set is laid out as it is, so each "epoch" gives its new vectors and they are the
expected 3-D positions (independent of what the map holds). The rows are permuted between
epochs, so a dot, label or pick left at a row's old place would be another row's.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from embviz.gui.views.scatter3d import HOVER_RADIUS_PX
from embviz.gui.views.themes import THEMES
from tests.gui.open3d import open_in_3d
from tests.gui.pixel_probe import find_dots, image_array, match

pytestmark = pytest.mark.gl
LIGHT = THEMES["light"]
# the corners of a cube and its centre, seen from a generic angle so that no two overlap
CUBE = np.array(
    [[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)] + [[0, 0, 0]], dtype=np.float32
)
PERMUTATION = np.array([4, 0, 8, 2, 6, 1, 7, 3, 5])  # every row moves to another's place
# inside the framed region (it is kept); a little uneven, so no row lands where a row was
INSIDE = CUBE[PERMUTATION] * 0.85 + np.float32(0.05) + np.linspace(0, 0.1, 27).reshape(9, 3)
# 2.5 times as wide, elsewhere: it leaves the framed region
GROWN = CUBE[PERMUTATION[::-1]] * 2.5 + np.array([0.7, -0.4, 0.3], dtype=np.float32)
GRID = np.array([[x, y, 0.0] for x in range(20) for y in range(20)], dtype=np.float32)


def open_3d(window, qtbot, tmp_path, points, size: int = 12):
    path = tmp_path / "points.npz"
    np.savez(path, vectors=points, labels=np.array([f"p{i}" for i in range(len(points))]))
    view = open_in_3d(window, qtbot, path)
    qtbot.waitUntil(lambda: np.allclose(view.coords, points[:, :3]), timeout=15000)
    view.set_point_size(size)
    return view


@pytest.fixture
def cube_view(window, qtbot, tmp_path):
    view = open_3d(window, qtbot, tmp_path, CUBE)
    view.setCameraPosition(azimuth=30, elevation=20)
    qtbot.wait(50)
    return view


def epoch(window, qtbot, vectors: np.ndarray) -> None:
    """What the Compute dialog does after an epoch: the set's vectors are replaced."""
    window.session.replace_vectors(window.session.current, vectors)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    qtbot.wait(100)


def camera(view) -> tuple:
    centre = view.opts["center"]
    return (centre.x(), centre.y(), centre.z(), view.opts["distance"],
            view.opts["azimuth"], view.opts["elevation"])  # fmt: skip


def expected_px(view, coords: np.ndarray) -> np.ndarray:
    """Where the view's camera puts ``coords`` (the epoch's vectors), in framebuffer pixels."""
    xy, depth = view.project(coords)
    assert (depth > 0).all()
    return xy * view.devicePixelRatioF()


def dots_off(view, coords: np.ndarray) -> float:
    """How far (px) the farthest of ``coords`` is from a drawn dot; every row has one."""
    found = find_dots(image_array(view.grabFramebuffer()), LIGHT.point, LIGHT.background)
    assert len(found) == len(coords), f"{len(found)} dots drawn for {len(coords)} rows"
    _, distance = match(found, expected_px(view, coords))
    return float(distance.max())


def person_camera(view, zoom: bool) -> None:
    view.orbit(-55, 15)  # what a left drag does
    if zoom:
        view.opts["distance"] *= 0.85  # what the wheel does
    view.update()


@pytest.mark.parametrize("zoom", [False, True], ids=["orbited", "orbited and zoomed"])
def test_an_epoch_moves_the_dots_and_keeps_the_camera(cube_view, window, qtbot, monkeypatch, zoom):
    view = cube_view
    person_camera(view, zoom)
    set_by_person = camera(view)
    full_draws: list[int] = []
    original = view.set_points

    def counted(*args, **kwargs):
        full_draws.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(view, "set_points", counted)
    epoch(window, qtbot, INSIDE)
    assert not full_draws, "a new layout of the same rows was drawn afresh, not moved"
    assert camera(view) == set_by_person, "the camera the person set was not kept"
    off = dots_off(view, INSIDE)
    assert off <= 1.0, f"dots off their new places by up to {off:.2f} px"


def test_a_layout_that_leaves_the_view_is_framed_from_the_same_angle(cube_view, window, qtbot):
    view = cube_view
    person_camera(view, zoom=False)
    azimuth, elevation = view.opts["azimuth"], view.opts["elevation"]
    distance = view.opts["distance"]
    epoch(window, qtbot, GROWN)
    assert (view.opts["azimuth"], view.opts["elevation"]) == (azimuth, elevation)
    assert view.opts["distance"] > 2 * distance  # framed again: 2.5 times as wide
    off = dots_off(view, GROWN)
    assert off <= 1.0, f"dots off their new places by up to {off:.2f} px"
    # the person's own zoom is kept while the layout is in view, and framed once it is not
    view.opts["distance"] *= 0.8
    kept = camera(view)
    epoch(window, qtbot, GROWN * 1.02)
    assert camera(view) == kept
    gone = GROWN + np.array([500.0, 0, 0], dtype=np.float32)
    epoch(window, qtbot, gone)
    assert (view.opts["azimuth"], view.opts["elevation"]) == (azimuth, elevation)
    assert abs(view.opts["center"].x() - float(gone[:, 0].min() + gone[:, 0].max()) / 2) < 1e-3
    assert dots_off(view, gone) <= 1.0


def test_hover_picks_the_row_at_its_new_place(cube_view, window, qtbot):
    view = cube_view
    person_camera(view, zoom=True)
    old = expected_px(view, CUBE) / view.devicePixelRatioF()
    for vectors in (INSIDE, GROWN):
        epoch(window, qtbot, vectors)
        at = expected_px(view, vectors) / view.devicePixelRatioF()
        for row in (0, 4, 8):
            qtbot.mouseMove(view, QPoint(round(at[row, 0]), round(at[row, 1])))
            qtbot.waitUntil(lambda r=row: view.hovered_row == r, timeout=3000)
            assert view.hover_label.isVisible() and view.hover_label.text() == f"p{row}"
    # where row 0 was first drawn: the front-most row drawn near there now, or none; never row 0
    now, depth = view.project(GROWN)
    distance = np.linalg.norm(now - old[0], axis=1)
    assert distance[0] > 20
    near = np.flatnonzero((distance <= HOVER_RADIUS_PX) & (depth > 0))
    there = int(near[np.argmin(depth[near])]) if near.size else -1
    qtbot.mouseMove(view, QPoint(round(old[0, 0]), round(old[0, 1])))
    qtbot.waitUntil(lambda: view.hovered_row == there, timeout=3000)
    qtbot.wait(100)
    assert view.hovered_row == there


def test_a_resting_pointer_hovers_what_moves_under_it(cube_view, window, qtbot):
    view = cube_view
    person_camera(view, zoom=False)
    target = expected_px(view, INSIDE)[2] / view.devicePixelRatioF()  # the camera is kept
    qtbot.mouseMove(view, QPoint(round(target[0]), round(target[1])))
    qtbot.wait(100)
    assert view.hovered_row == -1  # nothing there yet
    epoch(window, qtbot, INSIDE)
    qtbot.waitUntil(lambda: view.hovered_row == 2, timeout=3000)
    assert view.hover_label.text() == "p2"


def test_labels_follow_their_rows(cube_view, window, qtbot):
    view = cube_view
    window.session.select([3])  # a label of interest as well as landmarks
    person_camera(view, zoom=True)
    for vectors in (INSIDE, GROWN):
        epoch(window, qtbot, vectors)
        view.grabFramebuffer()  # a frame: its text is placed
        at = expected_px(view, vectors) / view.devicePixelRatioF()
        labels = [p for p in view.placed if p.row >= 0]
        assert "p3" in [p.text for p in labels if p.kind == "focus"]
        assert len(labels) >= 5
        for label in labels:
            rect = label.rect
            dx = [max(rect.left() - x, 0.0, x - rect.right()) for x, _ in at]
            gap = np.hypot(dx, [max(rect.top() - y, 0.0, y - rect.bottom()) for _, y in at])
            assert label.text == f"p{label.row}"
            # beside the dot (half a label row to its right or left: 12.3 px at this size)
            assert gap[label.row] <= 13, f"{label.text} is {gap[label.row]:.0f} px from its dot"
            assert gap[label.row] == gap.min(), (
                f"{label.text} is drawn beside the dot of p{int(np.argmin(gap))}"
            )


def test_every_point_comes_back_after_an_orbit_and_an_epoch(window, qtbot, tmp_path):
    view = open_3d(window, qtbot, tmp_path, GRID, size=7)
    view.show_landmarks = view.show_axes = False  # only dots in the frame
    view.adaptive, view.moving_points, view.slice_points = False, 100, 100
    view.setCameraPosition(elevation=90, azimuth=0)
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    view.orbit(0, -20)  # the person tilts the grid (still seen from well above)
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    orbited, frames = camera(view), len(view.frame_times)
    moved = GRID[::-1] * np.float32(0.9) + np.float32(0.5)  # every row elsewhere
    epoch(window, qtbot, moved)
    qtbot.waitUntil(lambda: view.all_drawn, timeout=5000)
    assert camera(view) == orbited
    # the picture of the new layout was made again, a slice of 100 a frame
    drawn = [n for moving, n, _ in view.frame_times[frames:] if not moving and n]
    assert drawn[-4:] == [100] * 4
    off = dots_off(view, moved)
    assert off <= 1.0, f"dots off their new places by up to {off:.2f} px"


def test_a_derived_3d_layout_never_goes_flat_between_epochs(window, qtbot, tmp_path):
    """An 8-column set: the 2-D map shows PCA, the 3-D map a 3-D PCA computed beside it. Before
    the new epoch's 3-D layout is computed, the map keeps the last one (not the 2-D layout laid
    flat, which it showed before), and the camera stays."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(5)
    vectors = (rng.normal(size=(300, 8)) * [5, 4, 3, 1, 1, 1, 1, 1]).astype(np.float32)
    path = tmp_path / "eight.npz"
    np.savez(path, vectors=vectors, labels=np.array([f"w{i}" for i in range(300)]))
    view = open_in_3d(window, qtbot, path)
    qtbot.waitUntil(lambda: window.is_idle() and np.ptp(view.coords[:, 2]) > 0, timeout=15000)
    person_camera(view, zoom=True)
    set_by_person = camera(view)
    spans: list[float] = []  # the depth (z) extent of every layout the points were drawn at
    upload = view.cloud.set_positions

    def recorded(positions: np.ndarray) -> None:
        spans.append(float(np.ptp(positions[:, 2])))
        upload(positions)

    view.cloud.set_positions = recorded
    new = vectors + rng.normal(0, 0.3, vectors.shape).astype(np.float32)
    epoch(window, qtbot, new)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=15000)
    view.grabFramebuffer()
    assert spans and min(spans) > 1.0, f"drawn flat between epochs (depth extents {spans})"
    assert camera(view) == set_by_person
    # the layout drawn is the new vectors' 3-D PCA (each axis up to its sign), by scikit-learn
    reference = PCA(3).fit_transform(new.astype(np.float64))
    for axis in range(3):
        r = np.corrcoef(view.coords[:, axis], reference[:, axis])[0, 1]
        assert abs(r) > 0.9999, (axis, r)


def test_an_index_left_for_its_first_pick_is_built_by_whoever_waits_for_it():
    """An epoch's picking index is built on its first pick; waiting for it (as a caller of the
    old eager index did) builds it rather than waiting forever."""
    from embviz.gui.views.pick3d import VoxelIndex

    index = VoxelIndex(CUBE, background=True, lazy=True)
    assert not index._built.is_set()
    assert index._built.wait(timeout=5)
    assert sorted(index.rows[: len(CUBE)].tolist()) == list(range(len(CUBE)))
