"""The disk layout keeps each point's distance from the centre and takes its direction from the
ball's main directions through the origin (checked against scikit-learn's TruncatedSVD)."""

from __future__ import annotations

import numpy as np
from gensim.test.utils import datapath

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task
from embviz.models.graph.disk_layout import disk_coords
from embviz.reduce.registry import projection_task


def ball(dims: int = 5) -> np.ndarray:
    from gensim.models.poincare import PoincareModel, PoincareRelations

    model = PoincareModel(
        PoincareRelations(datapath("poincare_hypernyms_large.tsv")), size=dims, negative=5, seed=2
    )
    model.train(epochs=10)
    return np.asarray(model.kv.vectors)


def test_norms_kept_and_directions_from_uncentred_svd():
    from sklearn.decomposition import TruncatedSVD

    x = ball()
    y = disk_coords(x)
    np.testing.assert_allclose(np.linalg.norm(y, axis=1), np.linalg.norm(x, axis=1), rtol=1e-12)
    assert np.linalg.norm(y, axis=1).max() < 1.0
    flat = TruncatedSVD(n_components=2, algorithm="arpack", random_state=0).fit_transform(x)
    unit = flat / np.linalg.norm(flat, axis=1, keepdims=True)
    ours = y / np.linalg.norm(y, axis=1, keepdims=True)
    # the same directions up to a rotation or reflection of the plane: equal angles between points
    np.testing.assert_allclose(ours @ ours.T, unit @ unit.T, atol=1e-8)


def test_two_dims_as_they_are_and_through_the_registry():
    x = ball(2)
    np.testing.assert_array_equal(disk_coords(x), x)
    eset = EmbeddingSet([f"n{i}" for i in range(len(x))], ball(4))
    projection = run_task(projection_task(eset, "poincare-disk"))
    assert projection.method == "poincare-disk" and projection.coords.shape == (len(x), 2)
    np.testing.assert_allclose(
        np.linalg.norm(projection.coords, axis=1), np.linalg.norm(eset.vectors, axis=1), rtol=1e-6
    )
