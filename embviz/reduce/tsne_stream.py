"""openTSNE's optimiser run once, start to end, with its layouts streamed while it runs.

openTSNE's ``optimize`` cannot yield, and re-entering it in short chunks costs one extra gradient
evaluation per chunk (it evaluates the error of the final layout before it returns) plus the
set-up of every call. So the two phases (early exaggeration, then the rest) run as two plain
``optimize`` calls in a worker thread. The gradient is handed to openTSNE wrapped
(:class:`GradientWithoutError`), and the wrapper, which openTSNE calls once per iteration, hands
out a copy of the layout at most every ``PUBLISH_SECONDS`` and stops the optimiser when asked to
(Cancel: the task is closed), so Cancel waits for one iteration at most, at every size. The
result is the same run as openTSNE's ``TSNE.fit``: same phases, same optimiser state, same
layouts.

openTSNE's own callbacks are not used: at each callback it evaluates the KL divergence (a log per
affinity), and nothing here reads it. The wrapper also skips the evaluation after each phase,
which only yields that divergence; openTSNE's ``kl_divergence`` is then 0.

The task side (:meth:`OptimisationStream.run`) wakes every ``POLL_SECONDS`` so that Cancel and
progress stay prompt, and yields the newest layout whenever there is one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError

POLL_SECONDS = 0.2  # the task yields at least this often (Cancel, progress)
PUBLISH_SECONDS = 0.5  # a new partial layout at most this often (each one is drawn)
MOMENTUM = 0.8  # openTSNE's initial and final momentum
# openTSNE's own "auto" gradient: Barnes-Hut below this many rows, FFT from here
OPENTSNE_FFT_MIN_ROWS = 10_000

# Called before each gradient with (iterations done in this phase, layout); it may raise to stop.
Watch = Callable[[int, np.ndarray], None]


class Stopped(Exception):
    """Raised by a :data:`Watch` to end the optimisation (Cancel, divergence)."""


class GradientWithoutError:
    """openTSNE's gradient (``kl_divergence_fft`` or ``_bh``) for one ``optimize`` call of
    ``n_iter`` iterations, without the KL divergence openTSNE asks for at each callback (a log per
    affinity: at 100,000 rows, 14.2M affinities, one gradient took 0.38-0.91 CPU s and one with the
    divergence 1.1-1.7 s, benchmarks/tsne_iterations.py), and without the evaluation after the
    last iteration, which only yields that divergence (the gradient of a layout that is not moved
    again). ``watch``, when given, sees the layout before each gradient (one call per iteration).
    openTSNE takes a callable as ``negative_gradient_method`` and calls it as below."""

    def __init__(
        self,
        objective: Callable[..., tuple[float, np.ndarray]],
        n_iter: int,
        watch: Watch | None = None,
    ) -> None:
        self.objective = objective
        self.n_iter = n_iter
        self.watch = watch
        self.calls = 0
        self.evaluated = 0  # gradients computed (calls less the skipped final one)

    def __call__(self, embedding: np.ndarray, P: Any, **kwargs: Any) -> tuple[float, np.ndarray]:
        self.calls += 1
        if self.calls > self.n_iter and kwargs.get("should_eval_error"):
            return 0.0, np.zeros(embedding.shape)  # the final error evaluation: unused
        if self.watch is not None:
            self.watch(self.calls - 1, embedding)
        kwargs["should_eval_error"] = False
        self.evaluated += 1
        return self.objective(embedding, P, **kwargs)


def gradient_without_error(method: Any, n_iter: int, watch: Watch | None = None) -> Any:
    """``method`` ("fft", "bh" or a callable objective) as a :class:`GradientWithoutError`;
    anything else (a name openTSNE does not know) as it is, for openTSNE to reject."""
    from openTSNE import tsne

    if callable(method):
        return GradientWithoutError(method, n_iter, watch)
    named = {"fft": tsne.kl_divergence_fft, "bh": tsne.kl_divergence_bh}
    objective = named.get(method.lower()) if isinstance(method, str) else None
    return method if objective is None else GradientWithoutError(objective, n_iter, watch)


class OptimisationStream:
    def __init__(
        self, embedding: Any, early_iterations: int, exaggeration: float, total: int
    ) -> None:
        self.embedding = embedding  # openTSNE's TSNEEmbedding, optimised in place
        self._phases = ((early_iterations, exaggeration), (total - early_iterations, None))
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._snapshot: np.ndarray | None = None
        self._published = 0.0
        self._done = 0
        self._offset = 0
        self._diverged = False
        self._error: BaseException | None = None
        self._finished = False

    def _watch(self, iteration: int, embedding: np.ndarray) -> None:
        """Before each gradient: stop on Cancel, or on a layout that is no longer finite
        (openTSNE's FFT would crash on it); publish a copy at most every PUBLISH_SECONDS. Per
        iteration this is a flag, a clock and a finiteness check over 2 values a row: at 1,000
        rows a few microseconds against an iteration's milliseconds."""
        if self._stop.is_set():
            raise Stopped
        if not np.isfinite(embedding).all():
            self._diverged = True
            raise Stopped
        self._done = self._offset + iteration
        now = time.perf_counter()
        if now - self._published >= PUBLISH_SECONDS:
            snapshot = np.array(embedding, dtype=np.float32)
            with self._lock:
                self._snapshot = snapshot
                self._published = now
            self._wake.set()

    def _method(self) -> Any:
        """The gradient openTSNE would use ("auto" resolved as openTSNE resolves it)."""
        method = self.embedding.gradient_descent_params.get("negative_gradient_method", "auto")
        if isinstance(method, str) and method == "auto":
            return "bh" if len(self.embedding) < OPENTSNE_FFT_MIN_ROWS else "fft"
        return method

    def _optimise(self) -> None:
        method = self._method()
        exaggerated: float | None = None
        try:
            for n_iter, exaggeration in self._phases:
                if n_iter <= 0:
                    continue
                exaggerated = exaggeration if exaggeration not in (None, 1) else None
                self.embedding = self.embedding.optimize(
                    n_iter,
                    negative_gradient_method=gradient_without_error(method, n_iter, self._watch),
                    exaggeration=exaggeration,
                    momentum=MOMENTUM,
                    inplace=True,
                    propagate_exception=True,
                )
                exaggerated = None
                if not np.isfinite(self.embedding).all():  # the last update
                    self._diverged = True
                    break
                with self._lock:
                    self._offset += n_iter
                    self._done = self._offset
                    self._snapshot = np.array(self.embedding, dtype=np.float32)
                    self._published = time.perf_counter()
        except Stopped:
            # openTSNE multiplied P in place for the phase and divides it back only when a
            # phase ends: undo it, so the affinities stay as they were.
            if exaggerated is not None:
                self.embedding.affinities.P.data /= exaggerated
        except BaseException as exc:  # re-raised on the task's side
            self._error = exc
        finally:
            self._finished = True
            self._wake.set()

    def run(self) -> Generator[tuple[int, np.ndarray | None], None, None]:
        """(iterations done, newest layout or None) every POLL_SECONDS until the end."""
        thread = threading.Thread(target=self._optimise, name="embviz-tsne", daemon=True)
        self._published = time.perf_counter() - PUBLISH_SECONDS  # the first iteration publishes
        thread.start()
        try:
            finished = False
            while not finished:
                self._wake.wait(POLL_SECONDS)
                finished = self._finished
                with self._lock:
                    self._wake.clear()
                    snapshot, self._snapshot = self._snapshot, None
                    done = self._done
                if self._diverged:
                    raise EmbvizError(
                        "t-SNE diverged (coordinates became NaN or infinite); try a smaller "
                        "learning_rate or early_exaggeration."
                    )
                if self._error is not None:
                    raise self._error
                yield done, snapshot
        finally:  # Cancel (the task is closed) or the end: stop before the next iteration
            self._stop.set()
            thread.join()
