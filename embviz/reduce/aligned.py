"""Aligned 2-D layouts for a sequence of sets (epochs, layers, languages, files), so that a word
sits in about the same place in each.

The sets are linked by ``relations``: one dict per consecutive pair, ``{row in set i: row in set
i+1}`` (the form ``umap.AlignedUMAP`` takes), built from shared labels or from pairs
(:mod:`embviz.core.compare.sequence`). Methods:

- ``"aligned-umap"``: ``umap.AlignedUMAP(...).fit(sets, relations=relations)``, cosine metric;
  one fit for all sets, in a child process that Cancel kills (umap-learn's numba code cannot be
  interrupted; the task reports the seconds waited while it runs).
- ``"pca"``: each set's own PCA (2 components), then each layout rotated/reflected onto the
  previous (aligned) one with ``scipy.linalg.orthogonal_procrustes`` on the shared points, centred
  on their means. No scaling, so distances inside a layout are kept.
- ``"tsne"``: openTSNE on the first set (PCA start); each next set starts from the previous
  layout (shared rows at their previous place, other rows at their nearest shared row's place),
  then is Procrustes-aligned as for PCA.

All are generator tasks (:mod:`embviz.core.tasks`) that return one N_i x 2 float32 array per set.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task

METHODS = ("aligned-umap", "pca", "tsne")
Relations = list[dict[int, int]]


def check_relations(sizes: Sequence[int], relations: Relations) -> None:
    if len(relations) != len(sizes) - 1:
        raise EmbvizError(
            f"{len(sizes)} sets need {len(sizes) - 1} relations (one per consecutive pair), "
            f"got {len(relations)}."
        )
    for i, rel in enumerate(relations):
        if not rel:
            raise EmbvizError(
                f"Sets {i + 1} and {i + 2} share no points, so their layouts cannot be aligned."
            )
        bad = [(s, t) for s, t in rel.items() if not (0 <= s < sizes[i] and 0 <= t < sizes[i + 1])]
        if bad:
            raise EmbvizError(f"Relation {i + 1}: rows {bad[:3]} are outside the sets.")


def procrustes_onto(layout: np.ndarray, reference: np.ndarray, pairs: dict[int, int]) -> np.ndarray:
    """``layout`` rotated/reflected (and shifted) so that its shared points best match
    ``reference``'s: ``pairs`` maps a row of ``reference`` to a row of ``layout``."""
    from scipy.linalg import orthogonal_procrustes

    ref_rows = np.fromiter(pairs.keys(), dtype=np.int64, count=len(pairs))
    own_rows = np.fromiter(pairs.values(), dtype=np.int64, count=len(pairs))
    ref = np.asarray(reference, dtype=np.float64)[ref_rows]
    own = np.asarray(layout, dtype=np.float64)[own_rows]
    ref_mean, own_mean = ref.mean(axis=0), own.mean(axis=0)
    rotation, _ = orthogonal_procrustes(own - own_mean, ref - ref_mean)
    out: np.ndarray = ((np.asarray(layout, np.float64) - own_mean) @ rotation + ref_mean).astype(
        np.float32
    )
    return out


def _pca_layout(x: np.ndarray) -> np.ndarray:
    from embviz.reduce.pca import pca_components

    mean, components, _ = pca_components(x, 2)
    coords = (np.asarray(x, dtype=np.float64) - mean) @ components.T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    out: np.ndarray = coords.astype(np.float32)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    out: np.ndarray = x / norms
    return out


def _start_from(previous: np.ndarray, x: np.ndarray, rel: dict[int, int]) -> np.ndarray:
    """A start for set i+1: shared rows where they were, others at their nearest shared row."""
    start = np.zeros((len(x), 2), dtype=np.float64)
    prev_rows = np.fromiter(rel.keys(), dtype=np.int64, count=len(rel))
    own_rows = np.fromiter(rel.values(), dtype=np.int64, count=len(rel))
    start[own_rows] = previous[prev_rows]
    others = np.setdiff1d(np.arange(len(x)), own_rows)
    if len(others):
        u = _unit(x)
        nearest = np.argmax(u[others] @ u[own_rows].T, axis=1)
        start[others] = start[own_rows[nearest]]
    return start


