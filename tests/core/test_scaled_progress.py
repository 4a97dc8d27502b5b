"""A sub-task's progress mapped into its share of the whole, and closed with it."""

from __future__ import annotations

import numpy as np

from embviz.core.corpus_cache import cached_vectors
from embviz.core.tasks import Progress, scaled


def _halves(log: list[str]):
    try:
        yield Progress(0.5, "half")
        yield Progress(None, "waiting")
        yield Progress(1.0, "all")
        return np.zeros((4, 2), dtype=np.float32)
    finally:
        log.append("closed")


def test_fractions_land_in_their_share_and_messages_can_be_rewritten():
    log: list[str] = []
    steps = list(scaled(_halves(log), 0.2, 0.6, lambda f: f"{f:.2f} done"))
    assert [(s.fraction, s.message) for s in steps] == [
        (0.4, "0.50 done"),  # 0.2 + 0.4 * 0.5
        (None, "waiting"),  # no fraction: the sub-task's own words
        (0.6, "1.00 done"),
    ]


def test_closing_the_whole_closes_the_sub_task():
    log: list[str] = []
    task = scaled(_halves(log), 0.0, 1.0)
    next(task)
    task.close()
    assert log == ["closed"]


def test_uncached_corpus_progress_counts_rows_of_the_whole_corpus():
    texts = [f"text {i}" for i in range(4)]
    steps = list(cached_vectors(None, texts, lambda start, chunk: _halves([]), what="posts"))
    assert [(s.fraction, s.message) for s in steps[:1]] == [(0.5, "Embedded 2 of 4 posts")]
