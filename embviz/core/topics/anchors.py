"""Where each topic sits on a layout, read from the topic columns of a set.

The map draws topics from the set's metadata columns (see :mod:`embviz.core.corpus`), not from a
separate object: a renamed topic, a new projection or another set is drawn as it is, and nothing
stale can show. A cluster's anchor is the member nearest the members' mean, so it lies on the
cluster even when the cluster is curved (a mean could fall in a gap).
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


def cluster_centres(coords: np.ndarray, labels: np.ndarray) -> dict[int, tuple[float, float]]:
    """Per cluster id >= 0, the member nearest the members' mean (finite coordinates only)."""
    xy = np.asarray(coords, dtype=np.float64)[:, :2]
    labels = np.asarray(labels, dtype=np.int64)
    keep = (labels >= 0) & np.isfinite(xy).all(axis=1)
    if not keep.any():
        return {}
    rows = np.flatnonzero(keep)
    ids = labels[rows]
    n = int(ids.max()) + 1
    counts = np.bincount(ids, minlength=n).astype(np.float64)
    means = (
        np.stack([np.bincount(ids, weights=xy[rows, d], minlength=n) for d in (0, 1)], axis=1)
        / np.maximum(counts, 1)[:, None]
    )
    distance = ((xy[rows] - means[ids]) ** 2).sum(axis=1)
    order = np.lexsort((distance, ids))
    present, first = np.unique(ids[order], return_index=True)
    best = rows[order[first]]
    return {int(c): (float(xy[r, 0]), float(xy[r, 1])) for c, r in zip(present, best, strict=True)}


def map_topics(
    coords: np.ndarray, metadata: dict[str, np.ndarray]
) -> tuple[tuple[MapTopic, ...], ...]:
    """Per level whose columns the set has (coarse first), its clusters with name, anchor, size."""
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
        centres = cluster_centres(coords, labels)
        sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(0, int)
        topics = []
        for cluster, (x, y) in centres.items():
            member = int(np.argmax(labels == cluster))
            name = str(names[member]) if names is not None else f"Cluster {cluster}"
            parent = None
            if parent_labels is not None:
                inside = parent_labels[labels == cluster].astype(np.int64)
                parent = int(np.bincount(inside + 1).argmax()) - 1
            topics.append(MapTopic(depth, cluster, name, x, y, int(sizes[cluster]), parent))
        levels.append(tuple(topics))
        depth += 1
    return tuple(levels)
