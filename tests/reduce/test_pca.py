import numpy as np
import pytest
from sklearn.decomposition import PCA

from embviz.core.tasks import run_task
from embviz.reduce import default_reducer_for, reducers


@pytest.mark.parametrize("shape", [(500, 20), (300, 2100)])
def test_pca_matches_scikit_learn_including_signs(shape):
    rng = np.random.default_rng(1)
    # a clear low-rank structure (scales 10, 5, 2) plus noise, so components are well defined
    latent = rng.normal(size=(shape[0], 3)) * [10, 5, 2]
    basis = np.linalg.qr(rng.normal(size=(shape[1], 3)))[0].T
    x = (latent @ basis + 0.05 * rng.normal(size=shape)).astype(np.float32)
    projection = run_task(reducers.get("pca").run(x, None, 3))
    reference = PCA(3, svd_solver="full").fit(x)
    assert projection.coords.shape == (shape[0], 3)
    assert np.allclose(projection.coords, reference.transform(x), atol=2e-3)
    assert np.allclose(
        projection.info["explained_variance_ratio"], reference.explained_variance_ratio_, atol=1e-4
    )


def test_small_data_is_shown_as_is():
    assert default_reducer_for(2) == "as-is" and default_reducer_for(3) == "as-is"
    assert default_reducer_for(4) == "pca"
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    projection = run_task(reducers.get("as-is").run(x, None, 2))
    assert np.array_equal(projection.coords, x)
