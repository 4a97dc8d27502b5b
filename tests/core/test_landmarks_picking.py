import numpy as np

from embviz.core.landmarks import pick_landmarks
from embviz.core.picking import PointIndex


def test_one_landmark_per_cell_lowest_row_first():
    coords = np.array([[0.1, 0.1], [0.2, 0.2], [0.9, 0.9], [0.6, 0.1], [5, 5]], dtype=np.float32)
    rows = pick_landmarks(coords, (0, 0, 1, 1), (2, 2))
    # cells: (0,0) holds rows 0,1 -> 0; (1,1) holds 2; (1,0) holds 3; row 4 is outside the view
    assert rows.tolist() == [0, 2, 3]


def test_picking_respects_the_radius():
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(1000, 2))
    index = PointIndex(coords)
    target = coords[123]
    assert index.nearest(target[0] + 1e-9, target[1], 1e-3) == 123
    assert index.nearest(100.0, 100.0, 1.0) is None
    inside = index.in_rect(-0.5, -0.5, 0.5, 0.5)
    expected = np.flatnonzero((np.abs(coords) <= 0.5).all(axis=1))
    assert inside.tolist() == expected.tolist()


def test_labels_never_overlap_and_fixed_ones_stay():
    from embviz.core.landmarks import place_without_overlap

    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 400, size=(300, 2))
    widths = rng.uniform(20, 80, size=300)
    kept = place_without_overlap(xy, widths, 14.0, fixed=5, gap=0)
    assert kept[:5].tolist() == [0, 1, 2, 3, 4]
    boxes = [
        (xy[i, 0] - widths[i] / 2, xy[i, 1] - 7, xy[i, 0] + widths[i] / 2, xy[i, 1] + 7)
        for i in kept[5:]
    ]
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a], boxes[b]
            assert not (p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3])
    # greedy: every dropped label clashes with a kept one
    assert 20 < len(kept) < 300
