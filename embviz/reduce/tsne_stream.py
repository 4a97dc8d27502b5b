"""openTSNE's optimiser run once, start to end, with its layouts streamed while it runs.

openTSNE's ``optimize`` cannot yield, and re-entering it in short chunks costs one extra gradient
evaluation per chunk (it evaluates the error of the final layout before it returns) plus the
set-up of every call. So the two phases (early exaggeration, then the rest) run as two plain
``optimize`` calls in a worker thread, and openTSNE's own ``callbacks`` (every
``callbacks_every_iters`` iterations) hand out a copy of the layout at most every
``PUBLISH_SECONDS`` and stop the optimiser when asked to (Cancel: the task is closed). The result
is the same run as openTSNE's ``TSNE.fit``: same phases, same optimiser state, same layouts.

One difference, for speed: openTSNE evaluates the KL divergence at every callback and once more
after each phase, and nothing here reads it, so the gradient is handed to openTSNE wrapped
(:class:`GradientWithoutError`) to skip that work; openTSNE's ``kl_divergence`` is then 0.

The task side (:meth:`OptimisationStream.run`) wakes every ``POLL_SECONDS`` so that Cancel and
progress stay prompt, and yields the newest layout whenever there is one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError

POLL_SECONDS = 0.2  # the task yields at least this often (Cancel, progress)
PUBLISH_SECONDS = 0.5  # a new partial layout at most this often (each one is drawn)
MOMENTUM = 0.8  # openTSNE's initial and final momentum


class GradientWithoutError:
    """openTSNE's gradient (``kl_divergence_fft`` or ``_bh``) for one ``optimize`` call of
    ``n_iter`` iterations, without the KL divergence openTSNE asks for at each callback (a log per
    affinity: at 100,000 rows, 14.2M affinities, one gradient took 0.38-0.91 CPU s and one with the
    divergence 1.1-1.7 s, benchmarks/tsne_iterations.py; with a callback every 10 iterations that
    was ~60 of the ~100 CPU s by which the 100k fit trailed openTSNE's), and without the evaluation after the last iteration,
    which only yields that divergence (the gradient of a layout that is not moved again). openTSNE
    takes a callable as ``negative_gradient_method`` and calls it as below."""

    def __init__(self, objective: Callable[..., tuple[float, np.ndarray]], n_iter: int) -> None:
        self.objective = objective
        self.n_iter = n_iter
        self.calls = 0
        self.evaluated = 0  # gradients computed (calls less the skipped final one)

    def __call__(self, embedding: np.ndarray, P: Any, **kwargs: Any) -> tuple[float, np.ndarray]:
        self.calls += 1
        if self.calls > self.n_iter and kwargs.get("should_eval_error"):
            return 0.0, np.zeros(embedding.shape)  # the final error evaluation: unused
        kwargs["should_eval_error"] = False
        self.evaluated += 1
        return self.objective(embedding, P, **kwargs)


def gradient_without_error(method: Any, n_iter: int) -> Any:
    """``method`` ("fft", "bh") as a :class:`GradientWithoutError`; anything else as it is."""
    from openTSNE import tsne

    objective = {"fft": tsne.kl_divergence_fft, "bh": tsne.kl_divergence_bh}.get(method)
    return method if objective is None else GradientWithoutError(objective, n_iter)


def callback_every(rows: int) -> int:
    """Iterations between callbacks. openTSNE evaluates the KL divergence at each callback, which
    cost about half an iteration more (CPU seconds on one thread, 2,000 and 10,000 rows: 150
    iterations took 0.47 / 1.76 s without callbacks, 0.67 / 2.82 s with one every iteration, 0.50 /
    2.02 s every 5, 0.46 / 1.79 s every 25) and twice an iteration at 100k; GradientWithoutError
    now skips it, so a callback costs only the copy of a published layout. The intervals are the
    ones measured with the divergence (not re-tuned): Cancel waits at most 25 iterations, under 1 s
    up to 20,000 rows here; larger sets, whose iterations are slower, call back more often (Cancel
    stays within ~1-3 s)."""
    if rows <= 20_000:
        return 25
    if rows <= 100_000:
        return 10
    return 5


class OptimisationStream:
    def __init__(
        self, embedding: Any, early_iterations: int, exaggeration: float, total: int
    ) -> None:
        self.embedding = embedding  # openTSNE's TSNEEmbedding, optimised in place
        self._phases = ((early_iterations, exaggeration), (total - early_iterations, None))
        self._every = callback_every(len(embedding))
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

    def _callback(self, iteration: int, error: float, embedding: np.ndarray) -> bool:
        if not np.isfinite(embedding).all():  # openTSNE's FFT would crash on it
            self._diverged = True
            return True
        now = time.perf_counter()
        with self._lock:
            self._done = self._offset + iteration
            if now - self._published >= PUBLISH_SECONDS:
                self._snapshot = np.array(embedding, dtype=np.float32)
                self._published = now
                self._wake.set()
        return self._stop.is_set()

    def _optimise(self) -> None:
        from openTSNE.tsne import OptimizationInterrupt

        try:
            method = self.embedding.gradient_descent_params.get("negative_gradient_method")
            for n_iter, exaggeration in self._phases:
                if n_iter <= 0:
                    continue
                self.embedding = self.embedding.optimize(
                    n_iter,
                    negative_gradient_method=gradient_without_error(method, n_iter),
                    exaggeration=exaggeration,
                    momentum=MOMENTUM,
                    inplace=True,
                    propagate_exception=True,
                    callbacks=self._callback,
                    callbacks_every_iters=min(self._every, n_iter),
                )
                with self._lock:
                    self._offset += n_iter
                    self._done = self._offset
                    self._snapshot = np.array(self.embedding, dtype=np.float32)
                    self._published = time.perf_counter()
        except OptimizationInterrupt:
            pass
        except BaseException as exc:  # re-raised on the task's side
            self._error = exc
        finally:
            self._finished = True
            self._wake.set()

    def run(self) -> Iterator[tuple[int, np.ndarray | None]]:
        """(iterations done, newest layout or None) every POLL_SECONDS until the end."""
        thread = threading.Thread(target=self._optimise, name="embviz-tsne", daemon=True)
        self._published = time.perf_counter() - PUBLISH_SECONDS  # the first callback publishes
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
        finally:  # Cancel (the task is closed) or the end: stop at the next callback
            self._stop.set()
            thread.join()
