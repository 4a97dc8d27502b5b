"""A map from space A into space B, fitted on the pairs.

Both methods work on unit-normalised rows (``x / sqrt(sum(x**2))``, as gensim's
``Space.normalize``), so a word's length (frequency, mostly) does not weigh in the fit:

- ``procrustes``: the orthogonal ``W`` that minimises ``||X W - Y||_F``, computed by
  ``scipy.linalg.orthogonal_procrustes(X, Y)``: rotations and reflections only, so cosine
  neighbourhoods inside A are kept exactly.
- ``linear``: least squares ``W = lstsq(X, Y, rcond=-1)``, exactly as gensim's
  ``TranslationMatrix.train`` (float32 unit rows, one row per pair, repeated words repeated).
- ``none``: the identity (the two spaces are compared as they are).

When A and B have different dimensions, ``dims_policy`` says what happens, and the result says it
too (:attr:`Alignment.note`): ``"pca"`` (default) reduces both to the smaller size with PCA fitted
on the paired unit rows, then aligns; ``"linear"`` fits a least-squares map D_A -> D_B instead
(an orthogonal map between different sizes does not exist).

``center=True`` (off by default, so that ``linear`` stays gensim's) subtracts each set's mean unit
vector and renormalises ("renorm, center, renorm" as in MUSE, Conneau et al. 2018) before the fit
and in every measure that uses the map. It helps when one space sits in a narrow cone: Word2Vec
CBOW -> skip-gram on gensim's Lee corpus, accuracy@1 on 1,000 held-out words went from 0.008 to
0.175 (Procrustes) and from 0.247 to 0.378 (linear).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embviz.core.compare.pairing import Pairing
from embviz.core.errors import EmbvizError

METHODS = ("procrustes", "linear", "none")
DIMS_POLICIES = ("pca", "linear")


def unit(vectors: np.ndarray) -> np.ndarray:
    """gensim's ``Space.normalize`` in float32 (zero rows stay zero instead of NaN)."""
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.sqrt(np.sum(np.square(x), axis=1, keepdims=True))
    norms[norms == 0] = 1.0
    out: np.ndarray = x / norms
    return out


@dataclass
class _Pca:
    mean: np.ndarray
    components: np.ndarray  # k x D

    def apply(self, x: np.ndarray) -> np.ndarray:
        out: np.ndarray = ((x.astype(np.float64) - self.mean) @ self.components.T).astype(
            np.float32
        )
        return out


def _prepare(vectors: np.ndarray, mean: np.ndarray | None, pca: _Pca | None) -> np.ndarray:
    x = unit(vectors)
    if mean is not None:
        x = unit(x - mean)
    return x if pca is None else pca.apply(x)


def _mean_unit(eset: Any) -> np.ndarray:
    """The mean unit vector of a set's rows with finite values (float32)."""
    from embviz.core.rows import finite_rows

    finite = finite_rows(eset)
    total = np.zeros(eset.dims, dtype=np.float64)
    for start in range(0, len(eset), 1 << 16):
        chunk = unit(eset.vectors[start : start + (1 << 16)])
        total += chunk[finite[start : start + (1 << 16)]].sum(axis=0, dtype=np.float64)
    out: np.ndarray = (total / max(int(finite.sum()), 1)).astype(np.float32)
    return out


@dataclass
class Alignment:
    """How A's vectors are carried into B's space: ``map_a(x) = prepare(unit(x)) @ matrix``."""

    pairing: Pairing
    method: str  # the method used: "procrustes", "linear" or "none"
    requested: str  # the method asked for (differs when dims forced a linear map)
    matrix: np.ndarray  # D_A' x D_B' (float32)
    dims_policy: str  # "same", "pca" or "linear"
    note: str  # what was done, in words
    pca_a: _Pca | None = None
    pca_b: _Pca | None = None
    mean_a: np.ndarray | None = None  # with center=True: A's mean unit vector
    mean_b: np.ndarray | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # e.g. CSLS's r of B

    @property
    def centered(self) -> bool:
        return self.mean_a is not None

    def map_a(self, vectors: np.ndarray) -> np.ndarray:
        """Rows of A (any rows) in B's comparison space."""
        out: np.ndarray = _prepare(vectors, self.mean_a, self.pca_a) @ self.matrix
        return out

    def prepare_b(self, vectors: np.ndarray) -> np.ndarray:
        """Rows of B in the comparison space (unit rows, centred when asked, PCA-reduced under
        the "pca" policy)."""
        return _prepare(vectors, self.mean_b, self.pca_b)

    def mapped_a(self) -> np.ndarray:
        """All of A mapped (kept: translation and CSLS use it). Rows with NaN or inf values
        become zero rows (cosine 0 with everything)."""
        if "mapped_a" not in self.cache:
            self.cache["mapped_a"] = _zero_non_finite(self.map_a(self.pairing.a.vectors))
        out: np.ndarray = self.cache["mapped_a"]
        return out

    def prepared_b(self) -> np.ndarray:
        """All of B in the comparison space; rows with NaN or inf values become zero rows."""
        if "prepared_b" not in self.cache:
            self.cache["prepared_b"] = _zero_non_finite(self.prepare_b(self.pairing.b.vectors))
        out: np.ndarray = self.cache["prepared_b"]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "requested": self.requested,
            "dims_policy": self.dims_policy,
            "centered": self.centered,
            "dims": [self.pairing.a.dims, self.pairing.b.dims],
            "pairs": len(self.pairing),
            "note": self.note,
        }


