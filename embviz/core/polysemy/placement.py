"""Where the word's static vector goes on the occurrence map (2-D or 3-D).

PCA has an exact transform: the static vector is projected with the PCA fitted on the
occurrences (their mean and components, signs matched to the layout drawn). The static set is
compared by cosine, and its vectors are unit length while the occurrences are about ten times
longer, so the vector is first scaled to the occurrences' mean length; unscaled, it would land
far outside the cloud for a reason that has nothing to do with its direction. t-SNE and UMAP
have no transform for a new point here, so the marker sits on its nearest occurrence by cosine,
and says so.

The static set lives in the space of the model's last layer (see ``static``): at other layers the
marker is shown but its tooltip says it means little there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from embviz.core.polysemy.analysis import PolysemyResult
from embviz.core.projection import Projection
from embviz.core.tasks import Progress, Task

NO_TRANSFORM = "placed at its nearest occurrence; t-SNE/UMAP have no exact transform here"


@dataclass
class StaticMarker:
    position: np.ndarray  # (dims,) in the map's coordinates
    exact: bool  # projected (PCA) rather than placed on its nearest occurrence
    nearest: int | None  # the occurrence most like the static vector (cosine)
    note: str  # what the tooltip says, plain text


@dataclass
class PolysemyMap:
    """One word's map at one layer: the occurrences' coordinates and the static marker."""

    coords: np.ndarray  # (n_occurrences, dims)
    marker: StaticMarker | None
    method: str
    dims: int


def pca_fit(vectors: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, components k x D) of the rows, with scikit-learn's signs (the largest-magnitude
    loading of each component positive), so ``pca_place`` matches ``PCA.transform``."""
    x = np.asarray(vectors, dtype=np.float64)
    mean = x.mean(axis=0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    components = vt[: min(n_components, len(vt))]
    biggest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), biggest])
    signs[signs == 0] = 1
    return mean, components * signs[:, None]


def pca_place(points: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Points (m x D, or one D-vector) in the coordinates of a fitted PCA."""
    placed: np.ndarray = (np.asarray(points, dtype=np.float64) - mean) @ components.T
    return placed


def pca_place_like(vectors: np.ndarray, coords: np.ndarray, point: np.ndarray) -> np.ndarray:
    """``point`` in the PCA layout ``coords`` of ``vectors`` (the first components, as the PCA
    reducer draws them by default): fitted here, each axis's sign matched to the layout."""
    dims = coords.shape[1]
    mean, components = pca_fit(vectors, dims)
    fitted = pca_place(vectors, mean, components)
    position = np.zeros(dims)
    for axis in range(min(dims, fitted.shape[1])):
        sign = -1.0 if float(fitted[:, axis] @ coords[:, axis]) < 0 else 1.0
        position[axis] = sign * float(pca_place(point, mean, components[axis : axis + 1])[0])
    return position


def static_marker(
    result: PolysemyResult, layer: int, method: str, coords: np.ndarray
) -> StaticMarker | None:
    """The marker for ``result``'s static vector on the map ``coords`` of ``layer``, or None
    when there is no static vector (no static set, other dims, word not in the set)."""
    view = result.static.get(layer)
    if view is None or view.vector is None or view.nearest_occurrence is None:
        return None
    coords = np.asarray(coords, dtype=np.float64)
    nearest = int(view.nearest_occurrence)
    vectors = result.at(layer).astype(np.float64)
    cos = float(vectors[nearest] @ view.vector / (np.linalg.norm(vectors[nearest]) or 1.0))
    where = f"static vector of '{result.word}' ({view.set_name or 'static set'})"
    if method == "pca":
        scale = float(np.linalg.norm(vectors, axis=1).mean())
        position = pca_place_like(vectors, coords, view.vector * scale)
        note = (
            f"{where}, scaled to the occurrences' mean length and projected with the same PCA "
            f"(mean and components). Nearest occurrence: #{nearest + 1}, cos {cos:.2f}."
        )
        exact = True
    else:
        position, exact = coords[nearest].copy(), False
        note = f"{where}: {NO_TRANSFORM} (#{nearest + 1}, cos {cos:.2f})."
    if view.last_layer is not None and layer != view.last_layer:
        note += (
            f" The static set lives in the model's last-layer (layer {view.last_layer}) "
            f"sentence-embedding space; at layer {layer} this position means little."
        )
    return StaticMarker(position, exact, nearest, note)


class LayoutMethod(Protocol):
    """What :func:`map_task` needs of a reducer (embviz.reduce.base.Reducer fits)."""

    @property
    def name(self) -> str: ...

    def run(self, vectors: np.ndarray, params: Any, dims: int = 2) -> Task[Projection]: ...


def map_task(
    reducer: LayoutMethod, params: Any, result: PolysemyResult, layer: int, dims: int
) -> Task[PolysemyMap]:
    """Project ``result``'s occurrences at ``layer`` with ``reducer`` (a registered reducer,
    passed in: the core imports no reducer) and place the static marker on the layout."""
    projection = yield from reducer.run(result.at(layer), params, dims)
    coords = np.asarray(projection.coords, dtype=np.float64)[:, :dims]
    if coords.shape[1] < dims:
        coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))
    yield Progress(1.0, "placing the static vector")
    marker = static_marker(result, layer, reducer.name, coords)
    return PolysemyMap(coords, marker, reducer.name, dims)
