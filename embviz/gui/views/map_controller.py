"""Connects the session to the maps: the 2-D/3-D switch, selection tools, colours and theme.

The main window owns one MapController. Session events go to both views (the 3-D one exists only
once asked for: it needs an OpenGL context). A 3-D layout comes from the projection in use when it
has 3 dims, else from the session's cache, else the projection controller is asked for one; the
2-D view keeps its layout meanwhile, so switching back and forth recomputes nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication, QComboBox, QStackedWidget

from embviz.core.colors import colour_by, colour_numeric
from embviz.gui.views.hit_list import HitList
from embviz.gui.views.map_toolbar import build_map_toolbar
from embviz.gui.views.scatter2d import ScatterView
from embviz.gui.views.themes import THEMES, palette_for

LABELS = "labels"
KEPT = "neighbourhood kept (projection quality)"  # per point: share of its 10 neighbours kept


class MapController:
    def __init__(self, window) -> None:
        self.window = window
        self.session = s = window.session
        self.view: ScatterView = window.view
        self.view3d = None
        self.stack = QStackedWidget(window)
        self.stack.addWidget(self.view)
        self.colour_column: str | None = None
        self.theme = str(window.settings.value("theme", "light"))
        self._layout3d: dict[int, np.ndarray] = {}  # set id -> 3-D coordinates
        self._asked3d: set[int] = set()
        self.search_in = QComboBox()
        self.search_in.setToolTip("Search the labels or a metadata column")
        self.search_in.addItem(LABELS)
        window.search_bar.layout().insertWidget(2, self.search_in)
        self.hit_list = HitList(s)
        window.add_dock("search-results", "Search results", self.hit_list)
        self.toolbar = build_map_toolbar(self)
        s.current_changed.connect(self._on_current)
        s.metadata_changed.connect(self._on_metadata)
        s.projection_changed.connect(self._on_projection)
        s.quality_changed.connect(self._on_quality)
        s.search_changed.connect(self._on_search)
        s.selection_changed.connect(lambda rows: self._each("set_selection", rows))
        s.overlays_changed.connect(self.view.set_overlays)
        s.focus_requested.connect(lambda rows: self.current_view().centre_on(rows))
        self.search_in.activated.connect(lambda _i: window.search_bar._emit_now())
        self.view.selectionDrawn.connect(self.select_rows)
        self.view.pointClicked.connect(self._on_clicked)
        self.set_theme(self.theme)

    # views --------------------------------------------------------------------------------
    def views(self) -> list:
        return [v for v in (self.view, self.view3d) if v is not None]

    def current_view(self):
        return self.stack.currentWidget()

    def _each(self, method: str, *args) -> None:
        for view in self.views():
            getattr(view, method)(*args)

    def show_3d(self, on: bool) -> bool:
        """Switch the central map to 3-D (True) or 2-D; False when no 3-D view can be made."""
        if not on:
            self.stack.setCurrentWidget(self.view)
            return True
        if self.view3d is None:
            try:
                from embviz.gui.views.scatter3d import Scatter3DView

                self.view3d = Scatter3DView(self.window)
            except Exception as exc:  # no OpenGL here
                self.window.statusBar().showMessage(f"3-D view unavailable: {exc}", 8000)
                return False
            self.view3d.pointClicked.connect(self._on_clicked)
            self.view3d.set_theme(self.theme)
            self.stack.addWidget(self.view3d)
            self._fill_3d()
        self.stack.setCurrentWidget(self.view3d)
        return True

    def _fill_3d(self) -> None:
        eset, projection = self.session.current, self.session.projection
        if self.view3d is None or eset is None or projection is None:
            return
        coords = self._layout3d.get(id(eset))
        if coords is None and projection.dims >= 3:
            coords = projection.coords
        if coords is None:
            cached = getattr(self.session, "cached_projection", None)
            found = cached(eset, projection.method, projection.params, 3) if cached else None
            if found is not None:
                coords = found.coords
        if coords is None and eset.dims >= 3 and id(eset) not in self._asked3d:
            self._asked3d.add(id(eset))
            self.window.statusBar().showMessage("Computing a 3-D layout…", 5000)
            self.window.projector.project(eset, projection.method, projection.params, dims=3)
        if coords is None:
            coords = projection.coords[:, :2]  # flat until the 3-D layout arrives
        cached = getattr(self.session, "cached_projection", None)  # axis titles of the 3-D one
        three = (
            projection
            if projection.dims >= 3
            else cached and cached(eset, projection.method, projection.params, 3)
        )
        titles = three.info.get("axis_titles") if three else None
        self.view3d.set_points(coords, eset.labels, axis_titles=titles)
        self._restore_state(self.view3d)

    def _restore_state(self, view) -> None:
        s = self.session
        view.set_colouring(self._colouring())
        view.set_hits(s.search.indices if s.search.active else np.empty(0, np.int64))
        view.set_selection(s.selection)
        view.set_point_size(self.view.point_size)
        view.set_opacity(self.view.opacity)

    # session -> views ---------------------------------------------------------------------
    def _on_current(self, eset) -> None:
        self._fill_search_columns(eset)
        self.colour_column = None

    def _fill_search_columns(self, eset) -> None:
        """Labels plus the set's metadata columns; the column searched stays chosen."""
        self.search_in.clear()
        self.search_in.addItem(LABELS)
        if eset is not None:
            self.search_in.addItems(list(eset.metadata))
        column = self.session.search_column
        if column and self.search_in.findText(column) >= 0:
            self.search_in.setCurrentText(column)

    def _on_metadata(self, eset) -> None:
        if eset is self.session.current:
            self._fill_search_columns(eset)

    def _on_projection(self, projection) -> None:
        eset = self.session.current
        if eset is None or projection is None:
            return
        if projection.dims >= 3 and not getattr(projection, "partial", False):
            self._layout3d[id(eset)] = projection.coords[:, :3]
        kept_2d = (
            projection.dims >= 3
            and id(eset) in self._asked3d
            and len(self.view.coords) == len(eset)
        )
        if not kept_2d:
            forming = bool(getattr(projection, "partial", False))
            self.view.set_points(
                projection.coords, eset.labels, _axis_titles(projection), forming=forming
            )
            self._restore_state(self.view)
        if self.view3d is not None:
            self._fill_3d()

    def _on_search(self, result) -> None:
        hits = result.indices if result.active else np.empty(0, dtype=np.int64)
        self._each("set_hits", hits)
        labels = self.session.current.labels if self.session.current is not None else []
        self.hit_list.show_result(result, labels)

    def run_search(self, pattern: str, regex: bool, case: bool, whole_word: bool = False) -> None:
        """Search the labels, or the metadata column chosen beside the search box."""
        column = self.search_in.currentText()
        self.session.run_search(
            pattern,
            regex=regex,
            case_sensitive=case,
            column=None if column == LABELS else column,
            whole_word=whole_word,
        )

    # selection ----------------------------------------------------------------------------
    def select_rows(self, rows: np.ndarray, op: str = "replace") -> None:
        current = self.session.selection
        if op == "add":
            rows = np.union1d(current, rows)
        elif op == "remove":
            rows = np.setdiff1d(current, rows)
        self.session.select(rows)

    def _on_clicked(self, row: int) -> None:
        if self.view.map_box.tool == "pan" or row >= 0:
            self.session.select([] if row < 0 else [row])

    def set_tool(self, tool: str) -> None:
        self.view.set_tool(tool)

    def set_isolated(self, on: bool) -> None:
        self._each("set_isolated", on)

    # appearance ---------------------------------------------------------------------------
    def _colouring(self):
        eset = self.session.current
        if self.colour_column == KEPT:
            projection = self.session.projection
            quality = projection.info.get("quality") if projection is not None else None
            if quality is None or eset is None or len(quality.kept) != len(eset):
                return None
            return colour_numeric(KEPT, quality.kept)
        if self.colour_column is None or eset is None or self.colour_column not in eset.metadata:
            return None
        return colour_by(self.colour_column, eset.metadata[self.colour_column])

    def _on_quality(self, projection) -> None:
        if self.colour_column == KEPT and projection is self.session.projection:
            self._each("set_colouring", self._colouring())

    def set_colour_column(self, column: str | None) -> None:
        self.colour_column = column or None
        self._each("set_colouring", self._colouring())

    def set_point_size(self, size: float) -> None:
        self._each("set_point_size", size)

    def set_opacity(self, opacity: float) -> None:
        self._each("set_opacity", opacity)

    def set_font_size(self, size: int) -> None:
        self.view.set_font_size(size)

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            name = "light"
        self.theme = name
        self.window.settings.setValue("theme", name)
        app = QApplication.instance()
        if app is not None:
            app.setPalette(palette_for(THEMES[name]))
        self._each("set_theme", name)


def _axis_titles(projection) -> tuple[str, str]:
    """What the reducer says its axes are: "PC3 (4.1%)", an expression, "dim 1"."""
    return projection.axis_titles
