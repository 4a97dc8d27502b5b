"""A sequence of sets to lay out aligned: several files, the epochs of a training run, the layers
of a transformer. Consecutive sets are linked by relations ``{row in set i: row in set i+1}``
(shared labels, or pairs), the input of :func:`embviz.reduce.aligned.aligned_layouts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.compare.pairing import Pairing
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Task


def relations_by_label(sets: Sequence[EmbeddingSet]) -> list[dict[int, int]]:
    """For each consecutive pair of sets: row in set i -> row of the same label in set i+1."""
    out: list[dict[int, int]] = []
    for here, there in zip(sets[:-1], sets[1:], strict=True):
        out.append(
            {i: there.index_of(label) for i, label in enumerate(here.labels) if label in there}
        )
    return out


def relations_from_pairings(pairings: Sequence[Pairing]) -> list[dict[int, int]]:
    """Relations from one pairing per consecutive pair (one-to-one pairs only)."""
    out: list[dict[int, int]] = []
    for pairing in pairings:
        rows_a, rows_b = pairing.one_to_one()
        out.append(dict(zip(rows_a.tolist(), rows_b.tolist(), strict=True)))
    return out


@dataclass
class SetSequence:
    sets: list[EmbeddingSet]
    relations: list[dict[int, int]]
    names: list[str]

    def __len__(self) -> int:
        return len(self.sets)

    def vectors(self) -> list[np.ndarray]:
        return [np.asarray(s.vectors) for s in self.sets]

    def layouts(self, method: str = "pca", seed: int = 0, **params: Any) -> Task[list[np.ndarray]]:
        """A task that returns one aligned N_i x 2 layout per set."""
        from embviz.reduce.aligned import aligned_layouts

        return aligned_layouts(self.vectors(), self.relations, method, seed, **params)


def sequence_from_sets(
    sets: Sequence[EmbeddingSet],
    pairings: Sequence[Pairing] | None = None,
    names: Sequence[str] | None = None,
) -> SetSequence:
    """Sets linked by shared labels (or by ``pairings``, one per consecutive pair)."""
    sets = list(sets)
    if not sets:
        raise EmbvizError("A sequence needs at least one set.")
    if pairings is None:
        relations = relations_by_label(sets)
    else:
        if len(pairings) != len(sets) - 1:
            raise EmbvizError(
                f"{len(sets)} sets need {len(sets) - 1} pairings, got {len(pairings)}."
            )
        relations = relations_from_pairings(pairings)
    for i, rel in enumerate(relations):
        if not rel:
            raise EmbvizError(
                f"{sets[i].name} and {sets[i + 1].name} share no labels: they cannot be aligned."
            )
    return SetSequence(sets, relations, list(names) if names else [s.name for s in sets])


def sequence_from_arrays(
    labels: Sequence[Sequence[str]] | Sequence[str],
    arrays: Sequence[np.ndarray],
    names: Sequence[str] | None = None,
) -> SetSequence:
    """Arrays that share one list of labels (polysemy layers: occurrence vectors per layer), or
    one list of labels per array."""
    if labels and isinstance(labels[0], str):
        per_set = [list(labels) for _ in arrays]
    else:
        per_set = [list(ls) for ls in labels]
    if len(per_set) != len(arrays):
        raise EmbvizError(f"{len(arrays)} arrays but {len(per_set)} lists of labels.")
    names = list(names) if names else [f"{i + 1}" for i in range(len(arrays))]
    sets = [
        EmbeddingSet([str(x) for x in ls], np.asarray(a, dtype=np.float32), name=name)
        for ls, a, name in zip(per_set, arrays, names, strict=True)
    ]
    return sequence_from_sets(sets, names=names)


def sequence_from_layers(
    vectors: np.ndarray, labels: Sequence[str], layers: Sequence[int]
) -> SetSequence:
    """Polysemy layers: ``vectors`` (n_occurrences, n_layers, dims), as
    :class:`embviz.core.polysemy.analysis` holds them, one set per layer."""
    arrays = [np.asarray(vectors[:, i]) for i in range(vectors.shape[1])]
    return sequence_from_arrays(list(labels), arrays, [f"layer {layer}" for layer in layers])


def sequence_from_epochs(trained: EmbeddingSet) -> SetSequence:
    """The kept epochs of a set trained in embviz (``embviz.models.gensim_train.train``)."""
    from embviz.models.epoch_snapshots import snapshots_of

    snapshots = snapshots_of(trained)
    if snapshots is None or not snapshots.kept:
        raise EmbvizError(
            f"{trained.name} holds no epoch snapshots: only a set trained in embviz keeps them."
        )
    sets = snapshots.sets()
    identity = {i: i for i in range(len(snapshots.labels))}
    return SetSequence(sets, [dict(identity) for _ in sets[1:]], [s.name for s in sets])
