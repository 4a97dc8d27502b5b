"""The static view beside the contextual one: what each sense's centroid is closest to in a
static set (the demo set by default), and where the word's own static vector sits.

Cosine on unit vectors. The demo set holds all-MiniLM-L6-v2 words embedded alone (mean pooling of
the last layer), so it lives in the space of the model's last layer; at lower layers the
neighbours say less, and the view says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.polysemy.measures import group_order, unit

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet


@dataclass
class StaticView:
    layer: int
    neighbours: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    word_similarity: dict[str, float] = field(
        default_factory=dict
    )  # group -> cos(static, centroid)
    nearest_occurrence: int | None = None  # the occurrence most like the static vector
    note: str = ""
    vector: np.ndarray | None = None  # the word's static vector, unit length
    set_name: str = ""
    last_layer: int | None = None  # the model's last layer: the space the static set lives in


def static_view(
    eset: EmbeddingSet | None,
    vectors: np.ndarray,
    groups: list[str],
    word: str,
    layer: int,
    k: int = 6,
) -> StaticView:
    """Nearest static neighbours of each group's centroid, and the static word against them."""
    view = StaticView(layer)
    if eset is not None:
        view.set_name = eset.name
    if eset is None:
        view.note = "no static set"
        return view
    if eset.dims != vectors.shape[1]:
        view.note = (
            f"{eset.name} has {eset.dims} dims, the model {vectors.shape[1]}: not comparable"
        )
        return view
    table = eset.unit_vectors()
    labels = np.asarray(groups)
    static_row = next((eset.index_of(w) for w in (word, word.lower()) if w in eset), None)
    static_vector = None if static_row is None else unit(table[static_row])
    names = [labels[i] for i in group_order(list(labels))]
    for name in dict.fromkeys(names):
        members = unit(vectors[labels == name])
        centroid = unit(members.mean(axis=0))
        sims = table @ centroid.astype(np.float32)
        top = np.argpartition(-sims, min(k, len(sims) - 1))[: k + 1]
        top = top[np.argsort(-sims[top])]
        view.neighbours[name] = [(eset.labels[i], float(sims[i])) for i in top if i != static_row][
            :k
        ]
        if static_vector is not None:
            view.word_similarity[name] = float(centroid @ static_vector)
    view.vector = static_vector
    if static_vector is not None:
        view.nearest_occurrence = int(np.argmax(unit(vectors) @ static_vector))
    else:
        view.note = f"{word!r} is not in {eset.name}"
    return view
