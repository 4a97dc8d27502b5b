"""Exact neighbours for openTSNE from one matrix product (:mod:`embviz.reduce.knn`).

openTSNE's own "exact" index is scikit-learn's brute-force search, followed for cosine by one
scipy ``cdist`` call per row to recompute the distances; this gives the same neighbours and
distances (1 - cosine similarity, or euclidean) from float32 BLAS in chunks, and serves
``transform``'s queries the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openTSNE.nearest_neighbors import KNNIndex

from embviz.reduce.knn import METRICS, knn_query

# Scores held at once. A block's partial sort holds int64 indices of the whole block too, so
# knn.py's 16M cells made a 10,000-row fit peak at ~250 MB, more than a 100k x 384 matrix's
# 147 MB; 2M cells (200 rows of 10,000) keep it to ~30 MB at the same speed.
CHUNK_CELLS = 1 << 21


class ExactNeighbors(KNNIndex):  # type: ignore[misc]  # openTSNE has no type hints
    VALID_METRICS = list(METRICS)

    def __init__(self, data: np.ndarray, k: int, metric: str = "cosine", **kwargs: Any) -> None:
        super().__init__(data, k, metric=metric, **kwargs)

    def build(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's k nearest other rows (itself left out), as openTSNE's indexes return."""
        n = len(self.data)
        indices, distances = knn_query(
            self.data,
            self.data,
            self.k + 1,
            self.metric,
            self_rows=np.arange(n),
            chunk_cells=CHUNK_CELLS,
        )
        return indices[:, 1:], distances[:, 1:]

    def query(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return knn_query(self.data, query, k, self.metric, chunk_cells=CHUNK_CELLS)
