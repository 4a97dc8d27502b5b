"""A small corpus map with known topics (three groups of two blobs) for the topics GUI tests."""

from __future__ import annotations

import numpy as np

from embviz.core.corpus import CLUSTER_COLUMN
from embviz.core.dataset import EmbeddingSet
from tests.core.test_topics_find import _two_level_layout


def open_corpus(window, qtbot, name: str = "blobs") -> tuple[EmbeddingSet, np.ndarray]:
    points, texts, _coarse, _fine = _two_level_layout()
    labels = [f"doc {i}" for i in range(len(points))]
    metadata = {"text": np.array(texts, dtype=object)}
    eset = EmbeddingSet(labels, points.astype(np.float32), metadata, name=name)
    window.session.add_set(eset)
    qtbot.waitUntil(
        lambda: window.session.projection is not None and not window.runner.is_busy(),
        timeout=15000,
    )
    return eset, points


def find_topics_in_panel(window, qtbot, eset: EmbeddingSet) -> None:
    panel = window.panels["topics"]
    panel.size_box.setValue(100)
    panel.text_box.setCurrentText("text")
    panel.colour_check.setChecked(False)  # points keep the theme's colour
    panel.find_button.click()
    qtbot.waitUntil(
        lambda: CLUSTER_COLUMN in eset.metadata and not window.runner.is_busy("topics"),
        timeout=20000,
    )
    qtbot.wait(50)


def nearest_to_mean(points: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The member nearest the members' mean, computed here from the definition."""
    xy = points[members]
    return xy[np.argmin(np.linalg.norm(xy - xy.mean(axis=0), axis=1))]
