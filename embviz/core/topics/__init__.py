"""Topics of a corpus map: density-based clusters at two levels (HDBSCAN), named by class-based
TF-IDF; their metadata columns, renaming, label placement and density contours. Qt-free.

    topics = find_topics(layout, texts)          # or find_topics(vectors, texts, space="vectors",
    model.set_metadata(..., topic_columns(topics))  #                layout=layout)
"""

from __future__ import annotations

from embviz.core.topics.columns import (
    level_columns,
    names_as_csv,
    names_as_json,
    topic_columns,
    topics_from_columns,
)
from embviz.core.topics.find import find_topics, find_topics_task
from embviz.core.topics.model import UNCLUSTERED, Topic, TopicLevel, Topics, rename
from embviz.core.topics.stopwords import StopWordsError, available_languages, stop_words_for

__all__ = [
    "UNCLUSTERED",
    "StopWordsError",
    "Topic",
    "TopicLevel",
    "Topics",
    "available_languages",
    "find_topics",
    "find_topics_task",
    "level_columns",
    "names_as_csv",
    "names_as_json",
    "rename",
    "stop_words_for",
    "topic_columns",
    "topics_from_columns",
]
