"""Exact nearest neighbours in the ORIGINAL space, never the projection.

cosine (default): unit-normalised float32 vectors (normalised once, cached by the set) times the
unit query; euclidean: distance on the original vectors; dot: the raw inner product; poincare:
the Poincaré ball's distance (:mod:`embviz.core.poincare`, as gensim's PoincareKeyedVectors). Centring
(subtracting the set's mean vector) is off by default and reported whenever it is on. The search is
a chunked matrix product plus ``argpartition``: one pass over the matrix, at memory bandwidth.
For label queries and expressions the input words are left out, as gensim's ``most_similar`` does.
A query word that is not a label is composed from the set's fastText sub-words where it has them
(:mod:`embviz.core.composed`), as gensim's ``most_similar`` composes it; the result lists it in
``composed`` and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.composed import COMPOSED_NOTE, composed_note
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.expressions import parse
from embviz.core.rows import describe_rows, finite_rows

if TYPE_CHECKING:
    from embviz.core.ann import ApproximateIndex

METRICS = ("cosine", "euclidean", "dot", "poincare")
MAX_K = 1000
CHUNK_ROWS = 1 << 16


@dataclass
class NeighborResult:
    query: str
    metric: str
    centered: bool
    rows: np.ndarray  # best first
    scores: np.ndarray  # cosine similarity, euclidean or Poincaré distance, or dot product
    labels: list[str]
    query_rows: list[int] = field(default_factory=list)  # rows the query names (left out)
    approximate: bool = False
    warnings: list[str] = field(default_factory=list)  # e.g. rows left out for NaN values
    composed: list[str] = field(default_factory=list)  # query words composed from sub-words

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"query": self.query, "metric": self.metric}
        if self.centered:
            out["centered"] = True
        if self.composed:
            out["composed"] = True
            out["composed_words"] = list(self.composed)
        out["neighbors"] = [
            {"label": label, "score": float(score)}
            for label, score in zip(self.labels, self.scores, strict=True)
        ]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def describe(self) -> str:
        """What was computed, in words (shown in the GUI and the CLI)."""
        what = {
            "cosine": "cosine similarity",
            "euclidean": "euclidean distance",
            "dot": "dot product",
            "poincare": "Poincaré distance",
        }[self.metric]
        text = f"{what} in the original space"
        if self.centered:
            text += ", vectors CENTRED (set mean subtracted)"
        if self.approximate:
            text += ", approximate index"
        if self.composed and self.composed != [self.query]:  # one word: the title says it
            text += "; " + composed_note(self.composed)
        return text

    @property
    def title(self) -> str:
        """The query, marked when it is one word composed from sub-words."""
        if self.composed == [self.query]:
            return f"{self.query} ({COMPOSED_NOTE})"
        return self.query


def check_params(k: int, metric: str) -> None:
    if metric not in METRICS:
        raise EmbvizError(f"Unknown metric {metric!r}: choose one of {', '.join(METRICS)}.")
    if not 1 <= k <= MAX_K:
        raise EmbvizError(f"k must be between 1 and {MAX_K}, got {k}.")


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest ``scores`` (last axis), best first."""
    n = scores.shape[-1]
    k = min(k, n)
    if k < n:  # partition so the k largest sit at the end: no negated copy of the scores
        part = np.argpartition(scores, n - k, axis=-1)[..., n - k :]
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    order = np.argsort(-np.take_along_axis(scores, part, axis=-1), axis=-1, kind="stable")
    return np.take_along_axis(part, order, axis=-1)


