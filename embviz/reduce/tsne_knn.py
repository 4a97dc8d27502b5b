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

# Scores held at once: 2M cells (8 MB of float32). Chosen when knn.py's partial sort also held
# int64 positions of the whole block (its 16M cells made a 10,000-row fit peak at ~250 MB); knn.py
# now merges blocks into running lists without them, so this is conservative, not measured anew.
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
