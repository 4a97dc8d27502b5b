"""Polysemy: how one word's occurrences spread across contexts, layer by layer.

The measures follow Ethayarajh (2019), "How Contextual are Contextualized Word Representations?":
self-similarity (mean cosine over all pairs of the word's occurrences), intra-sentence similarity
(mean cosine between each word of a sentence and the sentence's mean vector, averaged over the
sentences) and maximum explainable variance (sigma_1^2 / sum sigma_i^2 of the *uncentred*
occurrence matrix). The anisotropy baseline is the mean cosine between occurrences of different
words drawn at random (seeded) from the same sentences; each measure is also given minus it.
Pure numpy; scikit-learn (clustering, silhouette) is imported inside the functions that use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_BASELINE_PAIRS = 2000
MAX_CLUSTERS = 6


def unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    scaled: np.ndarray = x / np.where(norms == 0, 1.0, norms)
    return scaled


def cosine_matrix(x: np.ndarray) -> np.ndarray:
    u = unit(x)
    gram: np.ndarray = u @ u.T
    return gram


def self_similarity(occurrences: np.ndarray) -> float:
    """Mean cosine over all pairs (i < j) of the word's occurrences; NaN with fewer than two."""
    n = len(occurrences)
    if n < 2:
        return float("nan")
    g = cosine_matrix(occurrences)
    return float((g.sum() - np.trace(g)) / (n * (n - 1)))


def intra_sentence_similarity(words: np.ndarray, sentence_of: np.ndarray) -> float:
    """Mean over sentences of the mean cosine between each word and its sentence's mean vector."""
    values = []
    for s in np.unique(sentence_of):
        rows = np.asarray(words[sentence_of == s], dtype=np.float64)
        values.append(float(np.mean(unit(rows) @ unit(rows.mean(axis=0)))))
    return float(np.mean(values)) if values else float("nan")


def mev(occurrences: np.ndarray) -> float:
    """Share of the uncentred occurrence matrix's energy on its first singular direction."""
    s = np.linalg.svd(np.asarray(occurrences, dtype=np.float64), compute_uv=False)
    total = float(np.sum(s**2))
    return float(s[0] ** 2 / total) if total > 0 else float("nan")


def baseline_pairs(
    word_texts: Sequence[str], max_pairs: int = MAX_BASELINE_PAIRS, seed: int = 0
) -> np.ndarray:
    """(p, 2) indices of occurrences of *different* words: all such pairs when there are at most
    ``max_pairs``, else ``max_pairs`` drawn at random with ``seed``."""
    keys = np.array([t.lower() for t in word_texts])
    n = len(keys)
    if n * (n - 1) // 2 <= max_pairs:
        i, j = np.triu_indices(n, 1)
        keep = keys[i] != keys[j]
        return np.stack([i[keep], j[keep]], axis=1)
    rng, chunks, count = np.random.default_rng(seed), [], 0
    while count < max_pairs:
        i, j = rng.integers(0, n, max_pairs), rng.integers(0, n, max_pairs)
        keep = keys[i] != keys[j]
        if not keep.any():
            break
        chunks.append(np.stack([i[keep], j[keep]], axis=1))
        count += int(keep.sum())
    return np.concatenate(chunks)[:max_pairs] if chunks else np.zeros((0, 2), dtype=int)


def baseline(words: np.ndarray, pairs: np.ndarray) -> float:
    if len(pairs) == 0:
        return float("nan")
    u = unit(words)
    return float(np.mean(np.sum(u[pairs[:, 0]] * u[pairs[:, 1]], axis=1)))


def group_order(labels: Sequence[str]) -> np.ndarray:
    """Indices that put equal labels together, groups in order of first appearance."""
    first: dict[str, int] = {}
    for label in labels:
        first.setdefault(label, len(first))
    return np.argsort([first[label] for label in labels], kind="stable")


def sense_similarity(occurrences: np.ndarray, labels: Sequence[str]) -> tuple[float, float]:
    """(mean cosine within the same sense, mean cosine across senses), pairs i != j."""
    names = np.asarray(labels)
    g = cosine_matrix(occurrences)
    same = names[:, None] == names[None, :]
    np.fill_diagonal(same, False)
    across = names[:, None] != names[None, :]
    within_v = float(g[same].mean()) if same.any() else float("nan")
    return within_v, float(g[across].mean()) if across.any() else float("nan")


def auto_clusters(x: np.ndarray, max_k: int = MAX_CLUSTERS) -> tuple[np.ndarray, int, float]:
    """(labels, k, silhouette): Ward clustering of the unit vectors, k in 2..max_k chosen by the
    cosine silhouette; numbered by first appearance. Deterministic (no random start)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    u = unit(x)
    n = len(u)
    best = (np.zeros(n, dtype=int), 1, float("nan"))
    for k in range(2, min(max_k, n - 1) + 1):
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(u)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(u, labels, metric="cosine"))
        if np.isnan(best[2]) or score > best[2] + 1e-12:
            best = (labels, k, score)
    labels = best[0]
    renumber = {c: i for i, c in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([renumber[c] for c in labels.tolist()], dtype=int), best[1], best[2]
