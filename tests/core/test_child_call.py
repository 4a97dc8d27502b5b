"""A call in a child process that Cancel can stop: the same result as the call made here, the
child's exception raised here, a clear message when the child dies, and closing the task (what
Cancel does) kills the child at once, also in the middle of HDBSCAN inside find_topics."""

from __future__ import annotations

import time

import numpy as np
import pytest

from embviz.core import child_call
from embviz.core.child_call import ChildCall
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task


def blobs(n: int, seed: int = 0, dims: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-20, 20, size=(8, dims))
    return centres[rng.integers(0, 8, n)] + rng.normal(size=(n, dims))


def test_the_result_is_the_call_made_here():
    from embviz.core.topics.clusters import hdbscan_labels

    points = blobs(3000)
    here = hdbscan_labels(points, 40, None, max_points=20_000, seed=0)
    there = run_task(
        ChildCall("embviz.core.topics.clusters").run(
            "hdbscan_labels", points, 40, None, max_points=20_000, seed=0
        )
    )
    assert there.dtype == here.dtype and (there == here).all()
    assert len(np.unique(here)) > 3  # real clusters, not all noise


def test_the_childs_exception_is_raised_here():
    with pytest.raises(ValueError, match="math domain error"):
        run_task(ChildCall("math").run("sqrt", -1.0))


def test_a_child_that_dies_gives_a_clear_message():
    with pytest.raises(EmbvizError, match=r"ended unexpectedly \(exit code 3\)"):
        run_task(ChildCall("os").run("_exit", 3))


def test_closing_the_task_kills_the_child_at_once():
    child = ChildCall("time")
    task = child.run("sleep", 60, message="Sleeping")
    steps = [next(task) for _ in range(5)]  # the child has its call (or is about to)
    assert all(step.message == "Sleeping" for step in steps)
    assert child.process.is_alive()
    start = time.monotonic()
    task.close()  # what Cancel does between two yields
    assert time.monotonic() - start < 2.0
    assert not child.process.is_alive()


def test_waiting_yields_at_least_every_poll(monkeypatch):
    child = ChildCall("time")
    task = child.run("sleep", 1.0)
    start, gaps = time.monotonic(), []
    try:
        for _ in task:
            gaps.append(time.monotonic() - start)
            start = time.monotonic()
    finally:
        task.close()
    assert len(gaps) >= 5 and max(gaps[1:]) < child_call.POLL_S * 5


def test_cancel_during_topic_clustering_kills_its_child(monkeypatch):
    """Clustering the vectors (reduced first): the child starts with the task."""
    from embviz.core.topics import find

    made: list[ChildCall] = []

    class Recorded(ChildCall):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(find, "ChildCall", Recorded)
    monkeypatch.setattr(find, "CHILD_MIN_POINTS", 100)
    points = blobs(2000, dims=16)
    texts = [f"word{i % 8} other{i % 3}" for i in range(len(points))]
    task = find.find_topics_task(points, texts, space="vectors", reduction="pca")
    for step in task:
        if step.message.startswith("Clustering"):
            break
    assert len(made) == 1 and made[0].process.is_alive()
    task.close()
    assert not made[0].process.is_alive()


def test_topics_found_through_the_child_equal_those_found_here(monkeypatch):
    from embviz.core.topics import find

    points = blobs(2000, seed=1, dims=16)
    texts = [f"word{i % 8} other{i % 3}" for i in range(len(points))]
    options = {"space": "vectors", "reduction": "pca"}
    monkeypatch.setattr(find, "CHILD_MIN_POINTS", 10**9)
    here = run_task(find.find_topics_task(points, texts, **options))
    monkeypatch.setattr(find, "CHILD_MIN_POINTS", 100)
    there = run_task(find.find_topics_task(points, texts, **options))
    assert len(here.levels[0].topics) > 3
    for a, b in zip(here.levels, there.levels, strict=True):
        assert (a.labels == b.labels).all()
        assert [t.name for t in a.topics] == [t.name for t in b.topics]


def test_clustering_a_layout_starts_no_child(monkeypatch):
    """A layout's clustering has nothing to overlap the child's start with (it took longer than
    HDBSCAN there), so it runs here."""
    from embviz.core.topics import find

    def refuse(*args, **kwargs):
        raise AssertionError("a child was started")

    monkeypatch.setattr(find, "ChildCall", refuse)
    monkeypatch.setattr(find, "CHILD_MIN_POINTS", 100)
    points = blobs(2000)
    texts = [f"word{i % 8}" for i in range(len(points))]
    assert len(run_task(find.find_topics_task(points, texts, space="layout")).levels) == 2
