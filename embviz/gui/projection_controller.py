"""Runs the projection of the current set in a worker and hands the result to the session.

A new set starts with its default projection (as is for <= 3 dims, else PCA). A newer run
supersedes a running one (one "project" channel), and the session drops a layout whose set is
no longer current, so a stale layout is never drawn.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from embviz.core.dataset import EmbeddingSet
from embviz.core.session import Session
from embviz.gui.errors import show_error
from embviz.gui.workers import TaskRunner
from embviz.reduce.registry import default_reducer_for, reducers


class ProjectionController(QObject):
    def __init__(self, session: Session, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.runner = runner
        self.window = window
        session.current_changed.connect(self._on_current_changed)

    def _on_current_changed(self, eset: EmbeddingSet | None) -> None:
        if eset is not None and self.session.projection is None:
            self.project(eset)

    def project(
        self, eset: EmbeddingSet, method: str | None = None, params: Any = None, dims: int = 2
    ) -> None:
        reducer = reducers.get(method or default_reducer_for(eset.dims))
        self.runner.run(
            "project",
            f"{reducer.title} of {eset.name}",
            lambda: reducer.run(eset.vectors, params, dims),
            on_result=lambda projection: self.session.set_projection(eset, projection),
            on_error=lambda exc: show_error(self.window, "Projection failed", exc, reducer.title),
        )
