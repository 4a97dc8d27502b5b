"""Health figures against their papers' definitions (computed directly, O(N^2)) and the reference
libraries (scikit-learn's neighbours, scipy, scikit-dimension, IsoScore), on real vectors: the
demo set (all-MiniLM-L6-v2 words) and gensim's test vectors."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.test.utils import datapath
from scipy import stats

import embviz
from embviz.core.dataset import EmbeddingSet
from embviz.core.health import anisotropy as aniso
from embviz.core.health.dimension import local_mle, twonn
from embviz.core.health.duplicates import duplicates, exact_duplicates
from embviz.core.health.hubness import hubness
from embviz.core.health.knn import knn_task, measure_recall
from embviz.core.health.report import HealthOptions, health_task
from embviz.core.paths import demo_path
from embviz.core.tasks import run_task

K = 10


@pytest.fixture(scope="module")
def lee():
    return embviz.load(datapath("lee_fasttext.vec"))  # 1,762 fastText words x 10, by frequency


@pytest.fixture(scope="module")
def demo():
    """The first 2,500 words of the demo set (384-d sentence-transformer vectors)."""
    full = embviz.load(demo_path())
    return EmbeddingSet(full.labels[:2500], full.vectors[:2500], name="demo-2500")


def _unit64(eset):
    v = eset.vectors.astype(np.float64)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _sklearn_knn(eset, k=K):
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
    dist, rows = nn.fit(eset.vectors.astype(np.float64)).kneighbors()  # no query: self left out
    return dist, rows


@pytest.mark.parametrize("name", ["lee", "demo"])
def test_mean_pairwise_cosine_equals_the_direct_mean_over_distinct_pairs(name, request):
    eset = request.getfixturevalue(name)
    u = _unit64(eset)
    sims = u @ u.T
    n = len(u)
    direct = (sims.sum() - np.trace(sims)) / (n * (n - 1))
    assert aniso.mean_pairwise_cosine(eset.unit_vectors()) == pytest.approx(direct, abs=1e-6)


def test_mean_vector_share_is_the_length_of_the_mean_over_the_mean_length(lee):
    v = lee.vectors.astype(np.float64)
    expected = np.linalg.norm(v.mean(axis=0)) / np.linalg.norm(v, axis=1).mean()
    assert aniso.mean_vector_share(lee.vectors) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", ["lee", "demo"])
def test_isoscore_equals_the_reference_package(name, request):
    pytest.importorskip("torch")
    reference = pytest.importorskip("IsoScore.IsoScore")
    eset = request.getfixturevalue(name)
    expected = float(reference.IsoScore(eset.vectors.astype(np.float64)))
    assert aniso.isoscore(eset.vectors) == pytest.approx(expected, abs=1e-6)


def test_isoscore_of_isotropic_and_of_one_dimensional_points():
    rng = np.random.default_rng(0)
    assert aniso.isoscore(rng.normal(size=(20_000, 8))) > 0.99  # a Gaussian ball: all dims used
    line = np.outer(rng.normal(size=500), rng.normal(size=8))
    assert aniso.isoscore(line) == pytest.approx(0.0, abs=1e-6)  # one direction only


def test_norms_and_their_spearman_correlation_with_the_row_rank(lee):
    v = lee.vectors.astype(np.float64)
    lengths = np.sqrt((v * v).sum(axis=1))
    summary = aniso.norm_summary(aniso.norms(lee.vectors))
    assert summary.mean == pytest.approx(lengths.mean())
    assert summary.quantiles["50%"] == pytest.approx(np.median(lengths))
    rho = stats.spearmanr(np.arange(len(v)), lengths).statistic
    assert summary.rank_spearman == pytest.approx(rho)
    assert sum(summary.histogram[0]) == len(v)


@pytest.mark.parametrize("name", ["lee", "demo"])
def test_k_occurrence_and_skewness_equal_those_of_scikit_learn_neighbours(name, request):
    eset = request.getfixturevalue(name)
    graph = run_task(knn_task(eset, K))
    dist, rows = _sklearn_knn(eset)
    assert (graph.rows == rows).mean() > 0.999  # ties in float32 may swap a handful
    np.testing.assert_allclose(graph.sims, 1 - dist, atol=1e-6)
    expected_occ = np.bincount(rows.ravel(), minlength=len(eset))
    result, occ = hubness(graph, eset.labels)
    assert np.abs(occ - expected_occ).sum() <= 0.002 * K * len(eset)
    assert result.skewness == pytest.approx(stats.skew(expected_occ), abs=0.01)
    top = int(np.argmax(expected_occ))
    assert result.hubs[0] == (eset.labels[top], int(expected_occ[top]))
    assert result.orphan_count == pytest.approx(int((expected_occ == 0).sum()), abs=3)


def test_hubness_of_a_tie_free_set_is_exactly_scikit_learns(lee):
    # lee's 10-d float32 vectors have no tied neighbours: the graphs must agree exactly
    graph = run_task(knn_task(lee, K))
    _, rows = _sklearn_knn(lee)
    np.testing.assert_array_equal(graph.rows, rows)
    occ = np.bincount(rows.ravel(), minlength=len(lee))
    result, _ = hubness(graph, lee.labels)
    assert result.skewness == stats.skew(occ)
    assert result.orphan_count == int((occ == 0).sum())


@pytest.mark.slow  # pynndescent's numba compilation: ~1 min once per session
def test_approximate_graph_reports_its_measured_recall(demo):
    pytest.importorskip("pynndescent")
    graph = run_task(knn_task(demo, K, method="approximate"))
    exact = run_task(knn_task(demo, K, method="exact"))
    truth = np.mean([len(set(a) & set(b)) / K for a, b in zip(graph.rows, exact.rows, strict=True)])
    assert graph.method == "approximate" and graph.recall is not None
    assert graph.recall == pytest.approx(truth, abs=0.05)  # 500 sampled rows estimate the whole
    assert "recall@10" in graph.describe()
    again, queries = measure_recall(demo.unit_vectors(), exact.rows, K)
    assert again == 1.0 and queries == 500


@pytest.mark.parametrize("name", ["lee", "demo"])
def test_twonn_equals_scikit_dimension(name, request):
    skdim = pytest.importorskip("skdim")
    eset = request.getfixturevalue(name)
    graph = run_task(knn_task(eset, K))
    chord = graph.chord
    ours = twonn(chord[:, 0], chord[:, 1]).dimension
    expected = skdim.id.TwoNN().fit(_unit64(eset)).dimension_  # discard_fraction=0.1
    assert ours == pytest.approx(expected, rel=1e-4)


def test_twonn_by_hand():
    # five points, ratios mu = r2/r1 = e^1, e^2, e^3, e^4, e^5; discard 10%: int(5*0.9) = 4 kept
    r1 = np.ones(5)
    r2 = np.exp([3.0, 1.0, 5.0, 2.0, 4.0])
    x = np.array([1.0, 2.0, 3.0, 4.0])  # log mu, sorted, largest dropped
    y = -np.log(1 - np.array([1, 2, 3, 4]) / 5)  # F_emp = i / N with N = 5
    assert twonn(r1, r2).dimension == pytest.approx((x @ y) / (x @ x))
    with_duplicate = twonn(np.append(r1, 0.0), np.append(r2, 1.0))  # r1 = 0: dropped
    assert with_duplicate.dropped_duplicates == 1
    assert with_duplicate.dimension == pytest.approx((x @ y) / (x @ x))


def test_local_dimension_equals_scikit_dimensions_pointwise_mle(demo):
    skdim = pytest.importorskip("skdim")
    graph = run_task(knn_task(demo, K))
    ours = local_mle(graph.chord)
    expected = skdim.id.MLE().fit(_unit64(demo), n_neighbors=K).dimension_pw_
    np.testing.assert_allclose(ours, expected, rtol=1e-4)
    t = graph.chord[0]  # and by hand for one point: (k - 1) / sum_j log(T_k / T_j)
    assert ours[0] == pytest.approx((K - 1) / np.log(t[-1] / t[:-1]).sum())


def test_duplicates_near_duplicates_and_outliers(lee):
    v = lee.vectors
    doubled = np.concatenate([v, v[[3, 7]], v[[3]] * 2.0])  # two copies and one scaled copy
    labels = lee.labels + ["copy-of-3", "copy-of-7", "scaled-3"]
    eset = EmbeddingSet(labels, doubled)
    assert sorted(exact_duplicates(eset.vectors)) == [[3, len(v)], [7, len(v) + 1]]
    graph = run_task(knn_task(eset, K))
    found, scores = duplicates(eset.vectors, graph, eset.labels, threshold=0.99)
    u = _unit64(eset)
    sims = u @ u.T
    i, j = np.nonzero(np.triu(sims >= 0.99, 1))
    assert {(eset.labels[a], eset.labels[b]) for a, b in zip(i, j, strict=True)} == {
        (a, b) for a, b, _ in found.near_pairs
    }
    assert ("copy-of-3", "scaled-3") in {(a, b) for a, b, _ in found.near_pairs}
    assert [lee.labels[3], "copy-of-3"] in found.exact_groups
    np.fill_diagonal(sims, -np.inf)
    kth = -np.sort(-sims, axis=1)[:, K - 1]
    np.testing.assert_allclose(scores, 1 - kth, atol=1e-6)
    q1, q3 = np.percentile(1 - kth, [25, 75])
    assert found.outlier_count == int((1 - kth > q3 + 1.5 * (q3 - q1)).sum())


def test_report_columns_and_sampling(lee):
    report = run_task(health_task(lee, HealthOptions(k=K)))
    assert set(report.columns) == {"k_occurrence", "local_dimension", "outlier_score", "norm"}
    assert all(len(c) == len(lee) for c in report.columns.values())
    assert np.nansum(report.columns["k_occurrence"]) == K * len(lee)  # the mean N_k is k
    out = report.to_json()
    assert out["hubness"]["k"] == K and "twonn" in out["intrinsic_dimension"]
    sampled = run_task(health_task(lee, HealthOptions(k=K, sample=500)))
    assert np.isfinite(sampled.columns["k_occurrence"]).sum() == 500
    assert any("random sample of 500" in note for note in sampled.notes)


def test_rows_without_a_direction_are_left_out_and_said(lee):
    v = lee.vectors.copy()
    v[5] = np.nan
    v[9] = 0.0
    eset = EmbeddingSet(lee.labels, v)
    report = run_task(health_task(eset, HealthOptions(k=K)))
    occ = report.columns["k_occurrence"]
    assert np.isnan(occ[[5, 9]]).all() and np.nansum(occ) == K * (len(v) - 2)
    assert 5 not in report.graph.rows and 9 not in report.graph.rows
    assert any("2 rows with NaN/inf values or zero length" in note for note in report.notes)
    kept = np.delete(np.arange(len(v)), [5, 9])
    u = _unit64(EmbeddingSet([lee.labels[i] for i in kept], lee.vectors[kept]))
    sims = u @ u.T
    n = len(u)
    expected = (sims.sum() - np.trace(sims)) / (n * (n - 1))
    assert report.anisotropy["mean_pairwise_cosine"] == pytest.approx(expected, abs=1e-6)
