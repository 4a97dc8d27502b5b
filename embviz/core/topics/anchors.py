"""Where each topic sits on a layout, read from the topic columns of a set.

The map draws topics from the set's metadata columns (see :mod:`embviz.core.corpus`), not from a
separate object: a renamed topic, a new projection or another set is drawn as it is, and nothing
stale can show. A cluster's anchor is the member nearest the members' mean, so it lies on the
cluster even when the cluster is curved (a mean could fall in a gap). The flat map measures in
the layout's first two columns; the 3-D map (``dims=3``) in its first three, so an anchor there
is a member nearest the mean in space, not in one face of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embviz.core.topics.columns import level_columns


@dataclass(frozen=True)
class MapTopic:
    level: int  # 0 = coarse
    cluster: int
    name: str
    x: float
    y: float
    size: int
    parent: int | None  # the coarser level's cluster (None at level 0)
    spots: tuple[tuple[float, ...], ...] = ()  # other members to put the name on, nearest first
    z: float = 0.0  # third coordinate of the anchor (0 on the flat map)


SPOT_FRACTIONS = (
    0.15,
    0.3,
    0.45,
    0.6,
    0.75,
    0.9,
)  # other places for a name whose centre is covered


def cluster_spots(
    coords: np.ndarray, labels: np.ndarray, fractions: tuple[float, ...] = (), dims: int = 2
) -> dict[int, list[tuple[float, ...]]]:
    """Per cluster id >= 0: the member nearest the members' mean, then for each of ``fractions``
    the member that far down the members ordered by distance from the mean (finite coordinates
    only): places on the cluster, nearest first, each as its first ``dims`` coordinates."""
    xy = np.asarray(coords, dtype=np.float64)[:, :dims]
    labels = np.asarray(labels, dtype=np.int64)
    keep = (labels >= 0) & np.isfinite(xy).all(axis=1)
    if not keep.any():
        return {}
    rows = np.flatnonzero(keep)
    ids = labels[rows]
    n = int(ids.max()) + 1
    counts = np.bincount(ids, minlength=n).astype(np.float64)
    means = (
        np.stack(
            [np.bincount(ids, weights=xy[rows, d], minlength=n) for d in range(xy.shape[1])], axis=1
        )
        / np.maximum(counts, 1)[:, None]
    )
    distance = ((xy[rows] - means[ids]) ** 2).sum(axis=1)
    order = np.lexsort((distance, ids))
    present, first, sizes = np.unique(ids[order], return_index=True, return_counts=True)
    spots: dict[int, list[tuple[float, ...]]] = {}
    for cluster, start, size in zip(present.tolist(), first.tolist(), sizes.tolist(), strict=True):
        offsets = [0, *(int(f * (size - 1)) for f in fractions)]
        picked = rows[order[start + np.unique(offsets)]]
        spots[cluster] = [tuple(float(v) for v in xy[r]) for r in picked]
    return spots


def cluster_centres(coords: np.ndarray, labels: np.ndarray) -> dict[int, tuple[float, float]]:
    """Per cluster id >= 0, the member nearest the members' mean (finite coordinates only)."""
    return {
        cluster: (spots[0][0], spots[0][1])
        for cluster, spots in cluster_spots(coords, labels).items()
    }


def map_topics(
    coords: np.ndarray, metadata: dict[str, np.ndarray], dims: int = 2
) -> tuple[tuple[MapTopic, ...], ...]:
    """Per level whose columns the set has (coarse first), its clusters with name, anchor, size;
    anchors and spots measured in the first ``dims`` (2 or 3) columns of ``coords``."""
    levels: list[tuple[MapTopic, ...]] = []
    depth = 0
    while True:
        id_column, name_column = level_columns(depth)
        if id_column not in metadata:
            break
        labels = np.asarray(metadata[id_column])
        if labels.dtype.kind not in "iu" or len(labels) != len(coords):
            break  # not a topic column (a user's column of the same name): draw nothing of it
        labels = labels.astype(np.int64)
        names = metadata.get(name_column)
        parent_labels = np.asarray(metadata[level_columns(depth - 1)[0]]) if depth else None
        spots = cluster_spots(coords, labels, SPOT_FRACTIONS, dims)
        sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(0, int)
        ids, first = np.unique(labels, return_index=True)  # a member of each cluster
        first_member = dict(zip(ids.tolist(), first.tolist(), strict=True))
        parents = _main_parents(labels, parent_labels) if parent_labels is not None else {}
        topics = []
        for cluster, (centre, *others) in spots.items():
            x, y, z = (*centre[:2], centre[2] if len(centre) > 2 else 0.0)
            member = first_member[cluster]
            name = str(names[member]) if names is not None else f"Cluster {cluster}"
            topics.append(
                MapTopic(
                    depth,
                    cluster,
                    name,
                    x,
                    y,
                    int(sizes[cluster]),
                    parents.get(cluster) if parent_labels is not None else None,
                    tuple(others),
                    z,
                )
            )
        levels.append(tuple(topics))
        depth += 1
    return tuple(levels)


def _main_parents(labels: np.ndarray, parents: np.ndarray) -> dict[int, int]:
    """Per cluster id >= 0, the parent label most of its members have."""
    keep = labels >= 0
    pairs = np.column_stack([labels[keep], np.asarray(parents, dtype=np.int64)[keep]])
    if not len(pairs):
        return {}
    found, counts = np.unique(pairs, axis=0, return_counts=True)
    order = np.lexsort((-counts, found[:, 0]))  # per cluster, its commonest parent first
    found = found[order]
    first = np.flatnonzero(np.r_[True, found[1:, 0] != found[:-1, 0]])
    return {int(found[i, 0]): int(found[i, 1]) for i in first}
