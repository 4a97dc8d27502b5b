"""One layout for two spaces: both sets in ONE frame, after the alignment has carried A into B.

A comparison's alignment maps A's rows into B's comparison space (:class:`Alignment.map_a`,
:meth:`Alignment.prepare_b`); there, a word that did not move lies on its counterpart. A joint
PCA is fitted on the rows of both (stacked) and projects each set with the same components, so an
unmoved word has the same coordinates in both layouts (up to the residual of the alignment) and a
moved word's two positions show its move. Aligned layouts of separate fits
(:mod:`embviz.reduce.aligned`: AlignedUMAP, Procrustes-aligned PCA or t-SNE) can only bring the
shapes close; this one shares the axes.
"""

from __future__ import annotations

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.reduce.pca import pca_components


def joint_pca(mapped_a: np.ndarray, prepared_b: np.ndarray) -> Task[list[np.ndarray]]:
    """[A's layout, B's layout] (N_A x 2, N_B x 2 float32) from one PCA of both sets' rows in a
    common space (same number of columns)."""
    x, y = np.asarray(mapped_a, np.float64), np.asarray(prepared_b, np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise EmbvizError(
            f"A joint layout needs both sets in one space: got {x.shape[-1]} and "
            f"{y.shape[-1]} columns."
        )
    if len(x) + len(y) < 3 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise EmbvizError("A joint layout needs at least 3 rows of finite values.")
    yield Progress(0.1, f"Joint PCA of {len(x):,} + {len(y):,} rows…")
    mean, components, ratio = pca_components(np.vstack([x, y]), 2)
    if components.shape[0] < 2:  # one-dimensional data: a flat second axis
        components = np.vstack([components, np.zeros_like(components)])
    yield Progress(0.8, "Projecting both sets…")
    return [((z - mean) @ components.T).astype(np.float32) for z in (x, y)]
