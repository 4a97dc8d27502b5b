"""TaskRunner hands a run's yields on once per batch: when the GUI thread is held while a task
yields, its handlers see the newest progress and the newest partial result once, not each
yield in turn (a backlog of them once held the event loop for the whole of a training run),
and nothing yielded is lost before the result."""

from __future__ import annotations

import threading
import time

from embviz.core.tasks import Progress
from embviz.gui.workers import TaskRunner

STEPS = 40


def _task(all_yielded: threading.Event):
    for i in range(STEPS):
        # the partial result on every other step only: the newest partial is not always the
        # newest progress's
        yield Progress((i + 1) / STEPS, f"step {i + 1}", partial=i + 1 if i % 2 == 0 else None)
    all_yielded.set()
    return "done"


def test_a_held_gui_thread_gets_the_newest_progress_and_partial_once(qtbot):
    runner = TaskRunner()
    all_yielded = threading.Event()
    events: list[tuple[str, object]] = []
    handle = runner.run(
        "c",
        "steps",
        lambda: _task(all_yielded),
        on_result=lambda r: events.append(("result", r)),
        on_error=lambda exc: events.append(("error", exc)),
        on_partial=lambda p: events.append(("partial", p)),
    )
    handle.progressed.connect(lambda p: events.append(("progress", p.message)))
    # the GUI thread is busy (as with a slow redraw) while the task yields all its steps
    assert all_yielded.wait(20)
    time.sleep(0.2)  # its last yields, and the result, are queued here by now
    qtbot.waitUntil(lambda: ("result", "done") in events, timeout=10_000)

    partials = [value for kind, value in events if kind == "partial"]
    messages = [value for kind, value in events if kind == "progress" and value != "steps"]
    assert partials == [STEPS - 1]  # once, the newest (step 40 had none)
    assert messages == [f"step {STEPS}"]
    assert events[-1] == ("result", "done")  # after what was yielded


def test_yields_reach_the_handlers_while_the_task_runs(qtbot):
    """Batching does not wait for the end: a task that yields slowly is followed step by step."""
    runner = TaskRunner()
    partials: list[int] = []
    release = threading.Event()

    def slow():
        for i in range(3):
            yield Progress(i / 3, f"step {i}", partial=i)
            assert release.wait(10)
            release.clear()
        return "done"

    results: list[str] = []
    runner.run("c", "slow", slow, on_result=results.append, on_error=lambda e: None,
               on_partial=partials.append)  # fmt: skip
    for i in range(3):
        qtbot.waitUntil(lambda i=i: partials == list(range(i + 1)), timeout=10_000)
        release.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)


def test_a_cancelled_task_is_closed_in_its_worker_thread(qtbot):
    """The task's clean-up on Cancel (waiting for a t-SNE iteration, killing a child process)
    runs in the worker's thread: the GUI thread is not held while it runs."""
    runner = TaskRunner()
    started, cleaned = threading.Event(), threading.Event()
    where: list[threading.Thread] = []

    def task():
        try:
            while True:
                started.set()
                yield Progress(None, "working")
                time.sleep(0.01)
        finally:
            where.append(threading.current_thread())
            time.sleep(0.5)  # a slow clean-up
            cleaned.set()

    runner.run("c", "slow clean-up", task, on_result=lambda r: None, on_error=lambda e: None)
    assert started.wait(10)
    qtbot.wait(50)
    runner.cancel("c")
    held = []
    timer_started = time.perf_counter()
    # the event loop keeps turning while the clean-up runs
    while not cleaned.is_set() and time.perf_counter() - timer_started < 10:
        before = time.perf_counter()
        qtbot.wait(10)
        held.append(time.perf_counter() - before)
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5000)
    qtbot.wait(100)
    assert where and where[0] is not threading.main_thread()
    assert max(held) < 0.3
