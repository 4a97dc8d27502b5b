"""find_topics: clusters at two levels, named by class-based TF-IDF over their documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from embviz.core.child_call import ChildCall
from embviz.core.tasks import Progress, Task, run_task, scaled
from embviz.core.topics.anchors import cluster_centres
from embviz.core.topics.clusters import (
    CHILD_MIN_POINTS,
    ClusterSettings,
    cluster_features,
    level_sizes,
    nested_levels,
)
from embviz.core.topics.ctfidf import DocumentTerms, class_counts, count_terms, ctfidf, top_terms
from embviz.core.topics.model import UNCLUSTERED, Topic, TopicLevel, Topics, level_name
from embviz.core.topics.stopwords import stop_words_for

T = TypeVar("T")


def find_topics_task(
    points: np.ndarray,
    texts: Sequence[str],
    *,
    layout: np.ndarray | None = None,
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    levels: int = 2,
    language: str = "english",
    space: str | None = None,
    n_words: int = 3,
    max_df: float = 0.5,
    reduce_frequent_words: bool = True,
    reduction: str = "umap",
    dims: int = 5,
    max_points: int = 20_000,
    seed: int = 0,
) -> Task[Topics]:
    """Find and name topics; a task yielding Progress (see :func:`find_topics`)."""
    points = np.asarray(points)
    if len(texts) != len(points):
        raise ValueError(f"{len(texts)} texts for {len(points)} points")
    space = space or ("layout" if points.ndim == 2 and points.shape[1] <= 3 else "vectors")
    stop_words = stop_words_for(language)  # an unknown language fails before any work
    centres_from = _layout_for_centres(points, layout, space)
    settings = ClusterSettings(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        levels=levels,
        max_points=max_points,
        seed=seed,
    )
    sizes = level_sizes(len(points), settings)
    yield Progress(0.0, "Preparing the points")
    # HDBSCAN over many points runs in a child process that Cancel can kill. It starts now, so
    # that its start (a fresh Python importing scikit-learn: 2-6 s here) overlaps the reduction of
    # the vectors; clustering a layout has nothing to overlap it with, and there the start took
    # longer than HDBSCAN itself (20,000 points: 7-10 s against 3-5 s), so it stays here.
    child = None
    if space == "vectors" and len(points) >= CHILD_MIN_POINTS:
        child = ChildCall("embviz.core.topics.clusters", warm=("sklearn.cluster",))
    try:
        features = yield from scaled(
            cluster_features(points, space, reduction, dims, seed), 0.0, 0.4
        )
        labels = yield from scaled(nested_levels(features, settings, child=child), 0.4, 0.7)
    finally:
        if child is not None:
            child.close()
    terms = yield from scaled(count_terms(texts, stop_words, max_df=max_df), 0.7, 0.95)
    yield Progress(0.95, "Naming the clusters")
    built: list[TopicLevel] = []
    for depth, level_labels in enumerate(labels):
        parent = labels[depth - 1] if depth else None
        built.append(
            _name_level(
                level_name(depth),
                level_labels,
                sizes[depth],
                terms,
                centres_from,
                parent,
                n_words=n_words,
                reduce_frequent_words=reduce_frequent_words,
            )
        )
    return Topics(
        levels=tuple(built),
        space=space,
        language=language,
        settings={
            "min_cluster_sizes": sizes,
            "min_samples": min_samples,
            "space": space,
            "reduction": f"{reduction} to {dims} dims of unit vectors"
            if space == "vectors"
            else None,
            "language": language,
            "n_words": n_words,
            "max_df": max_df,
            "reduce_frequent_words": reduce_frequent_words,
        },
    )


def find_topics(points: np.ndarray, texts: Sequence[str], **options: object) -> Topics:
    """Density-based clusters of ``points`` at two levels (coarse, fine nested in coarse), each
    named by its top c-TF-IDF words over its documents' ``texts``.

    ``points``: the 2-D layout (``space="layout"``, the default for 2 or 3 columns) or the original
    vectors (``space="vectors"``: unit length, then UMAP or PCA to ``dims``; see
    :mod:`embviz.core.topics.clusters`). ``layout``: 2-D coordinates for the clusters' centres
    (default: ``points`` when they are 2-D). ``language``: stop words ("english", "german", an
    ISO code, or "none"). ``max_df``: words in more than this fraction of all documents name no
    topic. ``reduce_frequent_words``: the square root of tf (BERTopic's option of that name). Cluster -1 is named "Unclustered".
    """
    return run_task(find_topics_task(points, texts, **options))  # type: ignore[arg-type]


def _layout_for_centres(
    points: np.ndarray, layout: np.ndarray | None, space: str
) -> np.ndarray | None:
    if layout is not None:
        layout = np.asarray(layout, dtype=np.float64)
        if layout.ndim != 2 or layout.shape[1] < 2 or len(layout) != len(points):
            raise ValueError(f"layout must be N x 2 for {len(points)} points, got {layout.shape}")
        return layout[:, :2]
    if space == "layout" and points.ndim == 2 and points.shape[1] >= 2:
        return np.asarray(points[:, :2], dtype=np.float64)
    return None


def _name_level(
    name: str,
    labels: np.ndarray,
    min_cluster_size: int,
    terms: DocumentTerms,
    layout: np.ndarray | None,
    parent: np.ndarray | None,
    *,
    n_words: int,
    reduce_frequent_words: bool,
) -> TopicLevel:
    ids, counts = class_counts(terms.counts, labels)
    scores = ctfidf(counts, reduce_frequent_words=reduce_frequent_words)
    keywords = top_terms(scores, terms.vocabulary, n_words)
    sizes = np.bincount(labels + 1, minlength=int(labels.max()) + 2)
    centres = cluster_centres(layout, labels) if layout is not None else {}
    topics: list[Topic] = []
    for cluster, words in zip(ids.tolist(), keywords, strict=True):
        members = labels == cluster
        if cluster < 0:
            title = UNCLUSTERED
        else:
            title = ", ".join(w for w, _ in words) or f"Cluster {cluster}"
        topics.append(
            Topic(
                id=int(cluster),
                name=title,
                keywords=tuple(words),
                size=int(sizes[cluster + 1]),
                centre=centres.get(int(cluster)),
                parent=None
                if parent is None or cluster < 0
                else int(np.bincount(parent[members] + 1).argmax() - 1),
            )
        )
    topics.sort(key=lambda t: (t.id < 0, t.id))  # clusters 0, 1, ... then Unclustered
    return TopicLevel(
        name=name, labels=labels, topics=tuple(topics), min_cluster_size=min_cluster_size
    )
