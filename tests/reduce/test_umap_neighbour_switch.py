"""Where UMAP's neighbours are exact: up to 50k rows until NN-descent has run in the process
(its first call compiles for minutes), up to 10k once it has (benchmarks/umap_knn_crossover.py)."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.reduce import umap_fit


@pytest.fixture
def fresh_process(monkeypatch):
    monkeypatch.setattr(umap_fit, "_approximate_compiled", False)


def test_exact_up_to_the_cold_switch_then_up_to_the_warm_one(fresh_process):
    assert umap_fit.exact_is_cheaper(30_000)
    assert umap_fit.exact_is_cheaper(50_000)
    assert not umap_fit.exact_is_cheaper(50_001)
    umap_fit.approximate_compiled()
    assert umap_fit.exact_is_cheaper(10_000)
    assert not umap_fit.exact_is_cheaper(10_001)
    assert not umap_fit.exact_is_cheaper(30_000)


def test_a_set_between_the_switches_gets_exact_neighbours_in_a_fresh_process(fresh_process):
    from sklearn.neighbors import NearestNeighbors

    x = np.random.default_rng(3).normal(size=(12_000, 8)).astype(np.float32)
    messages: list[str] = []
    indices, distances, note = umap_fit.neighbours(x, 5, "euclidean", 0, messages.append)
    assert note == "exact neighbours" and "exact" in messages[0]
    expected = NearestNeighbors(n_neighbors=5).fit(x).kneighbors(x, return_distance=False)
    assert (indices == expected).mean() > 0.999  # ties in float32 may swap a pair
