"""What is open, current, projected, searched and selected: the model the GUI views subscribe to.

The session holds state and emits plain psygnal events; it never calls a view and imports no Qt.
Work that takes time (loading, projecting) is done elsewhere and handed in when finished; a result
for a set that is no longer current is dropped, so a stale layout is never drawn.
"""

from __future__ import annotations

import numpy as np
from psygnal import Signal

from embviz.core.dataset import EmbeddingSet
from embviz.core.overlay import Overlay
from embviz.core.projection import Projection, projection_key
from embviz.core.search import SearchResult, search_labels


class Session:
    sets_changed = Signal()
    current_changed = Signal(object)  # EmbeddingSet | None
    projection_changed = Signal(object)  # Projection | None (partial ones too, while forming)
    quality_changed = Signal(object)  # the Projection whose info["quality"] was just filled in
    search_changed = Signal(object)  # SearchResult
    selection_changed = Signal(object)  # np.ndarray of rows
    overlays_changed = Signal(object)  # dict[str, Overlay]: what panels draw on the map
    metadata_changed = Signal(object)  # the set whose metadata columns changed
    focus_requested = Signal(object)  # np.ndarray of rows the map should centre on

    def __init__(self) -> None:
        self.sets: list[EmbeddingSet] = []
        self.current: EmbeddingSet | None = None
        self.projection: Projection | None = None
        self._projections: dict[int, Projection] = {}  # the layout last shown, per set
        self._cache: dict[tuple, Projection] = {}  # (set, method, params, dims) -> Projection
        self.search = SearchResult("", False, False)
        self.selection = np.empty(0, dtype=np.int64)
        self.overlays: dict[str, Overlay] = {}
        self.search_column: str | None = None  # None: labels

    # sets ---------------------------------------------------------------------------------
    def add_set(self, eset: EmbeddingSet) -> None:
        """Open a set and make it current; a set of the same name is kept under a new name."""
        names = {s.name for s in self.sets}
        base, n = eset.name, 2
        while eset.name in names:
            eset.name = f"{base} ({n})"
            n += 1
        self.sets.append(eset)
        self.sets_changed.emit()
        self.set_current(eset)

    def set_current(self, eset: EmbeddingSet) -> None:
        if eset is self.current:
            return
        if eset not in self.sets:
            raise ValueError(f"{eset.name} is not open in this session")
        self.current = eset
        self.projection = self._projections.get(id(eset))
        self.selection = np.empty(0, dtype=np.int64)
        self.overlays = {}
        self.overlays_changed.emit(self.overlays)
        self.current_changed.emit(eset)
        self.projection_changed.emit(self.projection)
        self.selection_changed.emit(self.selection)
        self.run_search(
            self.search.pattern,
            regex=self.search.regex,
            case_sensitive=self.search.case_sensitive,
            column=self.search_column,
            whole_word=self.search.whole_word,
        )

    # projection ---------------------------------------------------------------------------
    def set_projection(self, eset: EmbeddingSet, projection: Projection) -> bool:
        """Keep ``projection`` of ``eset``; draw it only if ``eset`` is still current.

        Finished projections are cached per (set, method, parameters, dims), so asking for the
        same one again is instant (:meth:`cached_projection`).
        """
        if eset not in self.sets:
            return False
        if not projection.partial:
            self._projections[id(eset)] = projection
            self._cache[(id(eset), *projection.key())] = projection
        if eset is not self.current:
            return False
        self.projection = projection
        self.projection_changed.emit(projection)
        return True

    def show_partial(self, eset: EmbeddingSet, projection: Projection) -> bool:
        """Draw a layout still forming (never cached); dropped if ``eset`` is not current."""
        projection.partial = True
        return self.set_projection(eset, projection)

    def cached_projection(
        self, eset: EmbeddingSet, method: str, params: dict, dims: int
    ) -> Projection | None:
        return self._cache.get((id(eset), *projection_key(method, params, dims)))

    def set_quality(self, eset: EmbeddingSet, projection: Projection, quality) -> None:
        """Attach quality numbers to a projection (kept with it in the cache)."""
        projection.info["quality"] = quality
        if eset is self.current and projection is self.projection:
            self.quality_changed.emit(projection)

    # search and selection -----------------------------------------------------------------
    def run_search(
        self,
        pattern: str,
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        column: str | None = None,
        whole_word: bool = False,
    ) -> None:
        """Search the labels, or the values of metadata ``column`` (when the set has it)."""
        eset = self.current
        self.search_column = column
        if eset is not None and column and column in eset.metadata:
            texts = [str(value) for value in eset.metadata[column].tolist()]
        else:
            texts = eset.labels if eset is not None else []
        self.search = search_labels(
            texts, pattern, regex=regex, case_sensitive=case_sensitive, whole_word=whole_word
        )
        self.search_changed.emit(self.search)

    def set_metadata(self, eset: EmbeddingSet, metadata: dict) -> None:
        """Replace a set's metadata columns (e.g. File > Add metadata) and say so."""
        eset.set_metadata(dict(metadata))
        self.metadata_changed.emit(eset)

    def rename_set(self, eset: EmbeddingSet, name: str) -> None:
        eset.name = name
        self.sets_changed.emit()

    def select(self, rows: np.ndarray | list[int]) -> None:
        self.selection = np.unique(np.asarray(rows, dtype=np.int64))
        self.selection_changed.emit(self.selection)

    def focus(self, rows: np.ndarray | list[int]) -> None:
        """Ask the map to centre on ``rows`` (e.g. a neighbour clicked in a panel)."""
        self.focus_requested.emit(np.asarray(rows, dtype=np.int64))

    # overlays -----------------------------------------------------------------------------
    def set_overlay(self, name: str, overlay: Overlay | None) -> None:
        """Draw ``overlay`` on the map under ``name`` (None removes it)."""
        if overlay is None:
            self.overlays.pop(name, None)
        else:
            self.overlays[name] = overlay
        self.overlays_changed.emit(self.overlays)

    def selection_text(self) -> str:
        """'nothing selected', 'selected: king' or 'selected: 12 points'."""
        if self.current is None or self.selection.size == 0:
            return "nothing selected"
        if self.selection.size == 1:
            return f"selected: {self.current.labels[int(self.selection[0])]}"
        return f"selected: {self.selection.size:,} points"
