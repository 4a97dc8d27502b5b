"""What topics are: per level, a cluster id per point, a name, key words, size, centre, parent."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

UNCLUSTERED = "Unclustered"  # the name of cluster -1 at every level
LEVEL_NAMES = ("coarse", "fine")


@dataclass(frozen=True)
class Topic:
    """One cluster at one level."""

    id: int  # -1 = the points no cluster took
    name: str
    keywords: tuple[tuple[str, float], ...]  # (word, c-TF-IDF score), best first
    size: int
    centre: tuple[float, float] | None  # on the 2-D layout; None without one
    parent: int | None = None  # the coarser level's cluster it lies in (None at the top level)


@dataclass(frozen=True)
class TopicLevel:
    """One level of clusters: ``labels`` gives each point's cluster id (-1 = unclustered)."""

    name: str  # "coarse", "fine", "level 3", ...
    labels: np.ndarray  # int64, one per point
    topics: tuple[Topic, ...]  # clusters 0, 1, ... by size, then -1 if any point is unclustered
    min_cluster_size: int

    def topic(self, cluster_id: int) -> Topic:
        for found in self.topics:
            if found.id == cluster_id:
                return found
        raise KeyError(f"no cluster {cluster_id} at the {self.name} level")

    def names(self) -> dict[int, str]:
        return {t.id: t.name for t in self.topics}

    def label_names(self) -> np.ndarray:
        """Each point's cluster name (object array)."""
        names = self.names()
        lookup = np.array(
            [names.get(i, UNCLUSTERED) for i in range(-1, self.n_clusters)], dtype=object
        )
        result: np.ndarray = lookup[self.labels + 1]
        return result

    @property
    def n_clusters(self) -> int:
        return sum(1 for t in self.topics if t.id >= 0)

    @property
    def unclustered(self) -> int:
        return int(np.count_nonzero(self.labels < 0))


@dataclass(frozen=True)
class Topics:
    """Topics of one set of documents at one or more levels, coarse first."""

    levels: tuple[TopicLevel, ...]
    space: str  # "layout" or "vectors": what was clustered
    language: str
    settings: dict[str, object] = field(default_factory=dict)  # JSON-able, for exports

    def level(self, which: int | str) -> TopicLevel:
        if isinstance(which, str):
            for level in self.levels:
                if level.name == which:
                    return level
            raise KeyError(f"no level {which!r}; levels: {[lv.name for lv in self.levels]}")
        return self.levels[which]

    def __len__(self) -> int:
        return len(self.levels[0].labels) if self.levels else 0


def level_name(depth: int) -> str:
    return LEVEL_NAMES[depth] if depth < len(LEVEL_NAMES) else f"level {depth + 1}"


def rename(topics: Topics, level: int | str, cluster_id: int, name: str) -> Topics:
    """A copy of ``topics`` where one cluster has a new name (given by a person)."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("a topic's name cannot be empty")
    chosen = topics.level(level)
    chosen.topic(cluster_id)  # KeyError for an unknown cluster
    new_level = replace(
        chosen,
        topics=tuple(replace(t, name=name) if t.id == cluster_id else t for t in chosen.topics),
    )
    levels = tuple(new_level if lv is chosen else lv for lv in topics.levels)
    return replace(topics, levels=levels)
