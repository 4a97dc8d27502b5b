import numpy as np
from sklearn.manifold import trustworthiness as sk_trustworthiness
from sklearn.neighbors import NearestNeighbors

from embviz.core.tasks import run_task
from embviz.reduce.quality import quality_task, trustworthiness


def _layout(words, scale=0.3, seed=0):
    """A projection of moderate quality: the first two original dims plus noise."""
    rng = np.random.default_rng(seed)
    x = words.vectors
    return x[:, :2] + scale * rng.normal(size=(len(x), 2)) * x[:, :2].std()


# scikit-learn 1.9.1 (this machine, 2026-11-30) gives scores 6.5e-7 away from embviz's float64
# ranks on these float32 vectors, about six rank places of one pair of rows in the sum; the
# versions before agreed within 1e-9. Likely near-ties ranked by float32 distances (not traced).
# A wrong penalty, k or normalisation moves the score by 1e-3 or more.
TIES = 1e-5


def test_trustworthiness_equals_scikit_learn(words):
    for scale in (0.0, 0.3, 3.0):
        y = _layout(words, scale)
        expected = sk_trustworthiness(words.vectors, y, n_neighbors=10)
        assert abs(trustworthiness(words.vectors, y, k=10) - expected) < TIES
    expected = sk_trustworthiness(words.vectors, y, n_neighbors=5, metric="cosine")
    assert abs(trustworthiness(words.vectors, y, k=5, metric="cosine") - expected) < TIES


def test_knn_recall_and_per_point_score_against_scikit_learn_neighbours(words):
    y = _layout(words)
    q = run_task(quality_task(words.vectors, y, k=10))
    x_nn = NearestNeighbors(n_neighbors=10).fit(words.vectors).kneighbors(return_distance=False)
    y_nn = NearestNeighbors(n_neighbors=10).fit(y).kneighbors(return_distance=False)
    kept = np.array([len(set(a) & set(b)) / 10 for a, b in zip(x_nn, y_nn, strict=True)])
    assert np.allclose(q.kept, kept)
    assert abs(q.knn_recall - kept.mean()) < 1e-12
    assert not q.sampled and "estimated" not in q.summary()


def test_large_sets_are_estimated_on_a_sample_and_say_so(words):
    y = _layout(words)
    full = sk_trustworthiness(words.vectors, y, n_neighbors=10)
    q = run_task(quality_task(words.vectors, y, k=10, max_full=100, sample=200, seed=3))
    assert q.sampled and q.queries == 200 and "estimated on 200 random points" in q.summary()
    assert abs(q.trustworthiness - full) < 0.03
    assert np.isnan(q.kept).sum() == len(words) - 200


def test_very_large_sets_use_the_exact_quality_of_a_random_subset(monkeypatch):
    from sklearn.manifold import trustworthiness as sk_trustworthiness

    from embviz.core.tasks import run_task
    from embviz.reduce import quality

    monkeypatch.setattr(quality, "QUALITY_SUBSET_MIN", 2_000)
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(3_000, 12)).astype(np.float32)
    coords = vectors[:, :2] + 0.1 * rng.normal(size=(3_000, 2))
    result = run_task(quality.quality_task(vectors, coords, k=10, sample=400, seed=3))
    subset = np.sort(np.random.default_rng(3).choice(3_000, size=400, replace=False))
    expected = sk_trustworthiness(vectors[subset], coords[subset], n_neighbors=10)
    assert result.subset and result.queries == 400 and result.rows == 3_000
    assert abs(result.trustworthiness - expected) < TIES
    assert np.isnan(result.kept).sum() == 3_000 - 400
    assert "subset" in result.summary()
