"""Each method on a small real set: shape, order, determinism with a seed, trustworthiness."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness as sk_trustworthiness

from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task
from embviz.reduce import projection_task
from embviz.reduce.quality import trustworthiness

FAST_TSNE = {"early_iterations": 100, "iterations": 150}


def _run(eset, method, params=None, dims=2):
    partials = []
    projection = run_task(
        projection_task(eset, method, params, dims),
        lambda p: partials.append(p.partial) if p.partial is not None else None,
    )
    return projection, partials


def test_pca_components_on_chosen_axes_match_scikit_learn(words):
    projection, _ = _run(words, "pca", {"x_component": 3, "y_component": 1})
    ref = PCA(3, svd_solver="full").fit(words.vectors)
    assert np.allclose(projection.coords, ref.transform(words.vectors)[:, [2, 0]], atol=2e-3)
    ratios = projection.info["explained_variance_ratio"]
    assert np.allclose(ratios, ref.explained_variance_ratio_[[2, 0]], atol=1e-4)
    assert projection.axis_titles[0].startswith("PC3 (")
    with pytest.raises(EmbvizError, match="different component"):
        _run(words, "pca", {"x_component": 2, "y_component": 2})


def test_tsne_streams_layouts_is_deterministic_and_keeps_order(words):
    first, partials = _run(words, "tsne", FAST_TSNE | {"seed": 7})
    again, _ = _run(words, "tsne", FAST_TSNE | {"seed": 7})
    dims = 2
    assert first.coords.shape == (len(words), dims) and first.coords.dtype == np.float32
    assert np.array_equal(first.coords, again.coords)
    assert len(partials) >= 3 and all(p.coords.shape == (len(words), dims) for p in partials)
    # rows in input order: a shuffled layout would score near 0.5
    expected = sk_trustworthiness(words.vectors, first.coords, n_neighbors=10)
    assert expected > 0.8
    # equal up to tied distances in the original space, which sklearn's argsort orders
    # arbitrarily: one rank step here is 2 / (n k (2n - 3k - 1)) = 6.5e-7
    assert abs(trustworthiness(words.vectors, first.coords) - expected) < 2e-6


def test_tsne_in_3d(words):
    projection, _ = _run(words, "tsne", {"early_iterations": 50, "iterations": 50}, dims=3)
    assert projection.coords.shape == (len(words), 3)
    assert sk_trustworthiness(words.vectors, projection.coords, n_neighbors=10) > 0.75


def test_tsne_fits_a_sample_and_places_the_rest(words):
    projection, partials = _run(words, "tsne", FAST_TSNE | {"fit_sample": 250})
    assert projection.coords.shape == (len(words), 2)
    assert projection.info["fit_sample"] == 250 and "random sample of 250" in projection.sample_note
    assert sk_trustworthiness(words.vectors, projection.coords, n_neighbors=10) > 0.75
    assert all(p.coords.shape == (len(words), 2) for p in partials)


def test_custom_axes_are_projections_onto_the_expressions(words):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(words.dims)
    kv.add_vectors(words.labels, words.vectors)
    projection, _ = _run(words, "custom", {"x_axis": "man - woman", "y_axis": "king - queen"})
    for axis, (a, b) in enumerate([("man", "woman"), ("king", "queen")]):
        direction = kv.get_vector(a, norm=True) - kv.get_vector(b, norm=True)
        direction /= np.linalg.norm(direction)
        expected = kv.get_normed_vectors() @ direction
        assert np.allclose(projection.coords[:, axis], expected, atol=1e-5)
    assert projection.axis_titles == ("man - woman", "king - queen")
    with pytest.raises(EmbvizError, match="zzzq"):
        _run(words, "custom", {"x_axis": "man - zzzq"})


def test_umap_in_a_process_is_deterministic_previews_at_once_and_can_be_supervised(words):
    first, partials = _run(words, "umap", {"seed": 3})
    again, _ = _run(words, "umap", {"seed": 3})
    assert first.coords.shape == (len(words), 2)
    assert np.array_equal(first.coords, again.coords)
    assert partials[0].axis_titles[0] == "PC1 (preview)"  # a PCA preview at once
    assert all(p.coords.shape == (len(words), 2) for p in partials)
    expected = sk_trustworthiness(words.vectors, first.coords, n_neighbors=10)
    assert expected > 0.75  # rows in input order (shuffled: about 0.5)
    # equal up to tied distances in the original space, which sklearn's argsort orders
    # arbitrarily: one rank step here is 2 / (n k (2n - 3k - 1)) = 6.5e-7
    assert abs(trustworthiness(words.vectors, first.coords) - expected) < 2e-6
    supervised, _ = _run(words, "umap", {"seed": 3, "target": "group"}, dims=3)
    assert supervised.coords.shape == (len(words), 3)
    with pytest.raises(EmbvizError, match="no metadata column 'nope'"):
        _run(words, "umap", {"target": "nope"})


def test_umap_cancel_ends_its_process(words):
    import multiprocessing

    from embviz.reduce import umap_process

    task = projection_task(words, "umap", {"seed": 1})
    next(task)  # the PCA preview
    next(task)  # the job is with a UMAP process now
    busy = [p for p in multiprocessing.active_children() if p.name == "embviz-umap"]
    assert busy
    task.close()  # what the GUI's Cancel does to a task
    assert all(not p.is_alive() for p in busy)
    assert umap_process._idle is not None and umap_process._idle.process not in busy  # re-warmed
