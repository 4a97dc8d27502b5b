"""Hub-reduced neighbours, and what they change: k-occurrence skewness and analogy accuracy.

- CSLS within one space (Conneau et al. 2018, as :mod:`embviz.core.csls` computes it):
  2 cos(x, y) - r(x) - r(y), r = mean cosine to the k nearest other rows.
- Mutual proximity, GAUSSIAN with independence (Schnitzer et al. 2012, "MP Gauss-i"): with cosine
  distances d = 1 - cos, each point x gets the mean mu_x and the population standard deviation
  sd_x of its distances to ALL other points (computed exactly in O(N D^2) from the sum of the unit
  vectors and their D x D second-moment matrix), and
  MP(x, y) = (1 - Phi((d_xy - mu_x) / sd_x)) * (1 - Phi((d_xy - mu_y) / sd_y)):
  the probability that y is closer to x than a random point is, AND x closer to y. Neighbours are
  ranked by its logarithm (``scipy.special.log_ndtr``), which does not saturate at 1.

For analogies (gensim's 3CosAdd on questions-words, restricted to the first rows, as
:mod:`embviz.core.evaluate` does) the query is the normalised b + c - a; CSLS scores a candidate
y by 2 cos(q, y) - r(y) (r(q) is the same for every candidate); MP takes mu_q, sd_q from the
query's distances to every candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.health.hubness import hubness
from embviz.core.health.knn import KnnGraph, exact_sims, unit_matrix
from embviz.core.neighbors import top_k
from embviz.core.tasks import Progress, Task

METHODS = ("csls", "mp")
BLOCK_CELLS = 1 << 22


def distance_moments(unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population standard deviation of each row's cosine distance to all OTHER rows."""
    n, d = unit.shape
    total = np.zeros(d, dtype=np.float64)
    second = np.zeros((d, d), dtype=np.float64)
    for start in range(0, n, 1 << 15):
        chunk = np.asarray(unit[start : start + (1 << 15)], dtype=np.float64)
        total += chunk.sum(axis=0)
        second += chunk.T @ chunk
    mean = np.empty(n)
    var = np.empty(n)
    for start in range(0, n, 1 << 15):
        u = np.asarray(unit[start : start + (1 << 15)], dtype=np.float64)
        self_sq = np.einsum("ij,ij->i", u, u)
        sum_cos = u @ total - self_sq
        sum_cos2 = np.einsum("ij,jk,ik->i", u, second, u) - self_sq**2
        m = sum_cos / (n - 1)
        mean[start : start + len(u)] = 1.0 - m  # distances: 1 - cos
        var[start : start + len(u)] = np.maximum(sum_cos2 / (n - 1) - m**2, 0.0)
    sd: np.ndarray = np.sqrt(var)
    return mean, np.maximum(sd, 1e-12)


def mp_log(
    distances: np.ndarray, mu_q: np.ndarray, sd_q: np.ndarray, mu: np.ndarray, sd: np.ndarray
) -> np.ndarray:
    """log MP of a block of queries (rows) against every candidate (columns)."""
    from scipy.special import log_ndtr

    left = log_ndtr(-(distances - mu_q[:, None]) / sd_q[:, None])
    right = log_ndtr(-(distances - mu[None, :]) / sd[None, :])
    out: np.ndarray = left + right
    return out


