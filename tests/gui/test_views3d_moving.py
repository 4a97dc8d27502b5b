"""The 3-D map at speed (OpenGL: run under xvfb-run): while the camera moves it draws a spread
subsample of the points (the first ``moving_points`` of its shuffled draw order), each where the
camera projects it; once the camera is still every point comes back, a slice a frame, into the
picture a single draw makes; an export draws every point. Hover picking
through the block index finds the same point as projecting every point, and never a faded one."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from embviz.gui.export_view import export_png
from embviz.gui.views.scatter3d import HOVER_RADIUS_PX
from embviz.gui.views.themes import THEMES
from tests.gui.open3d import open_in_3d
from tests.gui.pixel_probe import find_dots, image_array, match

pytestmark = pytest.mark.gl
LIGHT = THEMES["light"]
# a 20 x 20 grid in the z = 0 plane, seen from above: no two dots overlap
GRID = np.array([[x, y, 0.0] for x in range(20) for y in range(20)], dtype=np.float32)


def open_3d(window, qtbot, tmp_path, points):
    path = tmp_path / "points.npz"
    labels = np.array([f"p{i}" for i in range(len(points))])
    np.savez(path, vectors=points, labels=labels)
    view = open_in_3d(window, qtbot, path)
    qtbot.waitUntil(lambda: np.allclose(view.coords, points), timeout=15000)
    return view


def projected(view, rows) -> np.ndarray:
    xy, depth = view.project(view.coords[np.asarray(rows)])
    assert (depth > 0).all()
    return xy * view.devicePixelRatioF()


def test_moving_draws_a_spread_subsample_and_still_draws_every_point(window, qtbot, tmp_path):
    view = open_3d(window, qtbot, tmp_path, GRID)
    view.show_landmarks = view.show_axes = False  # only dots in the frame
    view.set_point_size(7)
    view.adaptive, view.moving_points, view.slice_points = False, 100, 100
    view.setCameraPosition(elevation=90, azimuth=0)
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    still = find_dots(image_array(view.grabFramebuffer()), LIGHT.point, LIGHT.background)
    assert len(still) == len(GRID) and not view.moving
    _, distance = match(still, projected(view, np.arange(len(GRID))))
    assert distance.max() <= 1.0
    view.orbit(15, 0)  # the camera moves: the next frame draws the first 100 in draw order
    moving = find_dots(image_array(view.grabFramebuffer()), LIGHT.point, LIGHT.background)
    assert view.moving and view.cloud.drawn == 100
    assert len(moving) == 100
    first = view.cloud.rows[:100]
    _, distance = match(moving, projected(view, first))
    assert distance.max() <= 1.0, "the subsample is drawn where the camera projects it"
    # spread: the subsample covers the grid, not a corner of it (each quarter holds some)
    quarters = np.bincount((GRID[first, 0] >= 10) * 2 + (GRID[first, 1] >= 10), minlength=4)
    assert quarters.min() >= 10
    # File > Export right after a move: a picture of every point
    view.orbit(1, 0)
    export_png(window, tmp_path / "map.png")
    exported = find_dots(
        image_array(QImage(str(tmp_path / "map.png"))), LIGHT.point, LIGHT.background
    )
    assert len(exported) == len(GRID)
    # still again: every point comes back without anything else happening, a slice of 100
    # a frame into a kept picture; that picture is the one a single draw of them all makes
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    frames = view.frame_times
    last_moving = max(i for i, (moving, _, _) in enumerate(frames) if moving)
    assert [drawn for _, drawn, _ in frames[last_moving + 1 :] if drawn] == [100] * 4
    kept = image_array(view.grabFramebuffer())
    assert len(find_dots(kept, LIGHT.point, LIGHT.background)) == len(GRID)
    view.progressive = False
    assert np.array_equal(image_array(view.grabFramebuffer()), kept)


def test_hover_picks_as_projecting_every_point_would(window, qtbot, tmp_path):
    rng = np.random.default_rng(3)
    points = (rng.normal(size=(30_000, 3)) * rng.uniform(0.2, 1.0, (30_000, 1))).astype(np.float32)
    view = open_3d(window, qtbot, tmp_path, points)
    view.index._built.wait()
    faded = rng.random(len(points)) < 0.3
    for step in range(12):
        view.orbit(23, 7 if step % 2 else -5)
        if step == 6:
            view.opts["distance"] *= 0.15  # inside the cloud
        if step == 9:
            view.set_filter(~faded)  # faded rows are never picked
        rows, xy, depth = view.screen_positions()  # every point, projected by numpy
        allowed = np.ones(len(points), bool) if view.filter_mask is None else view.filter_mask
        for k in range(6):
            if k % 2:
                x, y = xy[rng.integers(len(xy))] + rng.uniform(-3, 3, 2)
            else:
                x, y = rng.uniform(0, view.width()), rng.uniform(0, view.height())
            d2 = ((xy - [x, y]) ** 2).sum(axis=1)
            near = np.flatnonzero((d2 <= HOVER_RADIUS_PX**2) & (depth > 0) & allowed[rows])
            expected = rows[near[np.argmin(depth[near] + d2[near] * 1e-9)]] if near.size else -1
            assert view.row_at(x, y) == expected, (step, k)
    assert view.row_at(-500, -500) == -1


def test_big_sets_look_for_landmarks_among_the_first_rows(window, qtbot, tmp_path, monkeypatch):
    from embviz.gui.views import labels3d

    view = open_3d(window, qtbot, tmp_path, GRID)
    view.setCameraPosition(elevation=90, azimuth=0)
    window.session.select([399])  # a label of interest outside the pool still gets its label
    qtbot.waitUntil(lambda: view.selected_rows.tolist() == [399], timeout=3000)
    monkeypatch.setattr(labels3d, "LANDMARK_POOL", 100)  # as a million points with 250k
    view._placed_key = None
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    view.grabFramebuffer()
    landmarks = [p.row for p in view.placed if p.kind == "landmark"]
    focus = [p.row for p in view.placed if p.kind == "focus"]
    assert focus == [399] and len(landmarks) >= 10
    assert max(landmarks) < 100, "landmarks come from the first rows only"
    # each landmark is the lowest row of the pool within its screen cell: no pool row above it
    _, xy, _ = view.screen_positions()
    nx, ny = (
        max(1, int(size) // cell)
        for size, cell in zip((view.width(), view.height()), labels3d.LANDMARK_CELL_PX, strict=True)
    )
    cells = (xy // [view.width() / nx, view.height() / ny]).astype(int)
    for row in landmarks:
        same = np.flatnonzero((cells[:100] == cells[row]).all(axis=1))
        assert row == same.min()


def test_a_still_map_asks_for_no_frames(window, qtbot, tmp_path):
    """Once every point is back the view waits: no frame is drawn until something changes (it
    used to ask for the next frame from inside each frame, 15-18 a second, forever)."""
    view = open_3d(window, qtbot, tmp_path, GRID)
    view.orbit(15, 0)
    qtbot.waitUntil(lambda: view.all_drawn, timeout=3000)
    qtbot.wait(300)  # frames already asked for are drawn
    frames: list[int] = []
    view.frameSwapped.connect(lambda: frames.append(1))
    qtbot.wait(1000)
    assert frames == []
    view.orbit(15, 0)  # a change still gets its frame
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=3000)