def _tsne(
    x: np.ndarray, init: np.ndarray | None, params: dict[str, Any], seed: int, label: str
) -> Task[np.ndarray]:
    from openTSNE import TSNE

    from embviz.reduce.tsne import initial_layout, scaled

    x = scaled(x)
    continued = init is not None
    # the first set: openTSNE's own PCA start (std 1e-4) and early exaggeration; a next set goes on
    # from the previous layout at its own scale, without exaggeration (which would pull the
    # arrangement apart again), as openTSNE continues an embedding
    init = initial_layout(x, 2, seed, True) if init is None else np.ascontiguousarray(init)
    perplexity = min(float(params.get("perplexity", 30.0)), (len(x) - 1) / 3)
    tsne = TSNE(
        n_components=2,
        perplexity=perplexity,
        metric="cosine",
        initialization=init,
        neighbors="exact" if len(x) <= 20_000 else "auto",
        n_jobs=1,
        random_state=seed,
    )
    log = logging.getLogger("openTSNE.tsne")  # "std greater than 0.0001": on purpose here
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        embedding = tsne.prepare_initial(x)
    finally:
        log.setLevel(level)
    early = 0 if continued else int(params.get("early_iterations", 250))
    later = int(params.get("iterations", 500))
    done = 0
    for n_iter, exaggeration in ((early, 12.0), (later, None)):
        left = n_iter
        while left > 0:
            chunk = min(25, left)
            embedding = embedding.optimize(
                chunk, exaggeration=exaggeration, momentum=0.8, inplace=True
            )
            left -= chunk
            done += chunk
            yield Progress(done / max(early + later, 1), f"{label}: t-SNE iteration {done}")
    return np.asarray(embedding, dtype=np.float32)


def _aligned_umap(
    sets: list[np.ndarray], relations: Relations, params: dict[str, Any], seed: int
) -> Task[list[np.ndarray]]:
    """umap-learn's AlignedUMAP in a child process (embviz.core.child_call): its numba code
    cannot be interrupted, so in a thread a cancelled fit went on using the cores until it ended;
    the child is killed on Cancel instead."""
    from embviz.core.child_call import ChildCall

    options = {
        "n_neighbors": min(int(params.get("n_neighbors", 15)), min(len(x) for x in sets) - 1),
        "min_dist": float(params.get("min_dist", 0.1)),
        "metric": "cosine",
        "random_state": seed,
        "alignment_regularisation": float(params.get("alignment_regularisation", 0.01)),
        "alignment_window_size": int(params.get("alignment_window_size", 3)),
    }
    child = ChildCall("embviz.reduce.aligned", warm=("umap",))
    message = f"AlignedUMAP: fitting {len(sets)} sets"
    try:
        layouts: list[np.ndarray] = yield from child.run(
            "fit_aligned_umap", sets, relations, options, message=message, timed=True
        )
    except EmbvizError:
        raise
    except Exception as exc:  # raised in the child by umap-learn
        raise EmbvizError(f"AlignedUMAP failed: {exc}") from exc
    return layouts


def fit_aligned_umap(
    sets: list[np.ndarray], relations: Relations, options: dict[str, Any]
) -> list[np.ndarray]:
    """``umap.AlignedUMAP(**options).fit(sets, relations=relations).embeddings_`` as float32
    (what the child process of ``_aligned_umap`` runs)."""
    import umap

    model = umap.AlignedUMAP(**options).fit(sets, relations=relations)
    return [np.asarray(e, dtype=np.float32) for e in model.embeddings_]


def aligned_layouts(
    sets: Sequence[np.ndarray],
    relations: Relations,
    method: str = "pca",
    seed: int = 0,
    **params: Any,
) -> Task[list[np.ndarray]]:
    """One aligned N_i x 2 layout per set of vectors (see the module's docstring)."""
    if method not in METHODS:
        raise EmbvizError(f"Unknown aligned layout {method!r}: choose one of {', '.join(METHODS)}.")
    arrays = [np.asarray(x, dtype=np.float32) for x in sets]
    if len(arrays) < 1:
        raise EmbvizError("An aligned layout needs at least one set.")
    check_relations([len(x) for x in arrays], relations)
    for i, x in enumerate(arrays):
        if len(x) < 3 or not np.isfinite(x).all():
            raise EmbvizError(
                f"Set {i + 1} of the sequence has {len(x)} rows or non-finite values: an aligned "
                "layout needs at least 3 rows of finite values in each set."
            )
    if method == "aligned-umap":
        yield Progress(0.0, "AlignedUMAP: starting")
        layouts = yield from _aligned_umap(arrays, relations, params, seed)
        yield Progress(1.0, "AlignedUMAP: done")
        return layouts
    out: list[np.ndarray] = []
    for i, x in enumerate(arrays):
        label = f"set {i + 1} of {len(arrays)}"
        yield Progress(i / len(arrays), f"{label}: {method}")
        if method == "pca":
            layout = _pca_layout(x)
        else:
            init = None if i == 0 else _start_from(out[-1], x, relations[i - 1])
            layout = yield from _tsne(x, init, params, seed, label)
        if i > 0:
            layout = procrustes_onto(layout, out[-1], relations[i - 1])
        out.append(layout)
    yield Progress(1.0, f"{method}: {len(out)} aligned layouts")
    return out
