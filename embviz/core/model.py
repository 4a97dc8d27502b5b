"""The evented model the GUI subscribes to: the open sets and the views that show them.

Qt-free (psygnal events, no Qt). The model holds

- ``sets``: the open :class:`EmbeddingSet` objects (open, rename, close; metadata and vectors
  change through the model so every listener hears of it);
- ``views``: one :class:`ViewState` per map (which set, projection, selection, search, overlays,
  colour), and the ``active`` one that panels act on;
- selection links: a selection made in one view selects the rows of the same labels in the others.

Panels subscribe to the model's events; the ``current_changed``, ``projection_changed``, ...
events repeat those of the *active* view, so a panel connects once and follows whichever map the
person works in. Nothing derived from a set is kept here: projections live in the set's own
derived cache (:mod:`embviz.core.projection`), so closing a set frees it and all it produced.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from psygnal import Signal

from embviz.core.dataset import EmbeddingSet
from embviz.core.overlay import Overlay
from embviz.core.projection import Projection, keep_projection
from embviz.core.search import SearchResult
from embviz.core.view_state import ViewState

SHOWN = ("shown-projection",)  # derived-cache key: the finished layout last shown of a set
FORWARDED = (  # a view's events that the model repeats while that view is the active one
    ("set_changed", "current_changed"),
    ("projection_changed", "projection_changed"),
    ("quality_changed", "quality_changed"),
    ("selection_changed", "selection_changed"),
    ("search_changed", "search_changed"),
    ("overlays_changed", "overlays_changed"),
    ("colour_changed", "colour_changed"),
    ("focus_requested", "focus_requested"),
    ("filter_changed", "filter_changed"),
)


class Model:
    sets_changed = Signal()  # a set was opened, closed or renamed
    set_added = Signal(object)  # EmbeddingSet
    set_closed = Signal(object)  # EmbeddingSet (already removed from ``sets``)
    metadata_changed = Signal(object)  # EmbeddingSet whose metadata columns changed
    vectors_changed = Signal(object)  # EmbeddingSet whose vectors were replaced
    full_attached = Signal(object)  # EmbeddingSet (its first rows) whose whole file is now .full
    views_changed = Signal()  # a view was added or removed
    active_changed = Signal(object)  # the ViewState panels now act on
    # the active view's events
    current_changed = Signal(object)  # EmbeddingSet | None
    projection_changed = Signal(object)  # Projection | None
    quality_changed = Signal(object)  # Projection
    selection_changed = Signal(object)  # np.ndarray of rows
    search_changed = Signal(object)  # SearchResult
    overlays_changed = Signal(object)  # dict[str, Overlay]
    colour_changed = Signal(object)  # str | None
    focus_requested = Signal(object)  # np.ndarray of rows
    filter_changed = Signal(object)  # np.ndarray[bool] | None: rows passing the active filters
    # the pointer rests on a word in a map: (the ViewState, its label | None when it leaves);
    # the other maps showing that label mark it too (hover linked by label, like selection)
    hovered = Signal(object, object)

    def __init__(self) -> None:
        self.sets: list[EmbeddingSet] = []
        self.views: list[ViewState] = []
        self.link_selection = True
        self._linking = False
        self.hovered_label: str | None = None
        # (source view uid, target view uid) -> label in source -> its labels in target: two
        # maps linked through pairs (a bilingual dictionary) instead of equal labels
        self._counterparts: dict[tuple[int, int], dict[str, list[str]]] = {}
        self.active = self.add_view("map")

    # the active view, read by panels ----------------------------------------------------------
    @property
    def current(self) -> EmbeddingSet | None:
        return self.active.eset

    @property
    def projection(self) -> Projection | None:
        return self.active.projection

    @property
    def selection(self) -> np.ndarray:
        return self.active.selection

    @property
    def search(self) -> SearchResult:
        return self.active.search

    @property
    def overlays(self) -> dict[str, Overlay]:
        return self.active.overlays

    def selection_text(self) -> str:
        return self.active.selection_text()

    def select(self, rows: np.ndarray | list[int]) -> None:
        self.active.select(rows)

    def focus(self, rows: np.ndarray | list[int]) -> None:
        self.active.focus(rows)

    def run_search(self, pattern: str, *, column: str | None = None, **options: Any) -> None:
        self.active.run_search(pattern, column=column, **options)

    def set_overlay(self, name: str, overlay: Overlay | None) -> None:
        self.active.set_overlay(name, overlay)

    def set_filter(self, name: str, mask: np.ndarray | None) -> None:
        self.active.set_filter(name, mask)

    @property
    def filter_mask(self) -> np.ndarray | None:
        return self.active.filter_mask

    # views ----------------------------------------------------------------------------------
    def add_view(self, name: str, eset: EmbeddingSet | None = None) -> ViewState:
        view = ViewState(name)
        for source, target in FORWARDED:
            getattr(view, source).connect(self._forwarder(view, target))
        view.selection_changed.connect(lambda rows: self._link(view, rows))
        self.views.append(view)
        self.views_changed.emit()
        if eset is not None:
            self.show(eset, view)
        return view

    def _forwarder(self, view: ViewState, target: str) -> Any:
        signal = getattr(self, target)

        def forward(value: Any) -> None:
            if view is self.active:
                signal.emit(value)

        return forward

    def remove_view(self, view: ViewState) -> None:
        if view is self.views[0]:
            raise ValueError("the main view cannot be removed")
        self.views.remove(view)
        for key in [key for key in self._counterparts if view.uid in key]:
            del self._counterparts[key]
        view.show_set(None)
        if view is self.active:
            self.set_active(self.views[0])
        self.views_changed.emit()

    def set_active(self, view: ViewState) -> None:
        """Panels now act on ``view``; they hear its whole state as events."""
        if view is self.active:
            return
        self.active = view
        self.active_changed.emit(view)
        self.current_changed.emit(view.eset)
        self.projection_changed.emit(view.projection)
        self.selection_changed.emit(view.selection)
        self.overlays_changed.emit(view.overlays)
        self.colour_changed.emit(view.colour_column)
        self.filter_changed.emit(view.filter_mask)
        self.search_changed.emit(view.search)

    def _link(self, source: ViewState, rows: np.ndarray) -> None:
        """Select the same labels in every other view (when linked)."""
        if self._linking or not self.link_selection or source.changing_set or source.eset is None:
            return
        labels = [source.eset.labels[int(r)] for r in rows]
        self._linking = True
        try:
            for view in self.views:
                if view is not source and view.eset is not None:
                    view.select(rows_of(view.eset, self.counterparts(source, view, labels)))
        finally:
            self._linking = False

    def set_counterparts(
        self, source: ViewState, target: ViewState, pairs: list[tuple[str, str]] | None
    ) -> None:
        """Link ``source`` and ``target`` (selection and hover, both ways) through ``pairs``
        (label in source, label in target) instead of equal labels; None: equal labels again.
        The link holds until either view shows another set."""
        self._counterparts.pop((source.uid, target.uid), None)
        self._counterparts.pop((target.uid, source.uid), None)
        if pairs is None:
            return
        forward: dict[str, list[str]] = {}
        backward: dict[str, list[str]] = {}
        for a, b in pairs:
            forward.setdefault(a, []).append(b)
            backward.setdefault(b, []).append(a)
        self._counterparts[(source.uid, target.uid)] = forward
        self._counterparts[(target.uid, source.uid)] = backward

    def counterparts(self, source: ViewState, target: ViewState, labels: list[str]) -> list[str]:
        """The labels in ``target`` that stand for ``labels`` of ``source``."""
        mapping = self._counterparts.get((source.uid, target.uid))
        if mapping is None:
            return labels
        return [other for label in labels for other in mapping.get(label, [])]

    def hover(self, view: ViewState, label: str | None) -> None:
        """The pointer rests on ``label`` in ``view`` (None: on no point); maps showing the
        same label elsewhere mark it while selection is linked."""
        if label is None and self.hovered_label is None:  # left nothing: nothing to say
            return
        self.hovered_label = label
        self.hovered.emit(view, label)

    # sets -----------------------------------------------------------------------------------
    def add_set(self, eset: EmbeddingSet, view: ViewState | None = None) -> None:
        """Open a set and show it in ``view`` (the active one); a taken name gets a number."""
        names = {s.name for s in self.sets}
        base, n = eset.name, 2
        while eset.name in names:
            eset.name = f"{base} ({n})"
            n += 1
        self.sets.append(eset)
        self.set_added.emit(eset)
        self.sets_changed.emit()
        self.show(eset, view)

    def show(self, eset: EmbeddingSet | None, view: ViewState | None = None) -> None:
        """Show ``eset`` in ``view`` (the active one), with the layout last shown of it."""
        view = view or self.active
        if eset is view.eset:
            return
        if eset is not None and eset not in self.sets:
            raise ValueError(f"{eset.name} is not open")
        shown = eset.peek_derived(SHOWN) if eset is not None else None
        version = eset.version if shown is not None and eset is not None else None
        for key in [key for key in self._counterparts if view.uid in key]:
            del self._counterparts[key]  # linked through pairs of the set it showed
        view.show_set(eset, shown, version)
        if eset is not None and self.link_selection:  # take the labels selected elsewhere
            for other in self.views:
                if other is not view and other.eset is not None and other.selection.size:
                    labels = [other.eset.labels[int(r)] for r in other.selection]
                    self._linking = True
                    try:
                        view.select(rows_of(eset, self.counterparts(other, view, labels)))
                    finally:
                        self._linking = False
                    break

    def close_set(self, eset: EmbeddingSet) -> None:
        """Close ``eset``: every view showing it moves to a neighbouring set (or none); nothing
        here keeps a reference to it afterwards."""
        if eset not in self.sets:
            return
        i = self.sets.index(eset)
        self.sets.remove(eset)
        successor = self.sets[min(i, len(self.sets) - 1)] if self.sets else None
        for view in self.views:
            if view.eset is eset:
                view.show_set(None)  # drop its rows first, then show the successor
                self.show(successor, view)
        self.set_closed.emit(eset)
        self.sets_changed.emit()

    def rename_set(self, eset: EmbeddingSet, name: str) -> None:
        eset.name = name
        self.sets_changed.emit()

    def set_metadata(self, eset: EmbeddingSet, metadata: dict[str, np.ndarray]) -> None:
        """Replace a set's metadata columns (e.g. File > Add metadata) and say so."""
        eset.set_metadata(dict(metadata))
        for view in self.views:
            if view.eset is eset:
                view.metadata_changed()
        self.metadata_changed.emit(eset)

    def replace_vectors(self, eset: EmbeddingSet, vectors: np.ndarray) -> None:
        """New vectors for the same rows (a training epoch): everything derived is dropped;
        views keep drawing the old layout, marked not current, until a new one arrives."""
        eset.replace_vectors(vectors)
        self.vectors_changed.emit(eset)

    def attach_full(self, shown: EmbeddingSet, full: EmbeddingSet) -> None:
        """The whole file of a set opened by its first rows (neighbour search can use it)."""
        shown.full = full
        self.full_attached.emit(shown)

    # projections ----------------------------------------------------------------------------
    def set_projection(
        self,
        view: ViewState,
        eset: EmbeddingSet,
        projection: Projection,
        version: tuple[int, int, int] | None,
    ) -> bool:
        """A projection of ``eset`` computed from it at ``version`` (its version when the run
        started). A finished one is kept in the set's cache; it is drawn in ``view`` only if the
        view still shows that set at that version. True when drawn."""
        if eset not in self.sets:
            return False
        if not projection.partial and keep_projection(eset, projection, version):
            uses_metadata = bool(projection.info.get("uses_metadata"))
            eset.store_derived(SHOWN, projection, version=version, uses_metadata=uses_metadata)
        if view not in self.views or view.eset is not eset:
            return False
        return view.set_projection(projection, version)


def rows_of(eset: EmbeddingSet, labels: list[str]) -> np.ndarray:
    """The rows of ``labels`` that ``eset`` has (others are skipped)."""
    rows = []
    for label in labels:
        try:
            rows.append(eset.index_of(label))
        except KeyError:
            continue
    return np.asarray(rows, dtype=np.int64)
