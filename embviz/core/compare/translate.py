"""Translation / retrieval: a word of A -> the nearest words of B through the map.

Plain retrieval ranks B's words by cosine with the mapped vector, over all of B, as gensim's
``TranslationMatrix.translate`` does (it ranks by the dot product of B's unit rows with the mapped
unit source row, which orders the same; the score given here is the cosine). ``csls=True`` ranks
by CSLS instead (Conneau et al. 2018; :mod:`embviz.core.csls`), which pushes hubs (words near
every query) down.

Accuracy@k on a test dictionary: a source word counts as right when any of its listed
translations is among the k best (as MUSE counts it); pairs whose words are missing are skipped
and counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from embviz.core.compare.alignment import Alignment
from embviz.core.compare.comparison import Comparison
from embviz.core.csls import (
    DEFAULT_K,
    csls_retrieve,
    mean_top_similarity_task,
    row_blocks,
    unit_rows,
)
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import top_k
from embviz.core.tasks import Task, run_task

Ranked = list[tuple[str, float]]


def _alignment(via: Comparison | Alignment) -> Alignment:
    return via.alignment if isinstance(via, Comparison) else via


def _targets(alignment: Alignment) -> np.ndarray:
    if "targets_unit" not in alignment.cache:
        alignment.cache["targets_unit"] = unit_rows(alignment.prepared_b())
    out: np.ndarray = alignment.cache["targets_unit"]
    return out


def prepare_csls_task(via: Comparison | Alignment, csls_k: int = DEFAULT_K) -> Task[np.ndarray]:
    """CSLS's ``r_S`` of every word of B (its mean cosine to its ``csls_k`` nearest mapped words
    of A), computed once per alignment and kept: a task, as it is |B| x |A| similarities. Run it
    in a worker before CSLS translations of a large pair of sets; :func:`translate` then only
    searches."""
    alignment = _alignment(via)
    key = f"csls_r_targets_{csls_k}"
    if key not in alignment.cache:
        mapped = unit_rows(alignment.mapped_a())
        task = mean_top_similarity_task(_targets(alignment), mapped, csls_k)
        alignment.cache[key] = yield from task
    out: np.ndarray = alignment.cache[key]
    return out


def _r_targets(alignment: Alignment, csls_k: int) -> np.ndarray:
    return run_task(prepare_csls_task(alignment, csls_k))


def retrieve(
    alignment: Alignment, rows: np.ndarray, k: int, csls: bool = False, csls_k: int = DEFAULT_K
) -> tuple[np.ndarray, np.ndarray]:
    """(rows of B, scores), each len(rows) x k, best first, for rows of A."""
    if k < 1:
        raise EmbvizError(f"k must be at least 1, got {k}.")
    queries = unit_rows(alignment.mapped_a()[rows])
    targets = _targets(alignment)
    k = min(k, len(targets))
    if csls:
        return csls_retrieve(
            queries,
            unit_rows(alignment.mapped_a()),
            targets,
            k,
            csls_k,
            r_targets=_r_targets(alignment, csls_k),
        )
    out_rows = np.empty((len(queries), k), dtype=np.int64)
    out_scores = np.empty((len(queries), k), dtype=np.float64)
    for start, stop in row_blocks(len(queries), len(targets)):
        sims = queries[start:stop] @ targets.T
        best = top_k(sims, k)
        out_rows[start:stop] = best
        out_scores[start:stop] = np.take_along_axis(sims, best, axis=1)
    return out_rows, out_scores


def translate(
    words: Sequence[str],
    via: Comparison | Alignment,
    k: int = 5,
    csls: bool = False,
    csls_k: int = DEFAULT_K,
) -> dict[str, Ranked]:
    """For each word of A: the ``k`` nearest words of B through the map, with their scores
    (cosine, or CSLS when ``csls``). EmbvizError naming the words that A does not hold."""
    alignment = _alignment(via)
    a, b = alignment.pairing.a, alignment.pairing.b
    absent = [w for w in words if w not in a]
    if absent:
        shown = ", ".join(repr(w) for w in absent[:5])
        more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
        raise EmbvizError(f"{a.name} does not hold {shown}{more}: nothing to translate.")
    rows = np.asarray([a.index_of(w) for w in words], dtype=np.int64)
    found, scores = retrieve(alignment, rows, k, csls, csls_k)
    return {
        word: [(b.labels[int(r)], float(s)) for r, s in zip(found[i], scores[i], strict=True)]
        for i, word in enumerate(words)
    }


def accuracy(
    via: Comparison | Alignment,
    test_pairs: Iterable[tuple[str, str]],
    ks: Sequence[int] = (1, 5),
    csls: bool = False,
    csls_k: int = DEFAULT_K,
) -> dict[str, Any]:
    """Accuracy@k for each k in ``ks`` on a test dictionary of (source, target) pairs."""
    alignment = _alignment(via)
    a, b = alignment.pairing.a, alignment.pairing.b
    gold: dict[str, set[int]] = {}
    skipped = 0
    for s, t in test_pairs:
        if s in a and t in b:
            gold.setdefault(s, set()).add(b.index_of(t))
        else:
            skipped += 1
    if not gold:
        raise EmbvizError(
            f"No test pair has its source word in {a.name} and its target word in {b.name}."
        )
    words = list(gold)
    rows = np.asarray([a.index_of(w) for w in words], dtype=np.int64)
    found, _ = retrieve(alignment, rows, max(ks), csls, csls_k)
    out: dict[str, Any] = {"words": len(words), "skipped_pairs": skipped, "csls": csls}
    for k in ks:
        hits = sum(bool(gold[w] & set(found[i, :k].tolist())) for i, w in enumerate(words))
        out[f"at{k}"] = hits / len(words)
    return out