def _zero_non_finite(x: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        x = x.copy()
        x[bad] = 0.0
    return x


def _procrustes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.linalg import orthogonal_procrustes
    from threadpoolctl import threadpool_limits

    # one BLAS thread: an SVD of a D x D matrix is small, and threads waiting for a busy core made
    # it 20x slower on the 2-core reference machine (as embviz.reduce.pca found)
    with threadpool_limits(1):
        w, _ = orthogonal_procrustes(x.astype(np.float64), y.astype(np.float64))
    out: np.ndarray = np.asarray(w, dtype=np.float32)
    return out


def _linear(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    # exactly gensim's TranslationMatrix.train: np.linalg.lstsq(m1, m2, -1)[0] on float32 rows
    with threadpool_limits(1):
        out: np.ndarray = np.linalg.lstsq(x, y, -1)[0]
    return out


def _pca_fit(x: np.ndarray, k: int) -> _Pca:
    from embviz.reduce.pca import pca_components

    mean, components, _ = pca_components(x, k)
    return _Pca(mean, components)


def align(
    pairing: Pairing, method: str = "procrustes", dims_policy: str = "pca", center: bool = False
) -> Alignment:
    """Fit the map of A into B on all usable pairs of ``pairing`` (``center``: see above)."""
    alignment = _fit(pairing, method, dims_policy, center)
    if center:
        alignment.note = (
            "centred (each set's mean unit vector subtracted, rows renormalised); " + alignment.note
        )
    return alignment


def _fit(pairing: Pairing, method: str, dims_policy: str, center: bool) -> Alignment:
    if method not in METHODS:
        raise EmbvizError(f"Unknown alignment {method!r}: choose one of {', '.join(METHODS)}.")
    if dims_policy not in DIMS_POLICIES:
        raise EmbvizError(
            f"Unknown dims policy {dims_policy!r}: choose one of {', '.join(DIMS_POLICIES)}."
        )
    a, b = pairing.a, pairing.b
    means = (_mean_unit(a), _mean_unit(b)) if center else (None, None)
    x = _prepare(a.vectors[pairing.rows_a], means[0], None)
    y = _prepare(b.vectors[pairing.rows_b], means[1], None)
    same = a.dims == b.dims
    if method == "none":
        if not same:
            raise EmbvizError(
                f"{a.name} has {a.dims} dimensions and {b.name} {b.dims}: without an alignment "
                "they cannot be compared vector to vector. Choose --align procrustes or linear."
            )
        eye = np.eye(a.dims, dtype=np.float32)
        note = "no alignment (identity)"
        return Alignment(pairing, "none", "none", eye, "same", note, None, None, *means)
    if same:
        w = _procrustes(x, y) if method == "procrustes" else _linear(x, y)
        what = (
            "orthogonal Procrustes (scipy.linalg.orthogonal_procrustes)"
            if method == "procrustes"
            else "linear least squares (as gensim's TranslationMatrix)"
        )
        note = f"{what} on unit rows, fitted on {len(pairing):,} pairs"
        return Alignment(pairing, method, method, w, "same", note, None, None, *means)
    dims = f"{a.dims} vs {b.dims} dimensions"
    if method == "linear" or dims_policy == "linear":
        note = (
            f"{dims}: linear least-squares map {a.dims} -> {b.dims} "
            f"(as gensim's TranslationMatrix), fitted on {len(pairing):,} pairs"
        )
        if method == "procrustes":
            note += "; Procrustes needs equal sizes, so a linear map was used"
        w = _linear(x, y)
        return Alignment(pairing, "linear", method, w, "linear", note, None, None, *means)
    k = min(a.dims, b.dims)
    if len(pairing) < k:
        raise EmbvizError(
            f"{dims}: PCA to {k} dimensions needs at least {k} pairs, there are "
            f"{len(pairing)}. Give more pairs, or use the linear dims policy."
        )
    pca_a, pca_b = _pca_fit(x, k), _pca_fit(y, k)
    w = _procrustes(pca_a.apply(x), pca_b.apply(y))
    note = (
        f"{dims}: both reduced to {k} with PCA on the paired unit rows, then orthogonal "
        f"Procrustes, fitted on {len(pairing):,} pairs"
    )
    return Alignment(pairing, "procrustes", method, w, "pca", note, pca_a, pca_b, *means)
