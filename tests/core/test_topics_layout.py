"""Topic names placed without overlap, density contours, and anchors read from the columns."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.topics.anchors import cluster_centres, map_topics
from embviz.core.topics.density import density_grid
from embviz.core.topics.placement import place_names


def _overlap(a, b) -> bool:
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    return min(ax1, bx1) > max(ax0, bx0) and min(ay1, by1) > max(ay0, by0)


def test_names_never_overlap_and_the_biggest_sits_on_its_centre() -> None:
    rng = np.random.default_rng(3)
    anchors = rng.uniform(0, 400, (80, 2))
    sizes = np.column_stack([rng.uniform(30, 120, 80), np.full(80, 16.0)])
    priority = rng.uniform(1, 1000, 80)
    placed = place_names(anchors, sizes, priority, (0, 0, 400, 400))
    assert 5 < len(placed) < 80  # crowded: some are left out at this zoom
    for a, b in itertools.combinations(placed, 2):
        assert not _overlap(a.box, b.box)
    for name in placed:
        x0, y0, x1, y1 = name.box
        assert x0 >= 0 and y0 >= 0 and x1 <= 400 and y1 <= 400
        # a nudge moves a name by at most 1.2 of its height or half its width: it touches its point
        dx, dy = np.subtract((name.x, name.y), anchors[name.index])
        assert abs(dx) <= 0.5 * name.width + 1e-9 and abs(dy) <= 1.2 * name.height + 1e-9
    biggest = int(np.argmax(priority))
    assert 60 <= anchors[biggest, 0] <= 340 and 10 <= anchors[biggest, 1] <= 390  # fits there
    assert (placed[0].index, placed[0].x, placed[0].y) == (biggest, *anchors[biggest])


def test_spread_names_all_show_at_their_centres_and_a_clash_is_nudged() -> None:
    anchors = np.array([[100.0, 100.0], [300.0, 100.0], [100.0, 300.0]])
    sizes = np.array([[60.0, 16.0]] * 3)
    placed = place_names(anchors, sizes, [3, 2, 1], (0, 0, 400, 400))
    assert [(p.index, p.x, p.y) for p in placed] == [(0, 100, 100), (1, 300, 100), (2, 100, 300)]
    # a smaller cluster whose centre is 5 px from a bigger one's: moved just clear of it
    clash = place_names(
        np.array([[200.0, 200.0], [205.0, 203.0]]), sizes[:2], [2, 1], (0, 0, 400, 400)
    )
    assert clash[0].index == 0 and (clash[0].x, clash[0].y) == (200.0, 200.0)
    assert len(clash) == 2 and not _overlap(clash[0].box, clash[1].box)
    # covered (a legend): moved to another place on its cluster, clear of the cover
    legend = (150.0, 50.0, 400.0, 150.0)
    spots = [np.array([[190.0, 100.0], [190.0, 200.0]])]
    moved = place_names(
        anchors[:1] + [100, 0], sizes[:1], [1], (0, 0, 400, 400), taken=[legend], spots=spots
    )
    assert [(m.x, m.y) for m in moved] == [(190.0, 200.0)]  # the first free spot, as it is
    # out of view: not drawn
    assert place_names(np.array([[500.0, 10.0]]), sizes[:1], [1], (0, 0, 400, 400)) == []


def test_binned_density_equals_a_gaussian_kde() -> None:
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 1, (300, 2)), rng.normal((4, 1), 0.5, (200, 2))])
    grid = density_grid(points, bins=60, sigma=2.0)
    x0, x1, y0, y1 = grid.extent
    cell_x, cell_y = grid.cell
    h = 2.0 * cell_x
    xs = x0 + (np.arange(60) + 0.5) * cell_x
    ys = y0 + (np.arange(60) + 0.5) * cell_y
    gx, gy = np.meshgrid(xs, ys)  # row j = y, column i = x, as the grid
    # the KDE by its definition: the mean of isotropic Gaussians of width h at the points
    d2 = (gx[..., None] - points[:, 0]) ** 2 + (gy[..., None] - points[:, 1]) ** 2
    kde = np.exp(-d2 / (2 * h * h)).mean(axis=-1) / (2 * np.pi * h * h)
    assert np.abs(grid.values - kde).max() < 0.06 * kde.max()
    assert grid.values.sum() * cell_x * cell_y == pytest.approx(1.0, abs=0.02)


def test_contour_levels_enclose_the_asked_share_of_a_normal() -> None:
    # for an isotropic 2-D normal of variance s2, the region holding a share m has density
    # above (1 - m) / (2 pi s2)
    points = np.random.default_rng(1).normal(0, 1, (40_000, 2))
    grid = density_grid(points, bins=200, sigma=1.5, masses=(0.3, 0.5, 0.7))
    h = 1.5 * grid.cell[0]
    s2 = 1.0 + h * h  # the KDE widens the normal by the kernel
    for mass, level in zip(grid.masses, grid.levels, strict=True):
        assert level == pytest.approx((1 - mass) / (2 * np.pi * s2), rel=0.1)


def test_anchors_come_from_the_columns() -> None:
    rng = np.random.default_rng(2)
    coords = rng.normal(0, 1, (300, 2))
    coarse = rng.integers(-1, 3, 300)
    fine = np.where(coarse >= 0, coarse * 2 + rng.integers(0, 2, 300), -1)
    names = np.array(["Unclustered", "alpha", "beta", "gamma"], dtype=object)
    metadata = {
        CLUSTER_COLUMN: coarse,
        CLUSTER_LABEL_COLUMN: names[coarse + 1],
        FINE_CLUSTER_COLUMN: fine,
        FINE_CLUSTER_LABEL_COLUMN: np.array([f"f{v}" for v in fine], dtype=object),
    }
    levels = map_topics(coords, metadata)
    assert len(levels) == 2
    assert {(t.cluster, t.name, t.size) for t in levels[0]} == {
        (c, names[c + 1], int((coarse == c).sum())) for c in range(3)
    }
    assert {(t.cluster, t.parent) for t in levels[1]} == {(f, f // 2) for f in range(6)}
    for cluster, (x, y) in cluster_centres(coords, coarse).items():
        members = coords[coarse == cluster]
        nearest = members[np.argmin(np.linalg.norm(members - members.mean(axis=0), axis=1))]
        assert (x, y) == tuple(nearest)
    assert map_topics(coords, {CLUSTER_COLUMN: np.array(["a"] * 300, dtype=object)}) == ()


def test_unclustered_points_are_grey_when_coloured_by_topic() -> None:
    from embviz.core.colors import MISSING_RGB, colour_by
    from embviz.core.topics import UNCLUSTERED

    names = np.array(["b"] * 5 + [UNCLUSTERED] * 9 + ["a"] * 3, dtype=object)
    colouring = colour_by(CLUSTER_LABEL_COLUMN, names)
    table = np.asarray(colouring.table)
    assert tuple(table[colouring.codes[5]]) == MISSING_RGB  # the commonest value, yet grey
    assert tuple(table[colouring.codes[0]]) != MISSING_RGB