def mp_neighbours(unit: np.ndarray, k: int) -> Task[np.ndarray]:
    """Every row's k nearest other rows by Gaussian mutual proximity (rows of ``unit``)."""
    mu, sd = distance_moments(unit)
    n = len(unit)
    block = max(1, BLOCK_CELLS // n)
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, block):
        stop = min(n, start + block)
        dist = 1.0 - (unit[start:stop] @ unit.T).astype(np.float64)
        score = mp_log(dist, mu[start:stop], sd[start:stop], mu, sd)
        score[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        out[start:stop] = top_k(score, k)
        yield Progress(stop / n, f"Mutual proximity: {stop:,} of {n:,} rows")
    return out


def csls_neighbours(unit: np.ndarray, k: int, penalty: np.ndarray) -> Task[np.ndarray]:
    """Every row's k nearest other rows by CSLS (embviz.core.csls), r given as ``penalty``."""
    from embviz.core.csls import csls_neighbors

    n = len(unit)
    out = np.empty((n, k), dtype=np.int64)
    step = max(1, (1 << 23) // n)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        out[rows], _ = csls_neighbors(unit, rows, k, k, penalty)
        yield Progress(rows[-1] / n, f"CSLS: {rows[-1] + 1:,} of {n:,} rows")
    return out


def reduced_graph_task(eset: Any, graph: KnnGraph, method: str) -> Task[KnnGraph]:
    """The k-NN graph of ``graph``'s rows under CSLS or mutual proximity (always exact)."""
    unit = unit_matrix(eset, graph.usable)
    if method == "csls":
        local = yield from csls_neighbours(unit, graph.k, penalty_of(graph))
    elif method == "mp":
        local = yield from mp_neighbours(unit, graph.k)
    else:
        raise ValueError(f"hub reduction is one of {METHODS}, not {method!r}")
    sims = exact_sims(unit, local)
    return KnnGraph(graph.usable[local], sims, graph.usable, graph.n_rows, graph.k, method)


def penalty_of(graph: KnnGraph) -> np.ndarray:
    """r(x) of CSLS: the mean cosine to the k nearest other rows, read from an exact graph."""
    if graph.method != "exact":
        raise ValueError("CSLS needs the exact graph (r is a mean over the true neighbours)")
    out: np.ndarray = graph.sims.mean(axis=1)
    return out


def analogy_rescorer(
    candidates: np.ndarray, method: str, k: int
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A function (queries, cosines to the candidates) -> hub-reduced scores for the analogies."""
    if method == "csls":
        from embviz.core.csls import hub_penalty

        r = hub_penalty(candidates, k)
        return lambda queries, sims: 2.0 * sims.astype(np.float64) - r[None, :]
    mu, sd = distance_moments(candidates)

    def mp(queries: np.ndarray, sims: np.ndarray) -> np.ndarray:
        dist = 1.0 - sims.astype(np.float64)
        with np.errstate(invalid="ignore"):
            return mp_log(dist, dist.mean(axis=1), np.maximum(dist.std(axis=1), 1e-12), mu, sd)

    return mp


def hub_reduction_task(
    eset: Any,
    graph: KnnGraph,
    methods: tuple[str, ...] = METHODS,
    analogies: str | Path | None = None,
    restrict_vocab: int = 30_000,
) -> Task[dict[str, Any]]:
    """k-occurrence skewness (and analogy accuracy, given a questions file) with and without
    hub reduction."""
    from embviz.core.evaluate import evaluate_analogies_task

    out: dict[str, Any] = {"method_notes": {
        "csls": "CSLS within the space, r over the k nearest other rows (Conneau et al. 2018)",
        "mp": "mutual proximity, Gaussian with independence (Schnitzer et al. 2012)",
    }}  # fmt: skip
    skew: dict[str, float] = {}
    for method in methods:
        yield Progress(None, f"Hub reduction: {method}")
        reduced = yield from reduced_graph_task(eset, graph, method)
        skew[method] = hubness(reduced, eset.labels)[0].skewness
    out["skewness"] = skew
    if analogies is not None:
        accuracy: dict[str, Any] = {}
        restrict = min(restrict_vocab, len(eset))
        candidates = eset.unit_vectors()[:restrict]
        for method in ("cosine", *methods):
            yield Progress(None, f"Analogies with {method} neighbours")
            rescore = None if method == "cosine" else analogy_rescorer(candidates, method, graph.k)
            report = yield from evaluate_analogies_task(eset, analogies, restrict, rescore=rescore)
            accuracy[method] = {
                "accuracy": report.accuracy, "correct": report.correct, "total": report.total,
            }  # fmt: skip
        out["analogy"] = {"file": str(analogies), "restrict_vocab": restrict, **accuracy}
    return out
