"""Per-word and overall measures of two paired spaces.

Per word (one counterpart each, :meth:`Pairing.one_to_one`):

- ``displacement``: cosine distance between the word's mapped vector (after the alignment) and its
  counterpart in B; 0 = same direction, 1 = orthogonal, 2 = opposite.
- ``neighbor_overlap``: share of the word's k nearest neighbours (cosine, itself left out) that
  the two spaces have in common, each found in its own space among the paired words (a neighbour
  outside the pairing could not be matched). Needs no alignment.

Overall:

- ``mean_overlap``: the mean of ``neighbor_overlap``;
- ``residual``: ``||X W - Y||_F`` over all pairs of the pairing (those of the fit, unless the
  alignment was fitted on other pairs, e.g. a training dictionary), X and Y the unit-normalised rows
  (PCA-reduced under the "pca" dims policy), W the alignment: the raw Frobenius norm that
  orthogonal Procrustes minimises (not scipy.spatial.procrustes' standardised disparity);
  0 = the map carries every word exactly onto its counterpart;
- ``cka``: linear CKA (Kornblith et al. 2019) of the original, un-normalised paired vectors
  (invariant to rotation and scale, so it needs no alignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.compare.alignment import Alignment
from embviz.core.compare.metrics import (
    cosine_distance,
    knn_rows_task,
    linear_cka,
    overlap_of,
    residual,
)
from embviz.core.compare.pairing import Pairing
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task, run_task, scaled

BY = ("displacement", "neighbor_overlap")


@dataclass
class Comparison:
    pairing: Pairing
    alignment: Alignment
    k: int
    rows_a: np.ndarray  # one-to-one rows of A
    rows_b: np.ndarray
    displacement: np.ndarray  # float64, one per word
    neighbor_overlap: np.ndarray
    mean_overlap: float
    residual: float
    cka: float

    @property
    def labels(self) -> list[str]:
        """A's labels of the compared words, in order."""
        return [self.pairing.a.labels[r] for r in self.rows_a.tolist()]

    @property
    def labels_b(self) -> list[str]:
        return [self.pairing.b.labels[r] for r in self.rows_b.tolist()]

    def _order(self, by: str, moved: bool) -> np.ndarray:
        if by not in BY:
            raise EmbvizError(f"Unknown measure {by!r}: choose one of {', '.join(BY)}.")
        if by == "displacement":
            key = self.displacement if moved else -self.displacement
            return np.argsort(-key, kind="stable")
        # least overlap first, ties broken by displacement
        primary = self.neighbor_overlap if moved else -self.neighbor_overlap
        secondary = -self.displacement if moved else self.displacement
        return np.lexsort((secondary, primary))

    def moved_most(self, n: int = 20, by: str = "displacement") -> list[tuple[str, float]]:
        """The ``n`` words that moved most (largest displacement, or smallest overlap)."""
        order = self._order(by, moved=True)[:n]
        values: np.ndarray = getattr(self, by)
        labels = self.labels
        return [(labels[i], float(values[i])) for i in order.tolist()]

    def stable(self, n: int = 20, by: str = "displacement") -> list[tuple[str, float]]:
        """The ``n`` words that moved least."""
        order = self._order(by, moved=False)[:n]
        values: np.ndarray = getattr(self, by)
        labels = self.labels
        return [(labels[i], float(values[i])) for i in order.tolist()]

    def columns(self, side: str = "a") -> dict[str, np.ndarray]:
        """Per-row metadata columns for set A (or B): NaN where a row is not compared."""
        eset, rows = (self.pairing.a, self.rows_a) if side == "a" else (self.pairing.b, self.rows_b)
        out: dict[str, np.ndarray] = {}
        for name in BY:
            column = np.full(len(eset), np.nan, dtype=np.float64)
            column[rows] = getattr(self, name)
            out[name] = column
        return out

    def overall(self) -> dict[str, float]:
        return {"mean_overlap": self.mean_overlap, "residual": self.residual, "cka": self.cka}

    def to_json(self) -> dict[str, Any]:
        return {
            "shared": len(self.rows_a),
            "align": self.alignment.to_json(),
            "overall": self.overall(),
            "words": [
                {"label": label, "displacement": float(d), "neighbor_overlap": float(o)}
                for label, d, o in zip(
                    self.labels, self.displacement, self.neighbor_overlap, strict=True
                )
            ],
        }


def compare(
    a: EmbeddingSet,
    b: EmbeddingSet,
    pairing: Pairing | None = None,
    alignment: Alignment | None = None,
    k: int = 10,
) -> Comparison:
    """Compare set A with set B. ``pairing`` defaults to shared labels and ``alignment`` to
    orthogonal Procrustes (``align(pairing)``); ``k``: neighbours for the overlap."""
    return run_task(compare_task(a, b, pairing, alignment, k))


def compare_task(
    a: EmbeddingSet,
    b: EmbeddingSet,
    pairing: Pairing | None = None,
    alignment: Alignment | None = None,
    k: int = 10,
) -> Task[Comparison]:
    """:func:`compare` as a task (Progress; Cancel between blocks of the neighbour search)."""
    from embviz.core.compare.alignment import align
    from embviz.core.compare.pairing import pair_sets

    if pairing is None:
        pairing = pair_sets(a, b)
    if pairing.a is not a or pairing.b is not b:
        raise EmbvizError("The pairing was made for other sets: pair these two sets first.")
    if alignment is None:
        yield Progress(0.0, "Aligning A onto B")
        alignment = align(pairing)
    elif alignment.pairing.a is not a or alignment.pairing.b is not b:
        raise EmbvizError("The alignment was fitted for other sets: align these two sets first.")
    rows_a, rows_b = pairing.one_to_one()
    if len(rows_a) < 2:
        raise EmbvizError(
            f"Only {len(rows_a)} word pairs up between {a.name} and {b.name}: comparing "
            "neighbourhoods needs at least 2."
        )
    if k < 1:
        raise EmbvizError(f"k must be at least 1, got {k}.")
    k_used = min(k, len(rows_a) - 1)
    xa = np.asarray(a.vectors[rows_a])
    yb = np.asarray(b.vectors[rows_b])
    yield Progress(0.05, "Displacement after alignment")
    displacement = cosine_distance(alignment.map_a(xa), alignment.prepare_b(yb))
    share = 0.45
    near_a = yield from scaled(
        knn_rows_task(xa, k_used, f"Neighbours in {a.name}"), 0.05, 0.05 + share
    )
    near_b = yield from scaled(
        knn_rows_task(yb, k_used, f"Neighbours in {b.name}"), 0.5, 0.5 + share
    )
    overlap = overlap_of(near_a, near_b)
    yield Progress(0.95, "Residual and CKA")
    fit_res = residual(
        alignment.map_a(a.vectors[pairing.rows_a]), alignment.prepare_b(b.vectors[pairing.rows_b])
    )
    return Comparison(
        pairing,
        alignment,
        k_used,
        rows_a,
        rows_b,
        displacement,
        overlap,
        float(overlap.mean()),
        fit_res,
        linear_cka(xa, yb),
    )
