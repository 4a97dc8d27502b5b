"""A small real set: every 50th word of the built-in demo (all-MiniLM-L6-v2 word vectors), plus
the words the custom-axes tests name."""

from __future__ import annotations

import numpy as np
import pytest

import embviz
from embviz.core.dataset import EmbeddingSet
from embviz.core.paths import demo_path

NAMED = ["man", "woman", "king", "queen", "boy", "girl", "prince", "princess"]


def demo_subset(step: int = 50, limit: int = 400) -> EmbeddingSet:
    demo = embviz.load(demo_path())
    rows = [demo.index_of(w) for w in NAMED]
    rows += [r for r in range(0, len(demo), step) if r not in rows][: limit - len(rows)]
    rows = np.asarray(rows)
    return EmbeddingSet(
        [demo.labels[r] for r in rows],
        np.asarray(demo.vectors[rows], dtype=np.float32),
        metadata={"group": np.asarray([r % 3 for r in rows])},
        name="demo subset",
    )


@pytest.fixture(scope="session")
def words() -> EmbeddingSet:
    return demo_subset()
