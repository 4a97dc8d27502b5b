import numpy as np

from embviz.core.picking import PointIndex
from embviz.core.raster import GridIndex, level_of_detail, premultiplied_table, render

RED = np.array([[255, 0, 0], [0, 0, 255]], dtype=np.uint8)


def alpha(img):
    return (img >> 24) & 0xFF


def test_points_land_on_their_pixels_and_density_darkens():
    coords = np.array([[0.5, 0.5], [0.5, 0.5], [3.5, 1.5], [100, 100]], dtype=np.float32)
    grid = GridIndex(coords)
    codes = np.array([0, 0, 1, 0], dtype=np.uint8)[grid.rows]
    img = render(
        grid, codes, premultiplied_table(RED), (0, 0, 4, 4), (4, 4), diameter=1, opacity=0.5
    )
    # y runs up, image rows run down: (0.5, 0.5) is in the bottom-left pixel
    assert alpha(img)[3, 0] > alpha(img)[2, 3] > 0  # two points over one: darker
    assert (img[3, 0] >> 16) & 0xFF > 0 and img[3, 0] & 0xFF == 0  # red
    assert img[2, 3] & 0xFF > 0 and (img[2, 3] >> 16) & 0xFF == 0  # blue
    assert np.count_nonzero(img) == 2


def test_discs_and_level_of_detail():
    grid = GridIndex(np.array([[5.0, 5.0]], dtype=np.float32))
    img = render(
        grid, np.zeros(1, np.uint8), premultiplied_table(RED), (0, 0, 10, 10), (10, 10), 5, 0.9
    )
    lit = np.argwhere(img != 0)
    assert 15 <= len(lit) <= 30 and np.allclose(lit.mean(axis=0), [4.5, 5], atol=1)
    assert level_of_detail(8, 10) == 8 and level_of_detail(8, 1_000_000) == 1


def test_grid_candidates_cover_every_point_in_a_rectangle():
    rng = np.random.default_rng(5)
    coords = rng.normal(size=(20_000, 2)).astype(np.float32)
    grid = GridIndex(coords)
    for rect in [(-0.3, -0.2, 0.4, 0.9), (-5, -5, 5, 5), (1.0, -3, 3, -1)]:
        x0, y0, x1, y1 = rect
        expected = np.flatnonzero(
            (coords[:, 0] >= x0)
            & (coords[:, 0] <= x1)
            & (coords[:, 1] >= y0)
            & (coords[:, 1] <= y1)
        )
        assert np.sort(grid.visible_rows(*rect)).tolist() == expected.tolist()


def test_lasso_matches_a_polygon_test():
    rng = np.random.default_rng(2)
    coords = rng.uniform(-1, 1, size=(5000, 2))
    square = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    rows = PointIndex(coords).in_polygon(square)
    assert rows.tolist() == np.flatnonzero((np.abs(coords) < 0.5).all(axis=1)).tolist()


def test_a_disc_just_outside_the_view_is_drawn_at_its_own_pixel():
    """A point half a pixel left of the view is in pixel column -1: only the right edge of its
    disc reaches column 0 (truncating towards zero would have put its centre in column 0)."""
    grid = GridIndex(np.array([[-0.5, 5.5], [4.5, 5.5]], dtype=np.float32))
    img = render(
        grid, np.zeros(2, np.uint8), premultiplied_table(RED), (0, 0, 10, 10), (10, 10), 3, 0.9
    )
    a = alpha(img).astype(int)
    assert not a[:, 1:3].any()  # nothing of the outside point beyond its disc's edge
    # column 0 holds the outside disc's right edge: as the inside disc's column 5 (4 + 1)
    assert a[:, 0].tolist() == a[:, 5].tolist() and a[:, 0].any()
    # the inside disc is centred on its pixel (column 4, centre 4.5 in continuous units)
    cols = np.arange(3, 6) + 0.5
    weights = a[:, 3:6].sum(axis=0)
    assert abs((weights * cols).sum() / weights.sum() - 4.5) < 1e-9


def test_grid_nearest_equals_a_kd_tree():
    """Picking through the map's grid (while a big set's k-d tree is built) finds what
    scipy's cKDTree finds: the nearest point within the radius, or none."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(5)
    coords = np.vstack([rng.normal(size=(3000, 2)), rng.normal(4, 0.1, size=(2000, 2))])
    coords = coords.astype(np.float32)
    coords[17] = np.nan
    grid = GridIndex(coords)
    finite = np.flatnonzero(np.isfinite(coords).all(axis=1))
    tree = cKDTree(coords[finite].astype(np.float64))
    for x, y in rng.uniform(-3, 5, size=(300, 2)):
        for radius in (0.01, 0.05, 0.3):
            distance, i = tree.query((x, y), distance_upper_bound=radius)
            expected = int(finite[i]) if np.isfinite(distance) else None
            found = grid.nearest(float(x), float(y), radius)
            if expected is None or found is None:
                assert found == expected
            else:  # the same point, or one exactly as near
                got = np.hypot(*(coords[found].astype(np.float64) - (x, y)))
                assert abs(got - distance) < 1e-6
