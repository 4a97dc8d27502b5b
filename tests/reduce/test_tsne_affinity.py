"""Large t-SNE fits build openTSNE's affinities and PCA start with less memory: the same numbers
as openTSNE and scikit-learn compute themselves."""

import numpy as np
import pytest
import scipy.sparse as sp

import embviz.reduce.sampling as sampling
import embviz.reduce.tsne as tsne_module
from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task
from embviz.reduce import projection_task
from embviz.reduce.tsne import initial_layout, scaled
from embviz.reduce.tsne_affinity import (
    annoy_neighbors,
    conditional_probabilities,
    joint_probabilities,
    lean_affinities,
)


def clustered(n, dims, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, dims))
    x = centres[rng.integers(0, 8, n)] + 0.7 * rng.normal(size=(n, dims))
    return x.astype(np.float32)


@pytest.mark.parametrize(("metric", "jobs"), [("cosine", 1), ("euclidean", 1), ("cosine", 2)])
def test_annoy_neighbours_are_opentsnes(metric, jobs):
    from openTSNE.nearest_neighbors import Annoy

    x = clustered(1500, 20)
    indices, distances = annoy_neighbors(x, 45, metric, seed=5, n_jobs=jobs)
    reference = Annoy(x, 45, metric=metric, random_state=5, n_jobs=jobs)
    ref_indices, ref_distances = reference.build()
    assert np.array_equal(indices, ref_indices)
    assert np.array_equal(distances, ref_distances)  # Annoy computes in float32
    assert indices.dtype == np.int32 and distances.dtype == np.float32


def test_symmetrised_p_is_opentsnes_with_self_loops_and_one_sided_pairs():
    from openTSNE.affinity import joint_probabilities_nn

    rng = np.random.default_rng(2)
    n, k = 300, 7
    # random neighbour lists: mostly one-sided pairs, some mutual, some rows listing themselves
    indices = np.array([rng.choice(n, k, replace=False) for _ in range(n)])
    for i in range(20):  # Annoy can return a row's duplicate first and then the row itself
        if i not in indices[i]:
            indices[i, 0] = i
    distances = rng.uniform(0.1, 2.0, size=(n, k)).astype(np.float32)
    ours = joint_probabilities(indices, conditional_probabilities(distances, 2.0))
    reference = joint_probabilities_nn(indices, distances.astype(np.float64), [2.0])
    assert ours.has_sorted_indices and ours.indices.dtype == np.int32
    ours.eliminate_zeros()  # scipy drops entries that sum to exactly 0 (p(j|i) underflow); we keep them
    assert ours.shape == reference.shape and ours.nnz == reference.nnz
    assert ours.has_sorted_indices and ours.indices.dtype == np.int32
    assert abs(ours - reference).max() < 1e-15 * reference.max() * 10
    assert np.isclose(ours.sum(), 1.0)


def test_lean_affinities_are_perplexity_based_nn_with_annoy():
    from openTSNE.affinity import PerplexityBasedNN

    x = clustered(2000, 30)
    ours = lean_affinities(x, 30.0, "cosine", seed=1).P
    reference = PerplexityBasedNN(x, 30.0, method="annoy", metric="cosine", random_state=1).P
    assert isinstance(ours, sp.csr_matrix)
    assert ours.nnz == reference.nnz
    assert abs(ours - reference).max() <= 1e-12 * reference.max()


def test_large_fit_is_opentsne_fit_with_annoy(monkeypatch):
    """Above the exact-neighbour range (lowered here so that the test is quick) every row is
    fitted with the lean affinities; the layout is openTSNE's own fit with Annoy."""
    from openTSNE import TSNE

    monkeypatch.setattr(tsne_module, "EXACT_NEIGHBORS_MAX", 500)
    x = clustered(1200, 16)
    eset = EmbeddingSet([str(i) for i in range(len(x))], x)
    params = {"early_iterations": 40, "iterations": 60, "seed": 4}
    ours = run_task(projection_task(eset, "tsne", params))
    xs = scaled(x)
    reference = TSNE(
        early_exaggeration_iter=40,
        learning_rate=len(x) / 12,
        n_iter=60,
        metric="cosine",
        initialization=initial_layout(xs, 2, 4, True),
        neighbors="annoy",
        negative_gradient_method="bh",
        random_state=4,
    ).fit(xs)
    assert np.allclose(ours.coords, np.asarray(reference), atol=1e-4)


@pytest.mark.parametrize("rows", [None, "subset"])
def test_blocked_pca_is_scikit_learns_over_many_blocks(monkeypatch, rows):
    from sklearn.decomposition import PCA

    monkeypatch.setattr(sampling, "PCA_BLOCK_CELLS", 64 * 20)  # 64 rows per block
    x = clustered(1000, 20, seed=3) + 5.0  # an offset mean, so centring matters
    picked = None if rows is None else np.sort(np.random.default_rng(0).choice(1000, 300, False))
    fitted = x if picked is None else x[picked]
    reference = PCA(2, svd_solver="full").fit(fitted.astype(np.float64))
    mean, components = sampling.blocked_pca(x, 2, picked)
    assert np.allclose(mean, reference.mean_, atol=1e-5)
    assert np.allclose(components, reference.components_, atol=1e-6)
    preview = sampling.pca_preview(x, 2, picked)
    assert preview.dtype == np.float32
    assert np.allclose(preview, reference.transform(x.astype(np.float64)), atol=1e-3)
    flat = sampling.pca_preview(x[:, :2], 3, picked)  # fewer dimensions than the map
    assert flat.shape == (1000, 3) and np.all(flat[:, 2] == 0)


def test_initial_layout_is_opentsnes_pca_start(monkeypatch):
    from openTSNE.initialization import pca

    monkeypatch.setattr(sampling, "PCA_BLOCK_CELLS", 50 * 12)
    x = clustered(800, 12, seed=6).astype(np.float64)
    reference = pca(x, 2, svd_solver="full", add_jitter=False)
    ours = initial_layout(x, 2, 0, True)
    assert np.allclose(ours, reference, atol=1e-9, rtol=1e-6)
    assert np.isclose(np.std(ours[:, 0]), 1e-4)
