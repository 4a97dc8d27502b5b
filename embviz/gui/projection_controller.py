"""Runs projections of the current set in a worker and hands the results to the session.

A new set starts with its default projection (as is for <= 3 dims, else PCA). A newer run
supersedes a running one (one "project" channel); partial layouts of the running one are drawn as
they come (at most every ~0.2 s), those of a superseded or cancelled one never are, and the
session drops a layout whose set is no longer current. Finished projections are cached per
(set, method, parameters, dims), so asking again is instant. Quality numbers are computed on a
runner of their own, so they never hold up the window's "idle".
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from embviz.core.dataset import EmbeddingSet
from embviz.core.projection import Projection
from embviz.core.session import Session
from embviz.core.tasks import Progress
from embviz.gui.errors import show_error
from embviz.gui.workers import TaskRunner
from embviz.reduce.params import as_dict, make_params
from embviz.reduce.registry import default_reducer_for, get_reducer, projection_task

PARTIAL_INTERVAL_S = 0.2


class ProjectionController(QObject):
    started = Signal(str)  # description
    progressed = Signal(object)  # Progress of the running projection
    finished = Signal(bool)  # True: a layout was drawn; False: cancelled or failed
    partialDrawn = Signal(object)  # Projection
    qualityStarted = Signal()

    def __init__(self, session: Session, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.runner = runner
        self.window = window
        self.quality_runner = TaskRunner(self)
        self._run = 0
        self._description = ""
        self._pending: tuple[int, EmbeddingSet, Projection] | None = None
        self._last_partial = 0.0
        self._timer = QTimer(self, singleShot=True, interval=int(PARTIAL_INTERVAL_S * 1000))
        self._timer.timeout.connect(self._draw_pending)
        session.current_changed.connect(self._on_current_changed)
        runner.progressChanged.connect(self._on_progress)

    def _on_current_changed(self, eset: EmbeddingSet | None) -> None:
        if eset is not None and self.session.projection is None:
            self.project(eset)

    def is_running(self) -> bool:
        return self.runner.is_busy("project")

    def project(
        self, eset: EmbeddingSet, method: str | None = None, params: Any = None, dims: int = 2
    ) -> bool:
        """Show ``method``'s projection of ``eset``: from the cache at once, else in a worker.

        Returns True when a run was started."""
        title = method or default_reducer_for(eset.dims)
        try:
            reducer = get_reducer(title)
            if params is None or isinstance(params, dict):
                params = make_params(reducer.params_type, params, reducer.name)
        except Exception as exc:
            show_error(self.window, "Projection failed", exc, title)
            return False
        self._run += 1
        run = self._run
        self._pending = None
        cached = self.session.cached_projection(eset, reducer.name, as_dict(params), dims)
        if cached is not None:
            self.runner.cancel("project")
            self.session.set_projection(eset, cached)
            self.finished.emit(True)
            return False
        self._description = f"{reducer.title} of {eset.name}"
        self.runner.run(
            "project",
            self._description,
            lambda: projection_task(eset, reducer.name, params, dims),
            on_result=lambda projection: self._on_result(run, eset, projection),
            on_error=lambda exc: self._on_error(run, exc, reducer.title),
            on_partial=lambda projection: self._on_partial(run, eset, projection),
        )
        self.started.emit(self._description)
        return True

    def cancel(self) -> None:
        self._run += 1
        self._pending = None
        self._timer.stop()
        if self.runner.is_busy("project"):
            self.runner.cancel("project")
            self.finished.emit(False)

    # results --------------------------------------------------------------------------------
    def _on_progress(self, description: str, progress: Progress) -> None:
        if description == self._description and self.is_running():
            self.progressed.emit(progress)

    def _on_partial(self, run: int, eset: EmbeddingSet, projection: Any) -> None:
        if run != self._run or not isinstance(projection, Projection):
            return
        self._pending = (run, eset, projection)
        wait = PARTIAL_INTERVAL_S - (time.monotonic() - self._last_partial)
        if wait <= 0:
            self._draw_pending()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def _draw_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None or pending[0] != self._run or not self.is_running():
            return
        _, eset, projection = pending
        self._last_partial = time.monotonic()
        if self.session.show_partial(eset, projection):
            self.partialDrawn.emit(projection)

    def _on_result(self, run: int, eset: EmbeddingSet, projection: Projection) -> None:
        if run == self._run:
            self._pending = None
            self._timer.stop()
        self.session.set_projection(eset, projection)
        if run == self._run:
            self.finished.emit(True)

    def _on_error(self, run: int, exc: BaseException, title: str) -> None:
        if run == self._run:
            self.finished.emit(False)
        show_error(self.window, "Projection failed", exc, title)

    # quality --------------------------------------------------------------------------------
    def compute_quality(self, eset: EmbeddingSet, projection: Projection) -> None:
        """Trustworthiness, kNN recall@10 and per-point scores, in the background."""
        from embviz.reduce.quality import quality_task

        if projection.partial or "quality" in projection.info or len(eset) < 22:
            return
        if projection.method == "as-is":  # the data's own coordinates: nothing was lost
            return
        self.quality_runner.run(
            "quality",
            f"quality of {projection.method}",
            lambda: quality_task(eset.vectors, projection.coords, k=10),
            on_result=lambda q: self.session.set_quality(eset, projection, q),
            on_error=lambda exc: self.session.set_quality(eset, projection, None),
        )
        self.qualityStarted.emit()
