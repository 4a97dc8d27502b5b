"""Long work as generators.

A task is a generator that yields :class:`Progress` now and then and *returns* its result
(``return value`` inside the generator). The GUI runs tasks in superqt ``GeneratorWorker`` threads,
which stop a task at its next ``yield`` when a person presses Cancel; the CLI and tests drive the
same generator to its end with :func:`run_task`. Tasks should yield at least every ~0.2 s so that
Cancel takes effect quickly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """How far a task has got: ``fraction`` in [0, 1] (None when unknown) and a short message."""

    fraction: float | None
    message: str = ""
    partial: Any = None  # an intermediate result worth showing (e.g. a layout being formed)


Task = Generator[Progress, None, T]


def run_task(task: Task[T], on_progress: Callable[[Progress], None] | None = None) -> T:
    """Drive a task to its end in the calling thread and return its result."""
    while True:
        try:
            progress = next(task)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if on_progress is not None:
            on_progress(progress)


def scaled(
    task: Task[T], low: float, high: float, message: Callable[[float], str] | None = None
) -> Task[T]:
    """Run a sub-task, mapping its progress fractions into [low, high] of the whole; with
    ``message``, a step with a fraction f says ``message(f)`` instead of its own words. Closing
    this (Cancel) closes the sub-task, so that its clean-up (a child process killed, say) runs
    then and not whenever the sub-task is garbage."""
    try:
        while True:
            try:
                step = next(task)
            except StopIteration as stop:
                value: T = stop.value
                return value
            if step.fraction is None:
                yield Progress(None, step.message)  # a sub-task's partial result is its own
            else:
                words = step.message if message is None else message(step.fraction)
                yield Progress(low + (high - low) * step.fraction, words)
    finally:
        task.close()


def as_task(value: T) -> Task[T]:
    """A task that finishes at once with ``value`` (for work that needs no progress)."""
    return value
    yield  # pragma: no cover - makes this function a generator


# Progress of work that runs inside a plain call (reading lazy vectors on first use of
# ``eset.vectors``), where no task can yield: the thread's reporter (the GUI worker's progress
# bar) hears it; elsewhere it goes nowhere.
_REPORTERS = threading.local()


@contextmanager
def reporting(reporter: Callable[[Progress], None]) -> Iterator[None]:
    """Send :func:`report_progress` calls made in this thread to ``reporter`` meanwhile."""
    previous = getattr(_REPORTERS, "reporter", None)
    _REPORTERS.reporter = reporter
    try:
        yield
    finally:
        _REPORTERS.reporter = previous


def report_progress(progress: Progress) -> None:
    """Tell this thread's reporter (if any) how far a plain call has got; the reporter may raise
    :class:`~embviz.core.errors.Cancelled` to stop it."""
    reporter = getattr(_REPORTERS, "reporter", None)
    if reporter is not None:
        reporter(progress)
