"""A map of a Poincaré ball with more than 2 (or 3) dims that keeps the disk.

PCA would centre the points (moving the ball's origin, where a hierarchy's root sits) and shrink
or stretch their norms; the first two dims alone drop most of the angle. This layout keeps what
a Poincaré embedding encodes in the norm exactly: each point's distance from the centre
(``|y| = |x|``, so its hyperbolic distance from the origin, ``2 artanh |x|``, is unchanged and
every point stays inside the unit disk), and takes its direction from the ball's two (three)
main directions through the origin (an SVD without centring). Distances between points are not
kept exactly (no flat map can keep them); the neighbour search uses the original vectors.
A ball of 2 (3) dims is drawn as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embviz.core.projection import Projection
from embviz.core.tasks import Progress, Task

NAME = "poincare-disk"


@dataclass
class DiskParams:
    pass


def disk_coords(vectors: np.ndarray, dims: int = 2) -> np.ndarray:
    """Norm-keeping directions from the uncentred principal directions (N x dims, float64)."""
    x = np.asarray(vectors, dtype=np.float64)
    if x.shape[1] <= dims:
        return np.pad(x, ((0, 0), (0, dims - x.shape[1])))
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    flat = x @ vt[:dims].T
    length = np.linalg.norm(flat, axis=1, keepdims=True)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(length > 0, flat / length * norms, 0.0)
    return np.asarray(out, dtype=np.float64)


class PoincareDiskReducer:
    name = NAME
    title = "Poincaré disk (keeps each point's distance from the centre)"
    params_type = DiskParams

    def run(
        self, vectors: np.ndarray, params: DiskParams | None = None, dims: int = 2
    ) -> Task[Projection]:
        del params
        coords = disk_coords(vectors, dims).astype(np.float32)
        yield Progress(1.0, "Poincaré disk: done")
        titles = ["disk 1", "disk 2", "disk 3"][:dims]
        return Projection(np.ascontiguousarray(coords), self.name, {}, {"axis_titles": titles})
