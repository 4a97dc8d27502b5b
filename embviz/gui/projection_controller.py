"""Runs projections for the views of the model in workers and hands the results back to it.

Each view has its own "project" channel: a newer run for a view supersedes its running one. A run
remembers the set's version when it STARTS; its partial and final layouts are drawn only if the
view still shows that set at that version, and a finished layout is cached in the set's derived
cache only then (:func:`embviz.core.projection.keep_projection`). So a layout of older vectors
(a training epoch ago) is never drawn or cached as the current one.

A set shown without a layout gets its default projection (as is for <= 3 dims, else PCA); a set
whose vectors change is projected again with the method its view shows. Quality numbers are
computed on a runner of their own, so they never hold up the window's "idle".

A view whose map shows only its 3-D layout (``set_flat_hidden``) gets, when its vectors change
(a training epoch), the method's 3-D layout as its projection: one run an epoch, its partial
layouts drawn in 3-D. Its 2-D layout, which nobody sees, is computed once the flat map is shown
again. Before, each epoch ran the 2-D method and then the 3-D one (two t-SNE or UMAP runs, the
3-D one waiting for the other).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model
from embviz.core.projection import Projection, cached_projection, keep_projection
from embviz.core.tasks import Progress
from embviz.core.view_state import ViewState
from embviz.gui.errors import show_error
from embviz.gui.workers import TaskRunner
from embviz.reduce.params import as_dict, make_params
from embviz.reduce.registry import default_reducer_for, get_reducer, projection_task, reducers

PARTIAL_INTERVAL_S = 0.2
# Quality waits until a set's vectors have rested this long: while a model trains, each epoch's
# layout is superseded within a second, and estimating it meanwhile only held the GIL against the
# GUI thread (the estimate is Python-heavy; it was the busiest thread in benchmarks/epoch_redraw.py).
QUALITY_REST_S = 1.5
Version = tuple[int, int, int]


class ProjectionController(QObject):
    """The signals speak of the active view's runs (the projection panel shows them)."""

    started = Signal(str)  # description
    progressed = Signal(object)  # Progress of the running projection
    finished = Signal(bool)  # True: a layout was drawn; False: cancelled or failed
    partialDrawn = Signal(object)  # Projection
    qualityStarted = Signal()
    layoutCached = Signal(object)  # EmbeddingSet: a layout asked with draw=False is now cached

    def __init__(self, model: Model, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.model = model
        self.runner = runner
        self.window = window
        self.quality_runner = TaskRunner(self)
        self._quality_of: int | None = None  # uid of the set whose quality is being estimated
        self._run = 0
        self._runs: dict[int, tuple[int, EmbeddingSet, Version]] = {}  # view uid -> its run
        self._pending: dict[int, tuple[int, ViewState, EmbeddingSet, Projection, Version]] = {}
        self._watched: set[int] = set()
        self._flat_hidden: set[int] = set()  # uids of views whose map shows only 3-D
        self._in_3d: set[int] = set()  # ... and that show a 3-D layout for that reason
        self._last_partial = 0.0
        self._vectors_changed_at: dict[int, float] = {}  # set uid -> when its vectors changed
        self._quality_later: tuple[EmbeddingSet, Projection] | None = None
        self._quality_timer = QTimer(self, singleShot=True)
        self._quality_timer.timeout.connect(self._quality_rested)
        self._timer = QTimer(self, singleShot=True, interval=int(PARTIAL_INTERVAL_S * 1000))
        self._timer.timeout.connect(self._draw_pending)
        for view in model.views:
            self._watch(view)
        model.views_changed.connect(self._on_views_changed)
        model.vectors_changed.connect(self._on_vectors_changed)
        model.set_closed.connect(self._on_set_closed)

    # following the model --------------------------------------------------------------------
    def _on_views_changed(self) -> None:
        for view in self.model.views:
            if view.uid not in self._watched:
                self._watch(view)
        live = {view.uid for view in self.model.views}
        for uid in [uid for uid in self._runs if uid not in live]:
            self._cancel(uid)
        self._flat_hidden &= live
        self._in_3d &= live

    def _watch(self, view: ViewState) -> None:
        self._watched.add(view.uid)
        view.set_changed.connect(lambda eset: self._on_set_shown(view, eset))
        if view.eset is not None and view.projection is None:
            self.project(view.eset, view=view)

    def _on_set_shown(self, view: ViewState, eset: EmbeddingSet | None) -> None:
        if eset is not None and view.projection is None:
            self.project(eset, view=view)

    def _on_vectors_changed(self, eset: EmbeddingSet) -> None:
        """New vectors (a training epoch): every view showing the set is projected again."""
        self._vectors_changed_at[eset.uid] = time.monotonic()
        if self._quality_of == eset.uid:  # an estimate of the layout of older vectors
            self.quality_runner.cancel("quality")
            self._quality_of = None
        for view in self.model.views:
            if view.eset is eset:
                shown = view.projection
                if shown is None or shown.method not in reducers:  # e.g. an aligned layout
                    self.project(eset, view=view)
                elif (
                    view.uid in self._flat_hidden
                    and eset.dims >= 3
                    and (shown.dims < 3 or view.uid in self._in_3d)
                ):
                    # only the 3-D map is seen: the method's 3-D layout is the one shown (the
                    # hidden flat map moves to its first two axes); the 2-D one waits until
                    # the flat map is shown again (set_flat_hidden)
                    self.project(eset, shown.method, shown.params, 3, view=view)
                    self._in_3d.add(view.uid)
                else:
                    self.project(eset, shown.method, shown.params, shown.dims, view=view)

    def set_flat_hidden(self, view: ViewState, hidden: bool) -> None:
        """``view``'s map shows only its 3-D layout (True) or its flat one again (False). Shown
        again after epochs laid out in 3-D only, it gets the method's 2-D layout back."""
        if hidden:
            self._flat_hidden.add(view.uid)
            return
        self._flat_hidden.discard(view.uid)
        shown, eset = view.projection, view.eset
        if view.uid in self._in_3d and eset is not None and shown is not None:
            self.project(eset, shown.method, shown.params, 2, view=view)

    def _on_set_closed(self, eset: EmbeddingSet) -> None:
        for uid, (_run, running, _version) in list(self._runs.items()):
            if running is eset:
                self._cancel(uid)
        for dims in (2, 3):
            self.runner.cancel(f"layout-{eset.uid}-{dims}d")
        if self._quality_of == eset.uid:  # its vectors would be held until the estimate ends
            self.quality_runner.cancel("quality")
            self._quality_of = None

    # runs -----------------------------------------------------------------------------------
    def _channel(self, view: ViewState) -> str:
        return "project" if view is self.model.views[0] else f"project-{view.uid}"

    def is_running(self, view: ViewState | None = None) -> bool:
        return self.runner.is_busy(self._channel(view or self.model.active))

    def project(
        self,
        eset: EmbeddingSet,
        method: str | None = None,
        params: Any = None,
        dims: int = 2,
        *,
        view: ViewState | None = None,
        draw: bool = True,
    ) -> bool:
        """Show ``method``'s projection of ``eset`` in ``view`` (the active one): from the set's
        cache at once, else in a worker. Returns True when a run was started.

        ``draw=False``: only compute and cache it (the 3-D view asks for its layout so, while the
        2-D map keeps its own); ``layoutCached`` says when it is there."""
        view = view or self.model.active
        if draw:
            self._in_3d.discard(view.uid)  # what is asked for now is what the person chose
        if not draw:
            return self._cache_only(eset, method or default_reducer_for(eset.dims), params, dims)
        title = method or default_reducer_for(eset.dims)
        try:
            reducer = get_reducer(title)
            if params is None or isinstance(params, dict):
                params = make_params(reducer.params_type, params, reducer.name)
        except Exception as exc:
            show_error(self.window, "Projection failed", exc, title)
            return False
        self._run += 1
        run, version = self._run, eset.version
        self._pending.pop(view.uid, None)
        active = view is self.model.active
        cached = cached_projection(eset, reducer.name, as_dict(params), dims)
        if cached is not None:
            self._cancel(view.uid)
            self.model.set_projection(view, eset, cached, version)
            if active:
                self.finished.emit(True)
            return False
        self._runs[view.uid] = (run, eset, version)
        description = f"{reducer.title} of {eset.name}"
        handle = self.runner.run(
            self._channel(view),
            description,
            lambda: projection_task(eset, reducer.name, params, dims),
            on_result=lambda projection: self._on_result(run, view, eset, projection, version),
            on_error=lambda exc: self._on_error(run, view, exc, reducer.title),
            on_partial=lambda projection: self._on_partial(run, view, eset, projection, version),
        )
        if active:
            handle.progressed.connect(self._on_progress)
            self.started.emit(description)
        return True

    def _cache_only(self, eset: EmbeddingSet, method: str, params: Any, dims: int) -> bool:
        reducer = get_reducer(method)
        params = make_params(reducer.params_type, params, reducer.name)
        if cached_projection(eset, reducer.name, as_dict(params), dims) is not None:
            self.layoutCached.emit(eset)
            return False
        version = eset.version

        def done(projection: Projection) -> None:
            if eset in self.model.sets and keep_projection(eset, projection, version):
                self.layoutCached.emit(eset)

        self.runner.run(
            f"layout-{eset.uid}-{dims}d",
            f"{reducer.title} ({dims}-D) of {eset.name}",
            lambda: projection_task(eset, reducer.name, params, dims),
            on_result=done,
            on_error=lambda exc: self._show_error(exc, reducer.title),
        )
        return True

    def _show_error(self, exc: BaseException, title: str) -> None:
        show_error(self.window, "Projection failed", exc, title)

    def cancel(self, view: ViewState | None = None) -> None:
        self._cancel((view or self.model.active).uid)

    def _cancel(self, uid: int) -> None:
        self._runs.pop(uid, None)
        self._pending.pop(uid, None)
        view = next((v for v in self.model.views if v.uid == uid), None)
        channel = self._channel(view) if view is not None else f"project-{uid}"
        if self.runner.is_busy(channel):
            self.runner.cancel(channel)
            if view is self.model.active:
                self.finished.emit(False)

    def _is_current(self, run: int, view: ViewState) -> bool:
        found = self._runs.get(view.uid)
        return found is not None and found[0] == run

    # results --------------------------------------------------------------------------------
    def _on_progress(self, progress: Progress) -> None:
        self.progressed.emit(progress)

    def _on_partial(
        self, run: int, view: ViewState, eset: EmbeddingSet, projection: Any, version: Version
    ) -> None:
        if not self._is_current(run, view) or not isinstance(projection, Projection):
            return
        self._pending[view.uid] = (run, view, eset, projection, version)
        wait = PARTIAL_INTERVAL_S - (time.monotonic() - self._last_partial)
        if wait <= 0:
            self._draw_pending()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def _draw_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for run, view, eset, projection, version in pending.values():
            if not self._is_current(run, view):
                continue
            self._last_partial = time.monotonic()
            projection.partial = True
            if self.model.set_projection(view, eset, projection, version):
                if view is self.model.active:
                    self.partialDrawn.emit(projection)

    def _on_result(
        self, run: int, view: ViewState, eset: EmbeddingSet, projection: Projection, version: Any
    ) -> None:
        current = self._is_current(run, view)
        if current:
            self._runs.pop(view.uid, None)
            self._pending.pop(view.uid, None)
        self.model.set_projection(view, eset, projection, version)
        if current and view is self.model.active:
            self.finished.emit(True)

    def _on_error(self, run: int, view: ViewState, exc: BaseException, title: str) -> None:
        if self._is_current(run, view):
            self._runs.pop(view.uid, None)
            if view is self.model.active:
                self.finished.emit(False)
        show_error(self.window, "Projection failed", exc, title)

    # quality --------------------------------------------------------------------------------
    def compute_quality(self, eset: EmbeddingSet, projection: Projection) -> bool:
        """Trustworthiness, kNN recall@10 and per-point scores, in the background. False when
        it waits for the set's vectors to rest (a model training: it starts once they have)."""
        from embviz.reduce.quality import quality_task

        if projection.partial or "quality" in projection.info or len(eset) < 22:
            return True
        if projection.method == "as-is":  # the data's own coordinates: nothing was lost
            return True
        if not eset.vectors_loaded:  # still on disk (a partitioned atlas): not read for this
            return True
        rest = QUALITY_REST_S - (time.monotonic() - self._vectors_changed_at.get(eset.uid, -1e9))
        if rest > 0:
            self._quality_later = (eset, projection)
            self._quality_timer.start(int(rest * 1000) + 1)
            return False
        vectors, coords = eset.vectors, projection.coords
        self._quality_of = eset.uid
        self.quality_runner.run(
            "quality",
            f"quality of {projection.method}",
            lambda: quality_task(vectors, coords, k=10),
            on_result=lambda q: self._set_quality(projection, q),
            on_error=lambda exc: self._set_quality(projection, None),
        )
        self.qualityStarted.emit()
        return True

    def _quality_rested(self) -> None:
        """The estimate asked while the vectors changed, if its layout is still shown."""
        if self._quality_later is None:
            return
        eset, projection = self._quality_later
        self._quality_later = None
        shown = any(view.projection is projection for view in self.model.views)
        if shown and eset in self.model.sets:
            self.compute_quality(eset, projection)

    def _set_quality(self, projection: Projection, quality: Any) -> None:
        projection.info["quality"] = quality
        for view in self.model.views:
            if view.projection is projection:
                view.set_quality(projection, quality)
