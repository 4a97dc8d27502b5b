"""PCA: exact through the D x D covariance for moderate D, exact thin SVD for wide but short
data, randomized SVD only when both are large.

Component signs follow scikit-learn (the largest-magnitude loading of each component is
positive), so coordinates match ``sklearn.decomposition.PCA`` and a layout does not flip between
runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embviz.core.tasks import Progress, Task
from embviz.reduce.base import Projection

EXACT_MAX_DIMS = 2048  # above this the D x D eigenproblem costs more than an SVD
EXACT_MAX_ROWS_WIDE = 5000  # wide data with at most this many rows: exact thin SVD (O(N^2 D))


@dataclass
class PCAParams:
    seed: int = 0  # only used by the randomized solver


def _flip_signs(components: np.ndarray) -> np.ndarray:
    biggest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(components.shape[0]), biggest])
    signs[signs == 0] = 1
    return components * signs[:, None]


def pca_components(
    vectors: np.ndarray, n_components: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, components k x D, explained variance ratio k) of the rows of ``vectors``."""
    x = np.asarray(vectors, dtype=np.float64)
    n, d = x.shape
    k = min(n_components, d, n)
    mean = x.mean(axis=0)
    centred = x - mean
    total = float(np.einsum("ij,ij->", centred, centred))
    if d <= EXACT_MAX_DIMS:
        cov = centred.T @ centred
        eigvals, eigvecs = np.linalg.eigh(cov)
        order = np.argsort(eigvals)[::-1][:k]
        components = eigvecs[:, order].T
        variances = eigvals[order]
    elif n <= EXACT_MAX_ROWS_WIDE:
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        components, variances = vt[:k], s[:k] ** 2
    else:
        from sklearn.utils.extmath import randomized_svd

        _, s, vt = randomized_svd(centred, k, random_state=seed)
        components, variances = vt, s**2
    components = _flip_signs(components)
    ratio = variances / total if total > 0 else np.zeros(k)
    return mean, components, ratio


class PCAReducer:
    name = "pca"
    title = "PCA"
    params_type = PCAParams

    def run(self, vectors: np.ndarray, params: PCAParams | None = None, dims: int = 2) -> Task:
        params = params or PCAParams()
        yield Progress(0.0, "PCA: computing components")
        mean, components, ratio = pca_components(vectors, dims, params.seed)
        yield Progress(0.7, "PCA: projecting")
        coords = ((np.asarray(vectors, dtype=np.float64) - mean) @ components.T).astype(np.float32)
        if coords.shape[1] < dims:  # fewer rows or dims than asked: pad so views get their axes
            coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))
        yield Progress(1.0, "PCA: done")
        return Projection(
            coords,
            self.name,
            {"seed": params.seed},
            {"explained_variance_ratio": [float(r) for r in ratio]},
        )


@dataclass
class AsIsParams:
    pass


class AsIsReducer:
    """Data with 2 or 3 dimensions is shown as it is, without reduction."""

    name = "as-is"
    title = "As is (no reduction)"
    params_type = AsIsParams

    def run(self, vectors: np.ndarray, params: AsIsParams | None = None, dims: int = 2) -> Task:
        coords = np.asarray(vectors, dtype=np.float32)[:, :dims]
        if coords.shape[1] < dims:
            coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))
        yield Progress(1.0, "no reduction")
        return Projection(np.ascontiguousarray(coords), self.name)
