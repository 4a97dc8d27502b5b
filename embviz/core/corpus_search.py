"""Semantic search in a corpus: exact cosine similarity between a query vector and every
document vector (the original vectors, never the map)."""

from __future__ import annotations

import numpy as np

BLOCK = 65536  # rows scored at a time: bounded memory for millions of documents


def cosine_scores(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of ``query`` (D,) with each row of ``vectors`` (N x D); a zero row or a
    zero query scores 0."""
    query = np.asarray(query, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(query))
    scores = np.zeros(len(vectors), dtype=np.float64)
    if norm == 0:
        return scores
    unit = query / norm
    for start in range(0, len(vectors), BLOCK):
        block = np.asarray(vectors[start : start + BLOCK], dtype=np.float64)
        norms = np.linalg.norm(block, axis=1)
        dots = block @ unit
        scores[start : start + BLOCK] = np.divide(
            dots, norms, out=np.zeros_like(dots), where=norms > 0
        )
    return scores


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` highest scores, best first; ties keep row order."""
    k = max(0, min(int(k), len(scores)))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        candidates = np.argpartition(-scores, k - 1)[:k]
        threshold = scores[candidates].min()
        candidates = np.flatnonzero(scores >= threshold)  # every row tied at the boundary
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    result: np.ndarray = candidates[order][:k].astype(np.int64)
    return result


def search_vectors(vectors: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the ``k`` documents most similar to ``query``, best first."""
    scores = cosine_scores(vectors, query)
    rows = top_k(scores, k)
    return rows, scores[rows]
