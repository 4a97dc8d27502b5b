"""One word's occurrence maps for every layer at once, aligned across layers.

Each layer's occurrences are the same rows (occurrence i at layer k and k+1 is one token), so a
layout method that aligns a sequence of sets (``embviz.reduce.aligned.aligned_layouts``: PCA or
t-SNE Procrustes-aligned to the previous layer, or AlignedUMAP) puts an occurrence near where it
was one layer before: the lab's layer slider then moves points instead of drawing a new map.

The static vector's marker: with aligned PCA it is projected with the layer's PCA (as the
unaligned map places it, see ``placement``) and then moved with the same rotation and shift that
aligned that layer's occurrences (recovered exactly by least squares: a rigid map of 2-D points is
linear); t-SNE and UMAP have no transform, so it sits on its nearest occurrence and says so.

The layout function is passed in (the core imports no reducer), as for ``map_task``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from embviz.core.polysemy.analysis import PolysemyResult
from embviz.core.polysemy.placement import (
    PolysemyMap,
    StaticMarker,
    pca_fit,
    pca_place,
    static_marker,
)
from embviz.core.tasks import Progress, Task

# the lab's map methods -> the aligned layout that keeps each one's idea of a map
ALIGNED_METHODS = {"pca": "pca", "tsne": "tsne", "umap": "aligned-umap"}
ALIGNED_NOTE = " Moved with its layer's occurrences when the layers were aligned."

AlignedLayouts = Callable[..., Task[list[np.ndarray]]]


def identity_relations(n_rows: int, n_sets: int) -> list[dict[int, int]]:
    """Row i of each layer is row i of the next (the same occurrence)."""
    return [{i: i for i in range(n_rows)} for _ in range(max(n_sets - 1, 0))]


def aligned_marker(
    result: PolysemyResult, layer: int, method: str, coords: np.ndarray
) -> StaticMarker | None:
    """The static vector's marker on the aligned map ``coords`` of ``layer``."""
    if method != "pca":
        return static_marker(result, layer, method, coords)
    vectors = result.at(layer).astype(np.float64)
    mean, components = pca_fit(vectors, coords.shape[1])
    own = pca_place(vectors, mean, components)
    if own.shape[1] < coords.shape[1]:
        own = np.pad(own, ((0, 0), (0, coords.shape[1] - own.shape[1])))
    marker = static_marker(result, layer, "pca", own)
    if marker is None:
        return None
    ones = np.ones((len(own), 1))
    transform, *_ = np.linalg.lstsq(np.hstack([own, ones]), coords, rcond=None)
    position = np.append(np.asarray(marker.position, np.float64), 1.0) @ transform
    return StaticMarker(position, marker.exact, marker.nearest, marker.note + ALIGNED_NOTE)


def aligned_maps_task(
    layouts: AlignedLayouts,
    result: PolysemyResult,
    method: str,
    seed: int = 0,
    params: dict[str, Any] | None = None,
) -> Task[dict[int, PolysemyMap]]:
    """Every layer's 2-D map of ``result``, aligned across layers with ``layouts``."""
    if method not in ALIGNED_METHODS:
        raise ValueError(f"no aligned layout for {method!r}; one of {', '.join(ALIGNED_METHODS)}")
    sets: Sequence[np.ndarray] = [result.at(layer) for layer in result.layers]
    relations = identity_relations(len(result.occurrences), len(sets))
    task = layouts(sets, relations, ALIGNED_METHODS[method], seed, **(params or {}))
    coords = yield from task
    yield Progress(1.0, f"{result.word}: placing the static vector")
    maps: dict[int, PolysemyMap] = {}
    for layer, xy in zip(result.layers, coords, strict=True):
        xy = np.asarray(xy, dtype=np.float64)
        maps[layer] = PolysemyMap(xy, aligned_marker(result, layer, method, xy), method, 2)
    return maps
