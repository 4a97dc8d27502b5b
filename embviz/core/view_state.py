"""What one map shows: which set, its projection, selection, search, overlays and colour column.

A :class:`ViewState` is Qt-free and announces each change with its own psygnal event. When the set
changes, everything that belonged to the previous set (projection, selection, hits, overlays) is
replaced *before* any event is emitted, so a listener never sees rows of one set next to the
coordinates of another (the cause of "index 246 is out of bounds for axis 0 with size 0").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psygnal import Signal

from embviz.core.dataset import EmbeddingSet
from embviz.core.overlay import Overlay
from embviz.core.projection import Projection
from embviz.core.search import SearchResult, search_labels

_VIEW_IDS = itertools.count(1)


def no_rows() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class SearchQuery:
    """What was asked: the pattern, the column searched (None: labels) and search options
    (``regex``, ``case_sensitive`` and whatever else :func:`search_labels` accepts)."""

    pattern: str = ""
    column: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


class ViewState:
    """The state of one view; the model holds a list of them (two maps can show two sets)."""

    set_changed = Signal(object)  # EmbeddingSet | None (every field below was reset with it)
    projection_changed = Signal(object)  # Projection | None (a partial one while forming)
    quality_changed = Signal(object)  # the shown Projection, its info["quality"] just filled in
    selection_changed = Signal(object)  # np.ndarray of rows
    search_changed = Signal(object)  # SearchResult
    overlays_changed = Signal(object)  # dict[str, Overlay]
    colour_changed = Signal(object)  # str | None: the metadata column that colours the points
    focus_requested = Signal(object)  # np.ndarray of rows to centre on
    filter_changed = Signal(object)  # np.ndarray[bool] of rows passing every filter, or None
    columns_changed = Signal(object)  # EmbeddingSet: the shown set's metadata columns changed

    def __init__(self, name: str = "map") -> None:
        self.uid = next(_VIEW_IDS)
        self.name = name
        self.eset: EmbeddingSet | None = None
        self.projection: Projection | None = None
        self.projection_version: tuple[int, int, int] | None = None  # the set's version it shows
        self.selection = no_rows()
        self.query = SearchQuery()
        self.search = SearchResult("", False, False)
        self.overlays: dict[str, Overlay] = {}
        self.colour_column: str | None = None
        self.filters: dict[str, np.ndarray] = {}  # name -> bool mask over the rows
        self.filter_mask: np.ndarray | None = None  # rows passing every filter (None: no filter)
        self.changing_set = False  # True while the events of a set change are emitted

    def __repr__(self) -> str:
        return f"ViewState({self.name!r}, set={self.eset.name if self.eset else None!r})"

    # the set --------------------------------------------------------------------------------
    def show_set(
        self,
        eset: EmbeddingSet | None,
        projection: Projection | None = None,
        version: tuple[int, int, int] | None = None,
    ) -> None:
        """Show ``eset`` (with a finished ``projection`` of it at ``version``, if one is known)."""
        self.eset = eset
        fresh = eset is not None and projection is not None and version == eset.version
        self.projection = projection if fresh else None
        self.projection_version = version if fresh else None
        self.selection = no_rows()
        self.overlays = {}
        self.filters, self.filter_mask = {}, None
        if eset is None or self.colour_column not in eset.metadata:
            self.colour_column = None
        self.search = self._search()
        self.changing_set = True
        try:
            self.set_changed.emit(eset)
            self.projection_changed.emit(self.projection)
            self.selection_changed.emit(self.selection)
            self.overlays_changed.emit(self.overlays)
            self.filter_changed.emit(self.filter_mask)
            self.colour_changed.emit(self.colour_column)
            self.search_changed.emit(self.search)
        finally:
            self.changing_set = False

    def metadata_changed(self) -> None:
        """The shown set's metadata columns changed: a column search follows, and a layout
        that does not use the metadata stays current (its vectors did not change)."""
        eset, projection, version = self.eset, self.projection, self.projection_version
        if (
            eset is not None
            and projection is not None
            and version is not None
            and tuple(version[:2]) == eset.version[:2]
            and not projection.info.get("uses_metadata")
        ):
            self.projection_version = eset.version
        if self.query.column is not None:
            self.search = self._search()
            self.search_changed.emit(self.search)
        self.columns_changed.emit(self.eset)

    # projection -----------------------------------------------------------------------------
    @property
    def projection_is_current(self) -> bool:
        """A projection is shown and it was computed from the set's present vectors."""
        return (
            self.eset is not None
            and self.projection is not None
            and self.projection_version == self.eset.version
        )

    def set_projection(self, projection: Projection, version: tuple[int, int, int] | None) -> bool:
        """Show ``projection`` computed from the shown set at ``version``; refused (False) when
        the set is another one or has changed since: an old layout is never drawn as current."""
        if self.eset is None or version is None or tuple(version) != self.eset.version:
            return False
        self.projection = projection
        self.projection_version = self.eset.version
        self.projection_changed.emit(projection)
        return True

    def set_quality(self, projection: Projection, quality: Any) -> None:
        projection.info["quality"] = quality
        if projection is self.projection:
            self.quality_changed.emit(projection)

    # selection, search, overlays, colour ------------------------------------------------------
    def select(self, rows: np.ndarray | list[int]) -> None:
        n = len(self.eset) if self.eset is not None else 0
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        self.selection = rows[(rows >= 0) & (rows < n)]
        self.selection_changed.emit(self.selection)

    def focus(self, rows: np.ndarray | list[int]) -> None:
        self.focus_requested.emit(np.asarray(rows, dtype=np.int64))

    def run_search(self, pattern: str, *, column: str | None = None, **options: Any) -> None:
        """Search the labels, or the values of metadata ``column`` (when the set has it)."""
        self.query = SearchQuery(pattern, column, dict(options))
        self.search = self._search()
        self.search_changed.emit(self.search)

    def _search(self) -> SearchResult:
        eset, query = self.eset, self.query
        texts: Sequence[str] = []
        if eset is not None and query.column and query.column in eset.metadata:
            texts = [str(value) for value in eset.metadata[query.column].tolist()]
        elif eset is not None:
            texts = eset.labels
        return search_labels(texts, query.pattern, **query.options)

    def set_overlay(self, name: str, overlay: Overlay | None) -> None:
        """Draw ``overlay`` under ``name`` (None removes it); each panel replaces only its own."""
        if overlay is None:
            if name not in self.overlays:
                return  # nothing to remove: the map is not redrawn (labels placed again) for it
            self.overlays.pop(name)
        else:
            self.overlays[name] = overlay
        self.overlays_changed.emit(self.overlays)

    def set_colour_column(self, column: str | None) -> None:
        self.colour_column = column or None
        self.colour_changed.emit(self.colour_column)

    # filters --------------------------------------------------------------------------------
    def set_filter(self, name: str, mask: np.ndarray | None) -> None:
        """Keep only rows where ``mask`` is True, under ``name`` (None removes that filter).

        Each panel or widget owns its named filters (one per histogram, one per text match);
        the rows shown are those passing all of them. A mask must have one value per row."""
        if mask is None:
            if name not in self.filters:
                return
            self.filters.pop(name)
        else:
            mask = np.asarray(mask, dtype=bool)
            n = len(self.eset) if self.eset is not None else 0
            if mask.shape != (n,):
                raise ValueError(f"filter {name!r} has {mask.size} values for {n} rows")
            self.filters[name] = mask
        self.filter_mask = combine_filters(self.filters.values())
        self.filter_changed.emit(self.filter_mask)

    def clear_filters(self) -> None:
        if self.filters:
            self.filters, self.filter_mask = {}, None
            self.filter_changed.emit(None)

    def passing_rows(self) -> np.ndarray:
        """Rows that pass every filter (all rows when none is set)."""
        n = len(self.eset) if self.eset is not None else 0
        if self.filter_mask is None:
            return np.arange(n, dtype=np.int64)
        return np.flatnonzero(self.filter_mask).astype(np.int64)

    def selection_text(self) -> str:
        """'nothing selected', 'selected: king' or 'selected: 12 points'."""
        if self.eset is None or self.selection.size == 0:
            return "nothing selected"
        if self.selection.size == 1:
            return f"selected: {self.eset.labels[int(self.selection[0])]}"
        return f"selected: {self.selection.size:,} points"


def combine_filters(masks: Iterable[np.ndarray]) -> np.ndarray | None:
    """The rows passing every mask (None when there is none)."""
    combined: np.ndarray | None = None
    for mask in masks:
        combined = mask.copy() if combined is None else combined & mask
    return combined
