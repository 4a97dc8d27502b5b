"""Intrinsic dimension: how many directions the points really vary in, globally and around each.

Distances are euclidean between the UNIT vectors (the chord, sqrt(2 - 2 cos): the same order as
cosine, so the same neighbours as everywhere else in embviz).

- TwoNN (Facco et al. 2017) exactly as scikit-dimension's ``skdim.id.TwoNN()`` computes it: the
  ratio mu = r2 / r1 of each point's second to first neighbour distance; points with r1 = 0
  (duplicates) dropped; the largest 10% of ratios discarded (``discard_fraction=0.1``); the slope
  through the origin of -log(1 - F_emp) against log mu, with F_emp(i) = i / N over the N kept-
  before-discarding points.
- local dimension per point: the maximum-likelihood estimate of Levina & Bickel (2004) on the
  point's k nearest neighbours, (k - 1) / sum_{j<k} log(T_k / T_j), which is what
  ``skdim.id.MLE().fit(X, n_neighbors=k).dimension_pw_`` gives.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

DISCARD_FRACTION = 0.1  # scikit-dimension's default


@dataclass
class TwoNN:
    dimension: float
    points: int  # ratios used before the discard
    kept: int  # ratios in the fit
    dropped_duplicates: int  # points whose nearest neighbour is at distance 0

    def to_json(self) -> dict[str, Any]:
        return {
            "twonn": self.dimension,
            "twonn_points": self.points,
            "twonn_fitted": self.kept,
            "twonn_dropped_duplicates": self.dropped_duplicates,
            "twonn_discard_fraction": DISCARD_FRACTION,
        }


def twonn(r1: np.ndarray, r2: np.ndarray, discard_fraction: float = DISCARD_FRACTION) -> TwoNN:
    """TwoNN from each point's first and second neighbour distances."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.asarray(r2, dtype=np.float64) / np.asarray(r1, dtype=np.float64)
    finite = np.isfinite(mu)
    mu = mu[finite]
    n = len(mu)
    keep = int(n * (1 - discard_fraction))
    if keep < 2:
        raise ValueError("TwoNN needs at least two points with distinct nearest neighbours")
    mu = np.sort(mu)[:keep]
    x = np.log(mu)
    y = -np.log(1 - np.arange(1, keep + 1) / n)
    denominator = float(x @ x)
    dimension = float(x @ y) / denominator if denominator > 0 else math.inf
    return TwoNN(dimension, n, keep, int((~finite).sum()))


def local_mle(distances: np.ndarray) -> np.ndarray:
    """Levina-Bickel MLE of every point from its sorted neighbour distances (N x k, k >= 3).

    NaN where the estimate is undefined (a neighbour at distance 0, or all k at one distance)."""
    d = np.asarray(distances, dtype=np.float64)
    k = d.shape[1]
    if k < 3:
        raise ValueError("the local MLE needs k >= 3 neighbours")
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        logs = np.log(d[:, -1:] / d[:, :-1]).sum(axis=1)
        out = (k - 1) / logs
    out[~np.isfinite(out)] = np.nan
    result: np.ndarray = out
    return result


@dataclass
class LocalDimension:
    k: int
    median: float
    quartiles: tuple[float, float]
    undefined: int  # points with no estimate (duplicates)

    def to_json(self) -> dict[str, Any]:
        return {
            "local_mle_k": self.k,
            "local_mle_median": self.median,
            "local_mle_quartiles": list(self.quartiles),
            "local_mle_undefined": self.undefined,
        }


def summarise_local(values: np.ndarray, k: int) -> LocalDimension:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return LocalDimension(k, math.nan, (math.nan, math.nan), len(values))
    q1, med, q3 = np.percentile(finite, [25, 50, 75])
    return LocalDimension(k, float(med), (float(q1), float(q3)), int(len(values) - len(finite)))
