"""Topics as metadata columns (the names in :mod:`embviz.core.corpus`), and their names as CSV or
JSON text (written to disk by :func:`embviz.io.topic_names.export_names`)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    FINE_CLUSTER_LABEL_COLUMN,
)
from embviz.core.topics.model import Topics


def level_columns(depth: int) -> tuple[str, str]:
    """(id column, name column) of level ``depth`` (0 = coarse)."""
    if depth == 0:
        return CLUSTER_COLUMN, CLUSTER_LABEL_COLUMN
    if depth == 1:
        return FINE_CLUSTER_COLUMN, FINE_CLUSTER_LABEL_COLUMN
    return f"cluster_level{depth + 1}", f"cluster_level{depth + 1}_label"


def topic_columns(topics: Topics) -> dict[str, np.ndarray]:
    """Per level, the cluster id (int64, -1 = unclustered) and name (str objects) of each point."""
    columns: dict[str, np.ndarray] = {}
    for depth, level in enumerate(topics.levels):
        id_column, name_column = level_columns(depth)
        columns[id_column] = level.labels.astype(np.int64, copy=True)
        columns[name_column] = level.label_names()
    return columns


def names_table(topics: Topics) -> list[dict[str, object]]:
    """One row per cluster and level: level, id, name, size, parent, keywords, centre."""
    rows: list[dict[str, object]] = []
    for level in topics.levels:
        for topic in level.topics:
            rows.append(
                {
                    "level": level.name,
                    "cluster": topic.id,
                    "name": topic.name,
                    "size": topic.size,
                    "parent": topic.parent,
                    "keywords": [w for w, _ in topic.keywords],
                    "x": None if topic.centre is None else topic.centre[0],
                    "y": None if topic.centre is None else topic.centre[1],
                }
            )
    return rows


def names_as_csv(topics: Topics) -> str:
    out = io.StringIO()
    fields = ["level", "cluster", "name", "size", "parent", "keywords", "x", "y"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in names_table(topics):
        keywords = row["keywords"]
        assert isinstance(keywords, list)
        writer.writerow({**row, "keywords": " ".join(keywords)})
    return out.getvalue()


def names_as_json(topics: Topics) -> str:
    document = {"space": topics.space, "language": topics.language, "settings": topics.settings}
    return json.dumps({**document, "topics": names_table(topics)}, indent=2, ensure_ascii=False)


def topics_from_columns(
    metadata: dict[str, np.ndarray], layout: np.ndarray | None = None
) -> Topics | None:
    """The topics a set's columns hold (written by :func:`topic_columns`, or read from an atlas
    file), without key words; None when the set has no topic columns."""
    from embviz.core.topics.anchors import cluster_centres
    from embviz.core.topics.model import UNCLUSTERED, Topic, TopicLevel, level_name

    levels: list[TopicLevel] = []
    for depth in range(8):
        id_column, name_column = level_columns(depth)
        labels = metadata.get(id_column)
        if labels is None or np.asarray(labels).dtype.kind not in "iu":
            break
        labels = np.asarray(labels, dtype=np.int64)
        names = metadata.get(name_column)
        parent = levels[-1].labels if levels else None
        centres = cluster_centres(layout, labels) if layout is not None else {}
        topics = []
        for cluster in sorted(set(np.unique(labels).tolist()), key=lambda c: (c < 0, c)):
            members = labels == cluster
            first = int(np.argmax(members))
            topics.append(
                Topic(
                    id=int(cluster),
                    name=UNCLUSTERED
                    if cluster < 0
                    else (str(names[first]) if names is not None else f"Cluster {cluster}"),
                    keywords=(),
                    size=int(members.sum()),
                    centre=centres.get(int(cluster)),
                    parent=None
                    if parent is None or cluster < 0
                    else int(np.bincount(parent[members] + 1).argmax()) - 1,
                )
            )
        levels.append(TopicLevel(level_name(depth), labels, tuple(topics), 0))
    if not levels:
        return None
    return Topics(tuple(levels), space="columns", language="", settings={})
