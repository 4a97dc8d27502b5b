"""The layout kernel's shortcuts against their definitions: the table of the two terms against
umap-learn's formulas (written out here from umap-learn's layouts.py, in float64), and the
kernel's coordinates held in local variables against umap-learn's own epoch in 1, 3 and 5
dimensions (test_umap_large.py checks 2)."""

import numpy as np
import pytest

from embviz.reduce import umap_graph
from embviz.reduce.knn import exact_knn


def _umap_learns_terms(dist2: np.ndarray, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """umap-learn's grad_coeff for an edge and for a negative sample (gamma 1), float64."""
    attract = -2.0 * a * b * np.power(dist2, b - 1.0) / (a * np.power(dist2, b) + 1.0)
    repel = 2.0 * 1.0 * b / ((0.001 + dist2) * (a * np.power(dist2, b) + 1.0))
    return attract, repel


@pytest.mark.parametrize("min_dist", [0.0, 0.1, 0.5, 0.99])
def test_table_of_terms_is_as_close_as_the_float32_formula(min_dist):
    """The kernel's coefficient (table inside its range, formula outside) against umap-learn's
    formula in float64, over squared distances from 1e-12 to 1e8: within 1e-6 relative (the
    float32 formula itself is off by up to 4.6e-7 at min_dist 0.1; linear interpolation with 256
    segments per octave was off by 1e-5, and 64 quadratic segments by 1.8e-6 at min_dist 0.99)."""
    import numba

    from embviz.reduce import umap_sgd

    umap_sgd.kernel()  # compiles the helpers the kernel inlines
    coefficient = umap_sgd._coefficient

    @numba.njit(fastmath=True)
    def both(table, dist2, a, b):  # pragma: no cover - compiled
        out = np.empty((2, len(dist2)), dtype=np.float32)
        for i in range(len(dist2)):
            out[0, i] = coefficient(table, 0, dist2[i], a, b)
            out[1, i] = coefficient(table, umap_sgd._REPEL, dist2[i], a, b)
        return out

    a, b = umap_graph.find_ab_params(1.0, min_dist)
    rng = np.random.default_rng(0)
    dist2 = np.exp(rng.uniform(np.log(1e-12), np.log(1e8), 200_000)).astype(np.float32)
    ours = both(umap_sgd.terms(a, b), dist2, np.float32(a), np.float32(b))
    for got, want in zip(ours, _umap_learns_terms(dist2.astype(np.float64), a, b), strict=True):
        assert np.max(np.abs(got / want - 1.0)) < 1e-6


@pytest.fixture(scope="module")
def graph(words):
    x = np.asarray(words.vectors, dtype=np.float32)
    indices, distances = exact_knn(x, 15, "cosine")
    return umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), 200)


@pytest.mark.parametrize("dims", [1, 3, 5])
def test_each_epoch_is_umap_learns_update_in_other_dimensions(graph, dims):
    """As test_umap_large's two-dimensional check: three epochs against umap-learn's epoch
    function (its Python source, move_other=True) on the same edges, start and random states.
    The first three coordinates live in local variables, any further ones in the layout."""
    assert_epochs_are_umap_learns(graph, 40, dims, start_seed=dims)


def assert_epochs_are_umap_learns(graph, rows: int, dims: int, start_seed: int) -> None:
    """Three epochs of embviz's kernel on the first ``rows`` rows of ``graph`` against
    umap-learn's own epoch function (its Python source, move_other=True, as umap-learn runs
    it), given the same edges in the same order, the same start, schedule and per-point random
    states (the same draws): the same layout up to float rounding."""
    from umap.layouts import _optimize_layout_euclidean_single_epoch as their_epoch

    from embviz.reduce.umap_sgd import NEGATIVE_SAMPLE_RATE, Optimiser

    sub = graph[np.arange(rows)][:, np.arange(rows)].tocsr()
    sub.sort_indices()
    a, b = umap_graph.find_ab_params(1.0, 0.1)
    start = umap_graph.scaled_start(np.random.default_rng(start_seed).normal(size=(rows, dims)), 0)
    epochs = 3
    ours = Optimiser(sub, start, epochs, a, b, seed=5)
    rng = ours.rng.copy()
    ours.run(epochs)
    coo = sub.tocoo()  # row-major, each row's columns sorted: the order the kernel visits
    per_sample = umap_graph.epochs_per_sample(coo.data.astype(np.float64), epochs)
    per_negative = per_sample / NEGATIVE_SAMPLE_RATE
    next_sample, next_negative = per_sample.copy(), per_negative.copy()
    theirs = start.copy()
    alpha = 1.0
    for n in range(epochs):
        their_epoch(
            theirs, theirs, coo.row, coo.col, rows, per_sample, a, b, rng, 1.0, dims, True,
            alpha, per_negative, next_negative, next_sample, n,
            False, None, None, 0.0, 0.0, 0.0, 0.0, None, None, 0.0,
        )  # fmt: skip
        alpha = 1.0 - n / epochs  # umap-learn's decay, after each epoch
    assert np.abs(theirs - start).max() > 0.1  # the epochs moved the points
    # float32 with fastmath against umap-learn's Python arithmetic: a point 1.4e-4 apart after
    # three epochs on the graph of the blocked exact search (2.8e-5 the next); a different
    # update (the head moved twice, say) moves points by tenths
    assert np.allclose(ours.layout, theirs, atol=5e-4)
