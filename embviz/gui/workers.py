"""Run core tasks in superqt worker threads, one per channel; a new run supersedes the old.

Each run gets a generation number. Results, partial results and progress of a superseded or
cancelled run are dropped when they reach the GUI thread, so nothing stale is ever drawn.

:meth:`TaskRunner.run` returns a :class:`TaskHandle`: the widget that started a task connects to
its ``progressed`` and ``ended`` signals, so each task's progress reaches the widget that started
it (nobody filters by description). The status bar hears of every task through ``started``.
"""

from __future__ import annotations

import atexit
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from shiboken6 import isValid
from superqt.utils import GeneratorWorker, create_worker

from embviz.core.errors import Cancelled, EmbvizError
from embviz.core.tasks import Progress, Task, reporting

log = logging.getLogger(__name__)
MIN_POOL_THREADS = 8


class TaskFailed(Exception):
    """Carries an exception that superqt would otherwise swallow (it hides RuntimeError)."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original
        self.details = "".join(traceback.format_exception(original))


def _drive(factory: Callable[[], Task[Any]], holder: dict[str, Any]):
    # work done inside a plain call (lazy vectors read on first use of eset.vectors) reports
    # through the worker as if the task had yielded it, and stops when Cancel is pressed
    with reporting(holder.get("report") or (lambda _progress: None)):
        task = holder["task"] = factory()
        try:
            result = yield from task
        except RuntimeError as exc:
            raise TaskFailed(exc) from exc
    return result


def _call(function: Callable[[], None]) -> None:
    function()


def _reporter(worker: GeneratorWorker) -> Callable[[Progress], None]:
    def report(progress: Progress) -> None:
        if worker.abort_requested:
            raise Cancelled("reading")
        worker.yielded.emit(progress)

    return report


# Every run stays referenced here until its thread has finished, whatever happens to the runner
# or the window meanwhile: freeing a worker object while its thread still emits would crash.
_LIVE: set[_Run] = set()


def _quit_all(runs: dict[str, _Run]) -> None:
    for run in list(runs.values()):
        run.cancelled = True
        run.worker.quit()


@atexit.register
def _stop_at_exit() -> None:
    """A process ending with work under way (a script, a test run): stop it before Qt's objects
    are torn down under the running threads."""
    for run in list(_LIVE):
        run.cancelled = True
        run.worker.quit()
    if _LIVE:
        QThreadPool.globalInstance().waitForDone(3000)


class TaskHandle(QObject):
    """One run of a task, as seen by whoever started it."""

    progressed = Signal(object)  # Progress
    ended = Signal(bool)  # True: it returned a result; False: failed, cancelled or superseded

    def __init__(self, channel: str, description: str) -> None:
        super().__init__()
        self.channel = channel
        self.description = description
        self.progress: Progress | None = None
        self.running = True

    def _progress(self, progress: Progress) -> None:
        self.progress = progress
        self.progressed.emit(progress)

    def _end(self, ok: bool) -> None:
        if self.running:
            self.running = False
            self.ended.emit(ok)


@dataclass(eq=False)
class _Run:
    generation: int
    description: str
    worker: GeneratorWorker
    holder: dict[str, Any]
    handle: TaskHandle
    cancelled: bool = False


class TaskRunner(QObject):
    """Starts tasks and tells the window what is running (for the progress bar and Cancel)."""

    busyChanged = Signal(bool)
    started = Signal(object)  # the TaskHandle of a run just started (for the status bar)
    _later = Signal(object)  # a callable, run after the events already queued

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Qt's pool holds one thread per core (2 here). Our workers mostly wait in numpy, BLAS or
        # child processes, and a long background job (projection quality, an ANN index) must
        # never keep a file from opening, so the pool may run a few more at once.
        pool = QThreadPool.globalInstance()
        pool.setMaxThreadCount(max(pool.maxThreadCount(), MIN_POOL_THREADS))
        self._runs: dict[str, _Run] = {}
        self._generation = 0
        self._later.connect(_call, Qt.ConnectionType.QueuedConnection)
        runs = self._runs  # the closure must not need `self`: it runs as the runner dies
        self.destroyed.connect(lambda *_: _quit_all(runs))

    def is_busy(self, channel: str | None = None) -> bool:
        if channel is not None:
            return channel in self._runs
        return bool(self._runs)

    def run(
        self,
        channel: str,
        description: str,
        factory: Callable[[], Task[Any]],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_partial: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        """Run ``factory()`` in a worker; a run already on ``channel`` is cancelled first."""
        self.cancel(channel)
        self._generation += 1
        generation = self._generation
        holder: dict[str, Any] = {}
        worker = create_worker(_drive, factory, holder, _start_thread=False, _ignore_errors=True)
        holder["report"] = _reporter(worker)
        handle = TaskHandle(channel, description)
        run = _Run(generation, description, worker, holder, handle)

        def current() -> bool:
            if not isValid(self):  # the window (and this runner) is gone: drop everything
                return False
            active = self._runs.get(channel)
            return active is not None and active.generation == generation and not run.cancelled

        # What the task yielded and nobody has seen yet: its newest progress and newest partial
        # result. Each yield reaches this thread as a queued call; when the handlers take longer
        # than the task takes between yields (a training epoch re-drawn on the map), handing on
        # every one built a backlog that held the event loop for minutes (timers, the label's
        # messages, even workers' starts waited behind it). So a yield only updates this, and
        # the handlers run once per batch, on the newest, after the yields already queued.
        unseen: dict[str, Any] = {}

        def hand_on() -> None:
            progress, partial = unseen.pop("progress", None), unseen.pop("partial", None)
            if progress is None or not current():
                return
            handle._progress(progress)
            if on_partial is not None and partial is not None:
                on_partial(partial)

        def yielded(progress: Progress) -> None:
            if not current():
                return
            first = "progress" not in unseen
            unseen["progress"] = progress
            if progress.partial is not None:
                unseen["partial"] = progress.partial
            if first:
                self._later.emit(hand_on)

        def returned(result: Any) -> None:
            hand_on()  # what was yielded reaches the handlers before the result, as it did
            if current():
                self._finish(channel, generation)
                handle._end(True)
                on_result(result)

        def errored(exc: BaseException) -> None:
            hand_on()
            if current():
                self._finish(channel, generation)
                handle._end(False)
                original = exc.original if isinstance(exc, TaskFailed) else exc
                if isinstance(original, EmbvizError):  # meant for a person; no traceback
                    log.info("%s failed: %s", description, original)
                else:
                    log.error("%s failed", description, exc_info=original)
                on_error(original)

        def finished() -> None:  # after returned/errored; also the only signal of an abort
            unseen.clear()
            _LIVE.discard(run)
            if isValid(self):
                self._finish(channel, generation)
            handle._end(False)
            if run.cancelled and "task" in holder:
                holder["task"].close()  # the worker has stopped: release files promptly
            holder.clear()
            # The connections hold these closures (and through them the task's set) from C++,
            # where Python's collector cannot see the cycle worker -> closure -> run -> worker:
            # cut them, so a finished run keeps nothing alive (a closed set is freed).
            for signal in (
                worker.yielded, worker.returned, worker.errored, worker.finished, worker.aborted
            ):  # fmt: skip
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass

        def close_in_worker() -> None:
            # Cancel: the task's clean-up (a t-SNE iteration to finish, a child process to kill,
            # files to release) runs here, in the worker's thread, as it stops; closed from
            # ``finished`` it held the GUI thread (t-SNE at 100k rows: up to an iteration,
            # 0.4-0.6 s, at each Cancel). The driving generator (superqt keeps it as ``_gen``)
            # is closed, which closes the task and restores this thread's progress reporter
            # here, not in whichever thread collected it.
            drive = getattr(worker, "_gen", None) or holder.get("task")
            if drive is not None:
                drive.close()

        worker.aborted.connect(close_in_worker, Qt.ConnectionType.DirectConnection)
        worker.yielded.connect(yielded)
        worker.returned.connect(returned)
        worker.errored.connect(errored)
        worker.finished.connect(finished)
        self._runs[channel] = run
        _LIVE.add(run)
        self.busyChanged.emit(True)
        self.started.emit(handle)
        handle._progress(Progress(None, description))
        worker.start()
        return handle

    def cancel(self, channel: str | None = None) -> None:
        """Ask the running task(s) to stop at their next yield; their results are dropped."""
        channels = [channel] if channel is not None else list(self._runs)
        for name in channels:
            run = self._runs.get(name)
            if run is not None:
                run.cancelled = True
                run.worker.quit()
                self._finish(name, run.generation)
                run.handle._end(False)

    def _finish(self, channel: str, generation: int) -> None:
        run = self._runs.get(channel)
        if run is not None and run.generation == generation:
            del self._runs[channel]
            if not self._runs:
                self.busyChanged.emit(False)