class NeighborIndex:
    """Matrices for each metric (with and without centring), built once per set and kept."""

    def __init__(self, eset: EmbeddingSet) -> None:
        self.eset = eset
        self._cache: dict[tuple[str, bool], np.ndarray] = {}
        self.approximate: ApproximateIndex | None = None  # once built (see embviz.core.ann)

    def mean(self) -> np.ndarray:
        """The mean of the rows with finite values (a NaN row would make every row NaN)."""
        if ("mean", True) not in self._cache:
            vectors = self.eset.vectors
            finite = finite_rows(self.eset)
            total = np.zeros(self.eset.dims, dtype=np.float64)
            for start in range(0, len(vectors), CHUNK_ROWS):
                chunk = vectors[start : start + CHUNK_ROWS]
                total += chunk[finite[start : start + CHUNK_ROWS]].sum(axis=0, dtype=np.float64)
            count = max(int(finite.sum()), 1)
            self._cache[("mean", True)] = (total / count).astype(np.float32)
        return self._cache[("mean", True)]

    def matrix(self, metric: str, center: bool = False) -> np.ndarray:
        """What the metric multiplies: unit vectors for cosine, the original vectors otherwise."""
        kind = "unit" if metric == "cosine" else "raw"
        if not center:
            if kind == "raw":
                return self.eset.vectors
            with np.errstate(invalid="ignore"):  # inf rows: NaN, left out by search_vector
                return self.eset.unit_vectors()
        if (kind, center) not in self._cache:
            centred = self.eset.vectors - self.mean()
            if kind == "unit":
                norms = np.linalg.norm(centred, axis=1, keepdims=True)
                norms[norms == 0] = 1.0
                with np.errstate(invalid="ignore"):
                    centred /= norms
            self._cache[(kind, center)] = centred
        return self._cache[(kind, center)]

    def sq_norms(self, center: bool = False) -> np.ndarray:
        if ("sq", center) not in self._cache:
            m = self.matrix("euclidean", center)
            out = np.empty(len(m), dtype=np.float32)
            for start in range(0, len(m), CHUNK_ROWS):
                chunk = m[start : start + CHUNK_ROWS]
                with np.errstate(invalid="ignore", over="ignore"):
                    out[start : start + len(chunk)] = np.einsum("ij,ij->i", chunk, chunk)
            self._cache[("sq", center)] = out
        return self._cache[("sq", center)]

    def scores(self, q: np.ndarray, metric: str, center: bool = False) -> np.ndarray:
        """Higher is nearer: cosine, dot, or 2 x.q - |x|^2 (euclidean, up to a constant)."""
        m = self.matrix(metric, center)
        out = np.empty(len(m), dtype=np.float32)
        q = np.ascontiguousarray(q, dtype=np.float32)
        with np.errstate(invalid="ignore", over="ignore"):  # rows with NaN/inf: not finite
            for start in range(0, len(m), CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, len(m))
                np.dot(m[start:stop], q, out=out[start:stop])
            if metric == "euclidean":
                out *= 2
                out -= self.sq_norms(center)
        return out

    def search_vector(
        self,
        q: np.ndarray,
        k: int = 10,
        metric: str = "cosine",
        center: bool = False,
        exclude: list[int] | tuple[int, ...] = (),
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` nearest rows to the vector ``q`` (already centred)."""
        check_params(k, metric)
        if not np.isfinite(q).all():
            raise EmbvizError(
                "The query holds NaN or infinite values, so nothing can be compared with it. "
                "Fix or drop the rows with such values in the file."
            )
        if metric == "cosine":
            norm = float(np.linalg.norm(q))
            if norm == 0:
                raise EmbvizError("The query is the zero vector: it has no direction to compare.")
            q = q / norm
        if metric == "poincare":
            return self._search_poincare(q, k, center, exclude)
        scores = self.scores(q, metric, center)
        finite = finite_rows(self.eset)
        usable = finite.copy()
        if len(exclude):
            usable[np.asarray(exclude, dtype=np.int64)] = False
        scores[~usable] = -np.inf  # NaN rows would sort first (argpartition puts NaN on top)
        n_valid = int(usable.sum())
        pad = min(k + max(k, 16), len(scores)) if metric == "euclidean" else k
        rows = top_k(scores, pad)[: max(0, min(pad, n_valid))]
        if metric != "euclidean":
            rows = rows[:k]
            return rows, scores[rows].astype(np.float64)
        m = self.matrix(metric, center)
        dist = np.sqrt(((m[rows].astype(np.float64) - q.astype(np.float64)) ** 2).sum(axis=1))
        order = np.argsort(dist, kind="stable")[:k]
        return rows[order], dist[order]

    def _search_poincare(
        self, q: np.ndarray, k: int, center: bool, exclude: list[int] | tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest by the Poincaré distance (float64, ascending); centring would move the ball."""
        from embviz.core import poincare

        if center:
            raise EmbvizError(
                "Poincaré distances are measured from the ball's centre: no centring."
            )
        poincare.check_inside(self.eset, q)
        dist = poincare.distances(self.eset.vectors, q)
        usable = finite_rows(self.eset).copy()
        if len(exclude):
            usable[np.asarray(exclude, dtype=np.int64)] = False
        scores = np.where(usable, -dist, -np.inf)
        rows = top_k(scores, k)[: max(0, min(k, int(usable.sum())))]
        return rows, dist[rows]

    def search(
        self, query: str, k: int = 10, metric: str = "cosine", center: bool = False
    ) -> NeighborResult:
        """Neighbours of a label or of an expression (``king - man + woman``)."""
        check_params(k, metric)
        expr = parse(query, self.eset, compose=True)
        query_rows = expr.rows(self.eset)
        self._check_rows(query_rows)
        q = expr.vector(
            self.eset, self.matrix(metric, center), lambda v: self.as_row(v, metric, center)
        )
        result = self._result(query, q, k, metric, center, query_rows)
        result.composed = list(expr.composed)
        return result

    def as_row(self, vector: np.ndarray, metric: str, center: bool = False) -> np.ndarray:
        """``vector`` (not a row: e.g. composed from sub-words) as a row of ``matrix``."""
        row = np.asarray(vector, dtype=np.float32)
        if center:
            row = row - self.mean()
        if metric == "cosine":
            norm = float(np.linalg.norm(row))
            if norm == 0:
                raise EmbvizError("A composed query word is the zero vector: it has no direction.")
            row = row / np.float32(norm)
        return row

    def _check_rows(self, rows: list[int]) -> None:
        finite = finite_rows(self.eset)
        bad = [r for r in rows if not finite[r]]
        if bad:
            mask = np.zeros(len(finite), dtype=bool)
            mask[bad] = True
            raise EmbvizError(
                f"{self.eset.name}: {describe_rows(self.eset, mask)} of the query hold NaN or "
                "infinite values, so nothing can be compared with them. Fix or drop those rows "
                "in the file."
            )

    def search_rows(
        self,
        rows: np.ndarray | list[int],
        k: int = 10,
        metric: str = "cosine",
        center: bool = False,
    ) -> NeighborResult:
        """Neighbours of the centroid of ``rows`` (unit vectors averaged for cosine)."""
        rows = [int(r) for r in np.unique(np.asarray(rows, dtype=np.int64))]
        if not rows:
            raise EmbvizError("Nothing is selected: select points on the map first.")
        self._check_rows(rows)
        q = self.matrix(metric, center)[rows].mean(axis=0, dtype=np.float64).astype(np.float32)
        name = self.eset.labels[rows[0]] if len(rows) == 1 else f"centroid of {len(rows)} points"
        return self._result(name, q, k, metric, center, rows)

    def _result(
        self,
        query: str,
        q: np.ndarray,
        k: int,
        metric: str,
        center: bool,
        query_rows: list[int],
    ) -> NeighborResult:
        approx = self.approximate
        if approx is not None and approx.serves(metric, center):
            rows, scores = approx.search_vector(self, q, k, exclude=query_rows)
        else:
            rows, scores = self.search_vector(q, k, metric, center, exclude=query_rows)
            approx = None
        labels = [self.eset.labels[int(r)] for r in rows]
        result = NeighborResult(
            query, metric, center, rows, scores, labels, list(query_rows), approx is not None
        )
        finite = finite_rows(self.eset)
        if not finite.all():
            result.warnings.append(
                f"{int((~finite).sum()):,} of {len(finite):,} rows hold NaN or infinite values "
                f"and are left out of the neighbours ({describe_rows(self.eset, ~finite)})."
            )
        return result


def index_for(eset: EmbeddingSet) -> NeighborIndex:
    """The set's index, kept in the set's derived cache: built once per vectors version, dropped
    when the vectors change, freed with the set (a global cache of sets leaked every set)."""
    return eset.derived(("neighbor-index",), lambda: NeighborIndex(eset))


def neighbors(
    eset: EmbeddingSet, query: str, k: int = 10, metric: str = "cosine", center: bool = False
) -> NeighborResult:
    return index_for(eset).search(query, k, metric, center)
