"""Placing rows on a sample's map: by hand on tiny examples, and independent of batching."""

from __future__ import annotations

import numpy as np

from embviz.cluster.placement import assign, nearest_in_layout, place


def test_weighted_mean_by_hand():
    sample = np.array([[1, 0], [0, 1], [-1, 0]], dtype=np.float32)
    coords = np.array([[0, 0], [10, 0], [0, 10]], dtype=np.float32)
    row = np.array([[3, 1]], dtype=np.float32)  # nearer the first sampled row
    got, nearest = place(row, sample, coords, k=2)
    u = row[0] / np.linalg.norm(row[0])
    d = np.array([1 - u @ sample[0], 1 - u @ sample[1]])  # cosine distances, nearest first
    gaps = d - d[0]
    w = np.exp(-gaps / gaps.mean())
    w /= w.sum()
    np.testing.assert_allclose(got[0], w @ coords[:2], rtol=1e-6)
    assert nearest[0] == 0


def test_a_sampled_row_is_its_own_nearest_and_zero_rows_are_left_out():
    rng = np.random.default_rng(1)
    sample = rng.normal(size=(30, 8)).astype(np.float32)
    coords = rng.normal(size=(30, 2)).astype(np.float32)
    rows = np.vstack([sample[[4, 17]], np.zeros((1, 8), np.float32)])
    got, nearest = place(rows, sample, coords)
    assert nearest.tolist() == [4, 17, -1]
    assert np.isnan(got[2]).all()


def test_placement_does_not_depend_on_the_batch():
    rng = np.random.default_rng(2)
    sample = rng.normal(size=(200, 16)).astype(np.float32)
    coords = rng.normal(size=(200, 2)).astype(np.float32)
    rows = rng.normal(size=(90, 16)).astype(np.float32)
    whole, _ = place(rows, sample, coords)
    pieces = np.vstack([place(rows[a : a + 7], sample, coords)[0] for a in range(0, 90, 7)])
    np.testing.assert_allclose(whole, pieces, atol=1e-6)


def test_nearest_in_layout_and_assign_by_hand():
    sample_coords = np.array([[0, 0], [5, 5], [10, 0]], dtype=np.float32)
    rows = np.array([[1, 1], [9, 1], [np.nan, np.nan], [5, 4]], dtype=np.float32)
    nearest = nearest_in_layout(rows, sample_coords)
    assert nearest.tolist() == [0, 2, -1, 1]
    assert assign(nearest, np.array([3, -1, 0])).tolist() == [3, 0, -1, -1]
