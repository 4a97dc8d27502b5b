"""CSLS (Conneau et al. 2018, eq. 6) against the formula written out on full matrices."""

from __future__ import annotations

import numpy as np
import pytest

import embviz.core.csls as csls_module
from embviz.core.csls import (
    csls_neighbors,
    csls_retrieve,
    hub_penalty,
    mean_top_similarity,
    unit_rows,
)


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _mean_top(sims, k):
    return np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1)


@pytest.fixture(params=[1 << 23, 37])  # one block, and many blocks of a few rows
def block(request, monkeypatch):
    monkeypatch.setattr(csls_module, "BLOCK_VALUES", request.param)
    return request.param


def test_cross_space_csls_equals_the_formula(block):
    rng = np.random.default_rng(0)
    source = _unit(rng.normal(size=(60, 12)))  # all mapped source words W x
    target = _unit(rng.normal(size=(45, 12)))
    queries = source[[3, 10, 59]]
    k = 7
    cos_st = source @ target.T
    r_t = _mean_top(cos_st, k)  # each mapped source word: mean cos to its k nearest targets
    r_s = _mean_top(cos_st.T, k)  # each target: mean cos to its k nearest mapped sources
    full = 2 * cos_st - r_t[:, None] - r_s[None, :]
    expected = full[[3, 10, 59]]
    rows, scores = csls_retrieve(
        queries.astype(np.float32), source.astype(np.float32), target.astype(np.float32), 5, k
    )
    want_rows = np.argsort(-expected, axis=1)[:, :5]
    np.testing.assert_array_equal(rows, want_rows)
    np.testing.assert_allclose(scores, np.take_along_axis(expected, want_rows, 1), atol=1e-5)


def test_within_space_csls_leaves_self_out_and_equals_the_formula(block):
    rng = np.random.default_rng(1)
    x = _unit(rng.normal(size=(50, 6)))
    k = 5
    cos = x @ x.T
    np.fill_diagonal(cos, -np.inf)
    r = _mean_top(cos, k)
    np.testing.assert_allclose(hub_penalty(x.astype(np.float32), k), r, atol=1e-6)
    full = 2 * cos - r[:, None] - r[None, :]
    query = [0, 7, 49]
    rows, scores = csls_neighbors(x.astype(np.float32), query, k=4, csls_k=k)
    want = np.argsort(-full[query], axis=1)[:, :4]
    np.testing.assert_array_equal(rows, want)
    assert not any(q in row for q, row in zip(query, rows.tolist(), strict=True))
    np.testing.assert_allclose(scores, np.take_along_axis(full[query], want, 1), atol=1e-5)


def test_mean_top_similarity_and_unit_rows():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(9, 4)).astype(np.float32)
    b = rng.normal(size=(13, 4)).astype(np.float32)
    ua, ub = unit_rows(a), unit_rows(b)
    np.testing.assert_allclose(np.linalg.norm(ua, axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(
        mean_top_similarity(ua, ub, 3), _mean_top(_unit(a) @ _unit(b).T, 3), atol=1e-6
    )
    zero = unit_rows(np.zeros((2, 3)))
    assert np.all(zero == 0)


def test_csls_lowers_a_hub():
    """A vector near every query (a hub) wins plain retrieval for most queries; CSLS does not
    let it win for all of them."""
    rng = np.random.default_rng(3)
    dims = 20
    targets = rng.normal(size=(200, dims))
    targets[0] = 0.0
    targets[0, :] = 1.0  # a hub: along the mean direction of the queries
    sources = rng.normal(size=(100, dims)) * 0.5 + 1.0
    targets, sources = unit_rows(targets), unit_rows(sources)
    plain = np.argmax(sources @ targets.T, axis=1)
    rows, _ = csls_retrieve(sources, sources, targets, 1, 10)
    assert (plain == 0).mean() > 0.9
    assert (rows[:, 0] == 0).mean() < (plain == 0).mean()
