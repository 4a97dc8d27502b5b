"""Hub-reduced neighbours against their definitions computed on the full similarity matrix:
CSLS (Conneau et al. 2018) and Gaussian mutual proximity (Schnitzer et al. 2012, scipy's normal
survival function); the analogy rescoring hook against gensim."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath
from scipy import stats

import embviz
from embviz.core.dataset import EmbeddingSet
from embviz.core.evaluate import evaluate_analogies_task
from embviz.core.health.hub_reduction import (
    analogy_rescorer,
    distance_moments,
    hub_reduction_task,
)
from embviz.core.health.hubness import hubness
from embviz.core.health.knn import knn_task
from embviz.core.tasks import run_task

K = 10
QUESTIONS = datapath("questions-words.txt")


@pytest.fixture(scope="module")
def small():
    full = embviz.load(datapath("euclidean_vectors.bin"))  # 2,747 word2vec words x 10
    return EmbeddingSet(full.labels[:700], full.vectors[:700], name="w2v-700")


def _matrix(eset):
    v = eset.vectors.astype(np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    return u @ u.T


def _occurrence_of(scores, k=K):
    s = scores.copy()
    np.fill_diagonal(s, -np.inf)
    rows = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return rows, np.bincount(rows.ravel(), minlength=len(s))


def test_distance_moments_equal_the_direct_mean_and_std(small):
    d = 1 - _matrix(small)
    off = ~np.eye(len(d), dtype=bool)
    mean, sd = distance_moments(small.unit_vectors())
    np.testing.assert_allclose(
        mean, [row[m].mean() for row, m in zip(d, off, strict=True)], atol=1e-6
    )
    np.testing.assert_allclose(sd, [row[m].std() for row, m in zip(d, off, strict=True)], atol=1e-6)


def test_hub_reduced_graphs_equal_the_definitions(small):
    sims = _matrix(small)
    d = 1 - sims
    off = ~np.eye(len(d), dtype=bool)
    mu = np.array([row[m].mean() for row, m in zip(d, off, strict=True)])
    sd = np.array([row[m].std() for row, m in zip(d, off, strict=True)])
    mp = stats.norm.sf(d, mu[:, None], sd[:, None]) * stats.norm.sf(d, mu[None, :], sd[None, :])
    masked = np.where(off, sims, -np.inf)
    r = np.sort(masked, axis=1)[:, -K:].mean(axis=1)
    csls = 2 * sims - r[:, None] - r[None, :]
    graph = run_task(knn_task(small, K))
    out = run_task(hub_reduction_task(small, graph, ("csls", "mp")))
    for method, matrix in (("csls", csls), ("mp", mp)):
        _, occ = _occurrence_of(matrix)
        assert out["skewness"][method] == pytest.approx(stats.skew(occ), abs=1e-9), method
    _, plain = _occurrence_of(sims)
    assert hubness(graph, small.labels)[0].skewness == pytest.approx(stats.skew(plain))
    assert out["skewness"]["csls"] < stats.skew(plain)  # CSLS spreads the neighbour lists


def test_analogy_hook_keeps_gensims_answers_and_rescores_by_csls():
    eset = embviz.load(datapath("euclidean_vectors.bin"))
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    score, _ = kv.evaluate_word_analogies(QUESTIONS, restrict_vocab=2000)
    same = run_task(evaluate_analogies_task(eset, QUESTIONS, 2000, rescore=lambda q, s: s))
    assert same.accuracy == pytest.approx(score)
    candidates = eset.unit_vectors()[:2000]
    rescore = analogy_rescorer(candidates, "csls", K)
    q = candidates[:3].mean(axis=0)
    q /= np.linalg.norm(q)
    sims = candidates @ q
    u = candidates.astype(np.float64)
    full = u @ u.T
    np.fill_diagonal(full, -np.inf)
    r = np.sort(full, axis=1)[:, -K:].mean(axis=1)
    np.testing.assert_allclose(rescore(q[None, :], sims[None, :])[0], 2 * sims - r, atol=1e-5)
