"""The Poincaré ball: distances between its points, and which sets live in it.

Poincaré embeddings (Nickel & Kiela 2017; gensim's PoincareModel) place points inside the unit
ball, where the distance is ``arcosh(1 + 2 |u - v|^2 / ((1 - |u|^2) (1 - |v|^2)))`` (computed as
gensim's ``PoincareKeyedVectors.vector_distance_batch`` computes it, in float64): cosine or
euclidean neighbours of such points mean little near the boundary, where the distances grow
without bound. A set trained or opened as a Poincaré embedding is marked (:func:`mark`), so the
neighbour search defaults to this distance for it (:func:`metric_for`).
"""

from __future__ import annotations

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError

MARK = ("poincare-ball",)
CHUNK_ROWS = 1 << 16


def mark(eset: EmbeddingSet) -> None:
    """Say that ``eset``'s vectors are points of the Poincaré ball."""
    eset.store_derived(MARK, True, version=eset.version)


def is_poincare(eset: EmbeddingSet | None) -> bool:
    return eset is not None and eset.peek_derived(MARK) is True


def metric_for(eset: EmbeddingSet | None, current: str) -> str:
    """The neighbour metric to offer for ``eset``: Poincaré for a Poincaré set; for any other set
    the ``current`` choice, unless that is Poincaré (cosine then)."""
    if is_poincare(eset):
        return "poincare"
    return "cosine" if current == "poincare" else current


def distances(vectors: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Poincaré distance (float64) from ``q`` to every row of ``vectors``, chunked."""
    q = np.asarray(q, dtype=np.float64)
    q_norm = float(np.linalg.norm(q))
    out = np.empty(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), CHUNK_ROWS):
        chunk = np.asarray(vectors[start : start + CHUNK_ROWS], dtype=np.float64)
        euclidean = np.linalg.norm(q - chunk, axis=1)
        norms = np.linalg.norm(chunk, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + len(chunk)] = np.arccosh(
                1 + 2 * ((euclidean**2) / ((1 - q_norm**2) * (1 - norms**2)))
            )
    return out


def check_inside(eset: EmbeddingSet, q: np.ndarray) -> None:
    """Refuse a query or a set with points on or beyond the unit sphere (no Poincaré distance)."""
    if float(np.linalg.norm(np.asarray(q, dtype=np.float64))) >= 1.0:
        raise EmbvizError(
            "The query lies on or outside the unit ball, where the Poincaré distance is not "
            "defined (vector sums leave the ball easily): query one point or the selection, or "
            "choose cosine or euclidean."
        )
    outside = int(eset.derived(("poincare-outside",), lambda: _count_outside(eset)))
    if outside:
        raise EmbvizError(
            f"{eset.name}: {outside:,} of {len(eset):,} vectors lie on or outside the unit ball, "
            "so these are not Poincaré embeddings. Choose cosine or euclidean neighbours."
        )


def _count_outside(eset: EmbeddingSet) -> int:
    count = 0
    for start in range(0, len(eset), CHUNK_ROWS):
        chunk = np.asarray(eset.vectors[start : start + CHUNK_ROWS], dtype=np.float64)
        norms = np.linalg.norm(chunk, axis=1)
        count += int((~(norms < 1.0)).sum())  # NaN rows count as outside too
    return count
