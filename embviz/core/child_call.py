"""A call that Cancel can stop: one function run in a child process, which is killed on Cancel.

Compiled library code (scikit-learn's HDBSCAN, say) cannot be interrupted from Python: a task that
calls it cannot yield until it returns, so Cancel waited for it (20,000 points: 3.5-8 s). Run in a
child process instead, the call is waited on a tenth of a second at a time, yielding Progress in
between, and closing the task (Cancel) kills the child.

A child is started ahead (``ChildCall(module)``) so that its start (a fresh interpreter importing
the module and its libraries: about a second) overlaps the work before the call. It uses
multiprocessing's "spawn" start, as :mod:`embviz.reduce.umap_process` does: forking a process that
runs Qt and other threads is not safe. Arguments and results travel pickled through a pipe, so this
suits calls whose inputs are small next to their running time (HDBSCAN's 20,000-point sample).

multiprocessing's own ``Pool`` is not used: terminating a pool whose worker is inside a call
leaves the pool unusable and its result waiting; one process per call, killed outright, is simpler.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.util  # noqa: F401 - its exit handler must be registered before ours
import pickle
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task

POLL_S = 0.1  # how often the waiting task yields (Cancel lands within this)


def _serve(conn: Connection, module: str, warm: Sequence[str]) -> None:
    """The child: import the module (and ``warm``) now, then run the one call it is sent."""
    try:
        target = importlib.import_module(module)
        for name in warm:
            importlib.import_module(name)
        conn.send(("ready", None))
        function, args, kwargs = conn.recv()
        result = getattr(target, function)(*args, **kwargs)
        conn.send(("ok", result))
    except EOFError:  # the parent went away before sending a call
        return
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        try:
            pickle.dumps(error)
            conn.send(("error", error))
        except Exception:  # noqa: BLE001 - an exception that cannot travel goes as text
            conn.send(("error", EmbvizError(f"{type(error).__name__}: {error}")))


class ChildCall:
    """A child process that imports ``module`` at once and later runs one of its functions."""

    def __init__(self, module: str, *, warm: Sequence[str] = ()) -> None:
        self.module = module
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, module, tuple(warm)), daemon=True
        )
        self.process.start()
        child_end.close()  # the child holds its end: EOF here when it dies

    def run(
        self,
        function: str,
        *args: Any,
        message: str = "",
        fraction: float | None = None,
        timed: bool = False,
        **kwargs: Any,
    ) -> Task[Any]:
        """Call ``module.function(*args, **kwargs)`` in the child; a task that yields
        ``Progress(fraction, message)`` while it waits (``timed``: the message ends with the
        seconds waited so far, for calls with no progress of their own). The child ends with the
        call; closing the task (Cancel) kills it; an exception raised in the child is raised
        here."""
        started = time.perf_counter() if timed else None
        try:
            ready = yield from self._receive(fraction, message, started)
            if ready[0] == "error":
                raise ready[1]
            self._conn.send((function, args, kwargs))
            status, value = yield from self._receive(fraction, message, started)
            if status == "error":
                raise value
            return value
        finally:
            self.close()

    def _receive(
        self, fraction: float | None, message: str, started: float | None
    ) -> Task[tuple[str, Any]]:
        while not self._conn.poll(POLL_S):
            if not self.process.is_alive() and not self._conn.poll():
                raise self._ended()
            if started is None:
                yield Progress(fraction, message)
            else:
                yield Progress(fraction, f"{message} ({time.perf_counter() - started:.0f} s)")
        try:
            received: tuple[str, Any] = self._conn.recv()
        except EOFError:
            raise self._ended() from None
        return received

    def _ended(self) -> EmbvizError:
        self.process.join(timeout=1)
        return EmbvizError(
            f"The process running {self.module} ended unexpectedly (exit code "
            f"{self.process.exitcode}); it may have run out of memory. Try fewer points."
        )

    def close(self) -> None:
        """End the child now (it is killed if it is still working) and release its pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self._conn.close()
