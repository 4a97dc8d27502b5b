"""t-SNE keeps neighbourhoods as well as scikit-learn's TSNE on the same real words, run here."""

import numpy as np
import pytest
from sklearn.manifold import TSNE
from sklearn.manifold import trustworthiness as sk_trustworthiness
from threadpoolctl import threadpool_limits

from embviz.core.tasks import run_task
from embviz.reduce import projection_task

from .conftest import demo_subset


@pytest.fixture(scope="module")
def thousand_words():
    return demo_subset(step=20, limit=1000)  # 1,000 real MiniLM word vectors


def test_tsne_trustworthiness_is_scikit_learns(thousand_words):
    x = thousand_words.vectors
    partials = []
    ours = run_task(
        projection_task(thousand_words, "tsne"),
        lambda p: partials.append(p) if p.partial is not None else None,
    )
    with threadpool_limits(1):  # its OpenMP threads take 10x longer on a busy machine
        reference = TSNE(metric="cosine", random_state=0).fit_transform(x)
    ours_trust = sk_trustworthiness(x, ours.coords, n_neighbors=10, metric="cosine")
    their_trust = sk_trustworthiness(x, reference, n_neighbors=10, metric="cosine")
    print(f"trustworthiness: embviz {ours_trust:.4f}, scikit-learn {their_trust:.4f}")
    assert ours_trust >= their_trust - 0.005
    assert np.isfinite(ours.coords).all()
    assert len(partials) >= 3  # the PCA preview, the start and layouts while it optimised
