"""Exact neighbours for the layouts, against scikit-learn's and openTSNE's own exact search."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from embviz.reduce.knn import exact_knn, knn_of_rows, recall


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_exact_knn_matches_scikit_learn(words, metric):
    x = words.vectors * np.linspace(0.5, 2.0, len(words))[:, None]  # lengths differ
    indices, distances = exact_knn(x, 16, metric)
    ref_d, ref_i = NearestNeighbors(n_neighbors=15, metric=metric).fit(x).kneighbors()
    assert np.array_equal(indices[:, 0], np.arange(len(x))) and not distances[:, 0].any()
    assert np.mean(indices[:, 1:] == ref_i) > 0.99  # exact up to near-ties in float32
    assert np.allclose(distances[:, 1:], ref_d, atol=2e-5)
    rows = np.array([3, 50, 7])
    assert np.array_equal(knn_of_rows(x, rows, 16, metric), indices[rows])
    assert recall(indices[rows], indices[rows]) == 1.0
    assert recall(indices[rows, 1:9], indices[rows, :8]) == pytest.approx(7 / 8)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_opentsne_affinities_equal_with_its_own_exact_index(words, metric):
    from openTSNE.affinity import PerplexityBasedNN

    from embviz.reduce.tsne_knn import ExactNeighbors

    x = words.vectors
    ours = PerplexityBasedNN(knn_index=ExactNeighbors(x, 90, metric=metric)).P
    theirs = PerplexityBasedNN(x, perplexity=30, metric=metric, method="exact").P
    assert abs(ours - theirs).max() < 1e-6
    index = ExactNeighbors(x, 90, metric=metric)
    index.build()
    query_i, query_d = index.query(x[:5] + 0.01, 4)
    ref_d, ref_i = NearestNeighbors(n_neighbors=4, metric=metric).fit(x).kneighbors(x[:5] + 0.01)
    assert np.array_equal(query_i, ref_i) and np.allclose(query_d, ref_d, atol=2e-5)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_blocks_merged_both_ways_match_scikit_learn(words, metric):
    """Small blocks force many pairs of blocks: a set against itself (each pair computed once
    and merged into both sides' rows) and other queries (blocks of queries against blocks of
    rows) give scikit-learn's neighbours and distances."""
    from embviz.reduce.knn import knn_query

    x = words.vectors * np.linspace(0.5, 2.0, len(words))[:, None]
    assert len(x) > 300  # several blocks of 70 rows, and a last one cut short
    indices, distances = knn_query(x, x, 11, metric, self_rows=np.arange(len(x)), chunk_cells=4900)
    ref_d, ref_i = NearestNeighbors(n_neighbors=10, metric=metric).fit(x).kneighbors()
    assert np.array_equal(indices[:, 0], np.arange(len(x))) and not distances[:, 0].any()
    assert np.mean(indices[:, 1:] == ref_i) > 0.99
    assert np.allclose(distances[:, 1:], ref_d, atol=2e-5)
    queries = x[::7] + 0.01
    found_i, found_d = knn_query(x, queries, 5, metric, chunk_cells=4900)
    ref_d, ref_i = NearestNeighbors(n_neighbors=5, metric=metric).fit(x).kneighbors(queries)
    assert np.mean(found_i == ref_i) > 0.99 and np.allclose(found_d, ref_d, atol=2e-5)
