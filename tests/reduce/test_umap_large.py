"""embviz's UMAP at scale: the layout update is umap-learn's own (checked against umap-learn's
epoch function, number for number), the approximate neighbours' cosine distances, the spectral
start with capped Lanczos vectors, and the memory of the exact search (no copy of the matrix)."""

import tracemalloc

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from embviz.reduce import umap_graph
from embviz.reduce.knn import exact_knn, knn_of_rows
from tests.reduce.test_umap_sgd import assert_epochs_are_umap_learns


@pytest.fixture(scope="module")
def graph(words):
    x = np.asarray(words.vectors, dtype=np.float32)
    indices, distances = exact_knn(x, 15, "cosine")
    return x, umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), 200)


def test_each_epoch_is_umap_learns_update(graph):
    """Three epochs of embviz's kernel in 2-D against umap-learn's own epoch function, number for
    number (test_umap_sgd.assert_epochs_are_umap_learns; 60 rows: umap-learn's epoch runs as
    plain Python here). The previous kernel (head moved twice, others read from the epoch
    before) fails this."""
    assert_epochs_are_umap_learns(graph[1], 60, 2, start_seed=0)


def test_the_parallel_kernel_gives_a_layout(graph):
    """Without a seed the rows are shared out over the threads (not reproducible)."""
    from embviz.reduce.umap_sgd import Optimiser

    x, g = graph
    spectral = umap_graph.spectral_start(g, 2, 0)
    assert spectral is not None
    start = umap_graph.scaled_start(spectral, 0)
    a, b = umap_graph.find_ab_params(1.0, 0.1)
    optimiser = Optimiser(g, start, 200, a, b, 3, parallel=True)
    optimiser.run(200)
    assert trustworthiness(x, optimiser.layout, n_neighbors=10) > 0.75  # shuffled: about 0.5


def test_spectral_start_from_the_adjacency_is_umap_learns(graph):
    """The largest eigenvectors of the normalised adjacency, with 16 Lanczos vectors (umap-learn:
    the Laplacian's smallest, with sqrt(n)): the same eigenvectors as umap-learn's spectral
    layout."""
    from umap.spectral import spectral_layout

    x, g = graph
    start = umap_graph.spectral_start(g, 2, 0)
    assert start is not None
    reference = spectral_layout(x, g, 2, np.random.RandomState(0))
    for axis in range(2):  # eigenvectors up to sign
        assert abs(np.corrcoef(start[:, axis], reference[:, axis])[0, 1]) > 0.999


def test_nn_descent_neighbours_carry_cosine_distances():
    """Above the exact limit NN-descent searches unit rows by euclidean distance; the distances
    handed on are 1 - cos (computed here directly), and the recall is high."""
    import embviz.reduce.umap_fit as umap_fit

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, 24))
    x = (centres[rng.integers(30, size=3000)] + 0.3 * rng.normal(size=(3000, 24))).astype(
        np.float32
    )
    unit = umap_fit.unit_matrix(x)
    assert unit is not x and np.allclose(np.linalg.norm(unit, axis=1), 1.0, atol=1e-6)
    assert umap_fit.unit_matrix(unit) is unit  # unit rows already: no copy
    indices, distances, note = umap_fit.approximate_neighbours(x, 10, "cosine", 0)
    cosine = 1.0 - np.einsum("ij,ikj->ik", unit, unit[indices])
    assert np.allclose(distances, cosine, atol=1e-5)
    exact = knn_of_rows(unit, np.arange(3000), 10, "cosine")
    found = np.mean([len(np.intersect1d(a, b)) / 10 for a, b in zip(indices, exact, strict=True)])
    assert found > 0.95 and "recall@10" in note


def test_exact_query_makes_no_copy_of_the_matrix():
    """A recall check of a few rows must not normalise a copy of the whole matrix (it did: one
    more matrix at the peak). Measured with tracemalloc, which sees numpy's allocations."""
    x = np.random.default_rng(0).normal(size=(20_000, 256)).astype(np.float32)  # 20 MB
    tracemalloc.start()
    try:
        found = knn_of_rows(x, np.arange(5), 15, "cosine")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.25 * x.nbytes, peak  # a copy: 1x and more
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    reference = np.argsort(-(unit[:5] @ unit.T), axis=1)[:, :15]
    assert np.mean(found == reference) > 0.99
