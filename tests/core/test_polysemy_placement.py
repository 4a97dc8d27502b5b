"""The static vector on the occurrence map: PCA placement against scikit-learn's transform, and
the nearest-occurrence placement for t-SNE/UMAP."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.polysemy import PolysemyResult, StaticView, map_task, pca_fit, pca_place
from embviz.core.polysemy.analysis import Occurrence
from embviz.core.polysemy.placement import NO_TRANSFORM, pca_place_like, static_marker
from embviz.core.tasks import run_task


def _occurrences(seed: int = 3, n: int = 20, d: int = 24) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)) * np.linspace(3, 0.2, d) + 5.0).astype(np.float32)


@pytest.mark.parametrize("k", [2, 3])
def test_pca_place_matches_sklearn_transform(k):
    from sklearn.decomposition import PCA

    x = _occurrences()
    points = np.random.default_rng(9).normal(size=(4, x.shape[1])) * 4
    reference = PCA(n_components=k, svd_solver="full").fit(x.astype(np.float64))
    mean, components = pca_fit(x, k)
    np.testing.assert_allclose(mean, reference.mean_, atol=1e-9)
    np.testing.assert_allclose(pca_place(points, mean, components), reference.transform(points),
                               atol=1e-6)  # fmt: skip
    np.testing.assert_allclose(pca_place(x, mean, components), reference.transform(x), atol=1e-5)


def test_pca_place_like_follows_the_reducers_layout_and_its_signs():
    from embviz.reduce.pca import PCAReducer

    x = _occurrences(5)
    point = np.random.default_rng(1).normal(size=x.shape[1]) * 3
    coords = run_task(PCAReducer().run(x, None, 3)).coords.astype(np.float64)
    mean, components = pca_fit(x, 3)
    expected = pca_place(point, mean, components)
    flipped = coords * [1, -1, 1]  # a layout whose second axis points the other way
    np.testing.assert_allclose(pca_place_like(x, coords, point), expected, atol=1e-4)
    np.testing.assert_allclose(pca_place_like(x, flipped, point), expected * [1, -1, 1], atol=1e-4)


def _result(x: np.ndarray, static: np.ndarray, last_layer: int) -> PolysemyResult:
    occurrences = [Occurrence(f"bank {i}", 0, 4) for i in range(len(x))]
    result = PolysemyResult("bank", "test", "mean", occurrences, [5], x[:, None, :], [])
    unit = static / np.linalg.norm(static)
    nearest = int(np.argmax((x / np.linalg.norm(x, axis=1, keepdims=True)) @ unit))
    result.static[5] = StaticView(5, nearest_occurrence=nearest, vector=unit, set_name="demo",
                                  last_layer=last_layer)  # fmt: skip
    return result


def test_marker_is_projected_for_pca_and_on_its_nearest_occurrence_otherwise():
    from sklearn.decomposition import PCA

    from embviz.reduce.pca import PCAReducer

    x = _occurrences(7)
    static = x[4] + np.random.default_rng(2).normal(size=x.shape[1]) * 0.1
    result = _result(x, static, last_layer=5)
    shown = run_task(map_task(PCAReducer(), None, result, 5, 2))
    assert shown.coords.shape == (20, 2) and shown.marker.exact
    scaled = static / np.linalg.norm(static) * np.linalg.norm(x, axis=1).mean()
    reference = PCA(2).fit(x.astype(np.float64)).transform(scaled[None])[0]
    np.testing.assert_allclose(shown.marker.position, reference, atol=1e-4)
    assert "same PCA" in shown.marker.note and "means little" not in shown.marker.note

    coords = np.random.default_rng(0).normal(size=(20, 3))
    marker = static_marker(result, 5, "tsne", coords)
    assert not marker.exact and marker.nearest == 4
    np.testing.assert_array_equal(marker.position, coords[4])
    assert NO_TRANSFORM in marker.note

    elsewhere = static_marker(_result(x, static, last_layer=6), 5, "umap", coords)
    assert "last-layer (layer 6)" in elsewhere.note and "means little" in elsewhere.note


def test_no_marker_without_a_static_vector():
    x = _occurrences()
    result = _result(x, x[0], 5)
    result.static[5].vector = None
    assert static_marker(result, 5, "pca", np.zeros((20, 2))) is None
    result.static.clear()
    assert static_marker(result, 5, "pca", np.zeros((20, 2))) is None
