"""Draws one ViewState of the model in a map: the 2-D view, and the 3-D one once asked for.

Each map has its own controller and its own :class:`~embviz.core.view_state.ViewState`. The
controller draws rows (hits, selection, overlays, colours) only on coordinates of the set they
belong to: a change of set replaces the whole state before any event, and rows are applied only
once the points of that set are drawn. A 3-D layout comes from the shown projection when it has
3 dims, else from the set's derived cache, else it is computed (and cached) without replacing the
2-D layout, so switching back and forth recomputes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QStackedWidget

from embviz.core.colors import colour_numeric, colouring_for
from embviz.core.projection import Projection, cached_projection, projection_key
from embviz.core.raster import GRID_KEY
from embviz.core.view_state import ViewState, no_rows
from embviz.gui.views.graph_layer import GraphLayer
from embviz.gui.views.map_toolbar import build_map_toolbar
from embviz.gui.views.point_motion import relayout
from embviz.gui.views.relayout3d import relayout3d
from embviz.gui.views.scatter2d import ScatterView
from embviz.gui.views.themes import THEMES, palette_for
from embviz.gui.views.thumbnail_layer import ThumbnailLayer
from embviz.gui.views.topic_layer import TopicLayer
from embviz.reduce.registry import reducers

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet
    from embviz.gui.views.scatter3d import Scatter3DView

KEPT = "neighbourhood kept (projection quality)"  # per point: share of its 10 neighbours kept
# A new layout of the rows drawn (a training epoch, a forming t-SNE) only moves the points
# (point_motion.relayout, relayout3d); False: every layout is drawn afresh
# (benchmarks/epoch_redraw.py compares the two in one run).
COORDS_ONLY = True


class _Activator(QObject):
    """A press in a map makes its view the one the panels act on."""

    def __init__(self, controller: MapController) -> None:
        super().__init__(controller.stack)
        self.controller = controller

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.MouseButtonPress:
            self.controller.session.set_active(self.controller.state)
        return False


class MapController:
    def __init__(
        self,
        window,
        state: ViewState | None = None,
        view: ScatterView | None = None,
        toolbar: bool = True,
    ) -> None:
        self.window = window
        self.session = window.session  # the model
        self.state = state = state or self.session.views[0]
        self.view: ScatterView = view or window.view
        self.view3d: Scatter3DView | None = None  # made when first asked (needs OpenGL)
        # (set, flat, the layout's coords) the 3-D map draws
        self._drawn3d: tuple[EmbeddingSet, bool, np.ndarray | None] | None = None
        self.siblings: list[MapController] = []  # maps beside this one: appearance follows
        self.stack = QStackedWidget(window)
        self.stack.addWidget(self.view)
        self.theme = str(window.settings.value("theme", "light"))
        self._drawn: tuple[object, Projection | None] = (None, None)  # (set, projection) drawn
        self._drawn_metadata = -1  # the drawn set's metadata version (its colours follow it)
        self._activator = _Activator(self)
        self.view.viewport().installEventFilter(self._activator)
        self.toolbar = build_map_toolbar(self) if toolbar else None
        # names and contours from the topic columns (large sets: laid out in a worker)
        self.topic_layer = TopicLayer(self.view, window.runner, f"topic-layer-{state.uid}")
        state.columns_changed.connect(lambda _eset: self._draw_topics())
        self.graph_layer = GraphLayer(self.view)  # a graph's edges (selection), Poincaré disk
        state.set_changed.connect(lambda _eset: self._draw())
        state.projection_changed.connect(self._on_projection)
        state.selection_changed.connect(lambda rows: self._each("set_selection", rows))
        state.selection_changed.connect(self._draw_graph)
        state.columns_changed.connect(self._draw_graph)  # a graph's edges arrive with columns
        state.search_changed.connect(lambda _r: self._each("set_hits", self._hits()))
        state.overlays_changed.connect(self._on_overlays)
        state.colour_changed.connect(lambda _c: self._each("set_colouring", self._colouring()))
        state.colour_changed.connect(lambda _c: self.topic_layer.place())  # names avoid a legend
        state.quality_changed.connect(self._on_quality)
        state.focus_requested.connect(lambda rows: self.current_view().centre_on(rows))
        state.filter_changed.connect(lambda _m: self._each_filter())
        window.projector.layoutCached.connect(self._on_layout_cached)
        self.view.selectionDrawn.connect(self.select_rows)
        self.view.pointClicked.connect(self._on_clicked)
        self.view.pointHovered.connect(self._on_hovered)
        self.session.hovered.connect(self._on_linked_hover)
        self.set_theme(self.theme)
        self._draw()
        self.thumbnails = ThumbnailLayer(self)  # a set's images, by level of detail (after _draw)

    # views --------------------------------------------------------------------------------
    def views(self) -> list:
        return [v for v in (self.view, self.view3d) if v is not None]

    def current_view(self):
        return self.stack.currentWidget()

    def _drawn_here(self) -> bool:
        """The points drawn are those of the shown set (rows can be applied to them)."""
        eset = self.state.eset
        return eset is not None and self._drawn[0] is eset and self._drawn[1] is not None

    def _each(self, method: str, *args) -> None:
        if not self._drawn_here():
            return  # nothing of this set is drawn yet: the rows are applied when it is
        for view in self.views():
            getattr(view, method)(*args)

    def show_3d(self, on: bool) -> bool:
        """Switch the central map to 3-D (True) or 2-D; False when no 3-D view can be made."""
        if not on:
            self.stack.setCurrentWidget(self.view)
            self.window.projector.set_flat_hidden(self.state, False)  # its epochs again
            return True
        if self.view3d is None:
            try:
                from embviz.gui.views.scatter3d import Scatter3DView

                view3d = Scatter3DView(self.window)
            except Exception as exc:  # no OpenGL here
                self.window.statusBar().showMessage(f"3-D view unavailable: {exc}", 8000)
                return False
            self.view3d = view3d
            view3d.pointClicked.connect(self._on_clicked)
            view3d.installEventFilter(self._activator)
            view3d.set_theme(self.theme)
            self.stack.addWidget(view3d)
            self.stack.setCurrentWidget(view3d)
            self._fill_3d()
        else:  # hidden, it asked for no 3-D layout: that of the present vectors, if not drawn
            self.stack.setCurrentWidget(self.view3d)
            self._fill_3d(move=True)
        self.window.projector.set_flat_hidden(self.state, True)  # epochs: the 3-D layout alone
        return True

    # drawing the state --------------------------------------------------------------------
    def _draw(self) -> None:
        """Draw the state's set and projection, then its rows (hits, selection, overlays)."""
        eset, projection = self.state.eset, self.state.projection
        self._drawn = (eset, projection)
        self._drawn_metadata = eset.metadata_version if eset is not None else -1
        with self.view.label_layer.held():  # the labels are placed once, at the end
            if eset is None or projection is None:
                self.view.set_points(None, [])
            else:
                self.view.set_points(
                    projection.coords,
                    eset.labels,
                    projection.axis_titles,
                    keep_view=bool(projection.info.get("keep_view")),  # a played sequence
                    forming=projection.partial,
                    grid=eset.peek_derived(GRID_KEY),  # made by a big atlas's reader
                )
                self._restore_state(self.view)
            self._draw_topics()
            self._draw_graph(fit=True)
        if self.view3d is not None:
            self._fill_3d()

    def _draw_topics(self) -> None:
        self.topic_layer.show(self.state.eset, self.state.projection)
        self._draw_topics_3d()

    def _draw_topics_3d(self) -> None:
        """The 3-D map's topic names: the shown set's columns on the positions it draws."""
        projection = self.state.projection
        if self.view3d is not None:
            names = self.view3d.topic_names
            names.names_shown = lambda: self.topic_layer.show_names  # the panel's check box
            names.runner, names.channel = self.window.runner, f"topic-names-3d-{self.state.uid}"
            names.show(self.state.eset, projection is None or projection.partial)

    def _draw_graph(self, _rows=None, fit: bool = False) -> None:
        """The disk and the selection's edges, on the points drawn (not a set not yet drawn)."""
        drawn = self._drawn_here()
        self.graph_layer.show(self.state.eset if drawn else None, self.state.projection, fit)
        if drawn:
            self.graph_layer.set_selection(self.state.selection)

    def _fill_3d(self, move: bool = False) -> None:
        """Draw the 3-D layout of the state's set; ``move``: it is a new layout of the rows the
        3-D map draws (a training epoch, another method), whose points then only move
        (relayout3d: the camera, colours, hits, selection and filter stay)."""
        eset, projection = self.state.eset, self.state.projection
        if self.view3d is None:
            return
        if eset is None or projection is None:
            self.view3d.set_points(None, [])
            self._drawn3d = None
            self._draw_topics_3d()
            return
        three = (
            projection
            if projection.dims >= 3
            else cached_projection(eset, projection.method, projection.params, 3)
        )
        coords = three.coords if three is not None else None
        known = projection.method in reducers  # an aligned layout has no 3-D counterpart
        seen = self.current_view() is self.view3d  # a hidden 3-D map asks for no layout
        if coords is None and eset.dims >= 3 and not projection.partial and known and seen:
            asked = ("asked-3d", *projection_key(projection.method, projection.params, 3))
            if eset.peek_derived(asked) is None:
                eset.store_derived(asked, True, version=eset.version)
                self.window.statusBar().showMessage("Computing a 3-D layout…", 5000)
                self.window.projector.project(
                    eset, projection.method, projection.params, dims=3, view=self.state, draw=False
                )
        view3d = self.view3d
        flat = coords is None
        drawn = self._drawn3d
        if move and drawn is not None and drawn[0] is eset and drawn[2] is coords is not None:
            return  # this very layout is drawn (the 3-D map shown again, nothing changed)
        same = (
            move
            and drawn is not None
            and drawn[0] is eset
            and view3d.labels is eset.labels
            and len(view3d.coords) == len(eset)
        )
        if same and flat and drawn is not None and not drawn[1]:
            return  # its last 3-D layout stays until this one's arrives (not a flat one between)
        if coords is None:
            coords = projection.coords[:, :2]  # flat until the 3-D layout arrives
        titles = three.info.get("axis_titles") if three is not None else None
        if same:
            # the first 3-D layout after the flat one is framed, as a fresh 3-D map is
            relayout3d(view3d, coords, titles or (), frame=bool(drawn and drawn[1] and not flat))
            if self.state.colour_column == KEPT:
                view3d.set_colouring(self._colouring())
        else:
            view3d.set_points(coords, eset.labels, axis_titles=titles)
            self._restore_state(view3d)
        self._drawn3d = (eset, flat, coords if not flat else None)
        self._draw_topics_3d()

    def _on_layout_cached(self, eset) -> None:
        if eset is self.state.eset and self.view3d is not None:
            self._fill_3d(move=COORDS_ONLY)

    def _restore_state(self, view) -> None:
        state = self.state
        view.set_colouring(self._colouring())
        view.set_hits(self._hits())
        view.set_selection(state.selection)
        if hasattr(view, "set_overlays"):
            view.set_overlays(state.overlays)
        if hasattr(view, "set_filter"):  # the 2-D map fades rows a filter leaves out
            view.set_filter(state.filter_mask)
        view.set_point_size(self.view.point_size)
        view.set_opacity(self.view.opacity)

    def _hits(self) -> np.ndarray:
        result = self.state.search
        return result.indices if result.active else no_rows()

    def _on_projection(self, projection) -> None:
        if self.state.eset is self._drawn[0] and projection is self._drawn[1]:
            return
        if COORDS_ONLY and self._same_rows(projection):
            self._relayout(projection)
        else:
            self._draw()

    def _same_rows(self, projection) -> bool:
        """``projection`` lays out the very rows drawn, whose metadata (colours) is unchanged."""
        eset, shown = self.state.eset, self._drawn[1]
        if eset is None or self._drawn[0] is not self.state.eset:
            return False
        return (
            shown is not None
            and projection is not None
            and eset.metadata_version == self._drawn_metadata
            and self.view.labels is eset.labels
            and len(projection.coords) == len(eset) == len(self.view.coords)
        )

    def _relayout(self, projection: Projection) -> None:
        """A new layout of the drawn rows: the points move; colours, hits, selection, filter
        and overlays stay as they are (they are rows), so nothing of them is rebuilt."""
        eset = self.state.eset
        self._drawn = (eset, projection)
        relayout(
            self.view,
            projection.coords,
            projection.axis_titles,
            keep_view=bool(projection.info.get("keep_view")),
            forming=projection.partial,
            grid=eset.peek_derived(GRID_KEY) if eset is not None else None,
        )
        if self.state.colour_column == KEPT:  # the quality of this layout, when it comes
            self.view.set_colouring(self._colouring())
        self._draw_topics()
        self._draw_graph(fit=True)
        if self.view3d is not None:
            self._fill_3d(move=True)

    def _on_overlays(self, overlays) -> None:
        if self._drawn_here():
            self.view.set_overlays(overlays)

    # selection ----------------------------------------------------------------------------
    def select_rows(self, rows: np.ndarray, op: str = "replace") -> None:
        current = self.state.selection
        if op == "add":
            rows = np.union1d(current, rows)
        elif op == "remove":
            rows = np.setdiff1d(current, rows)
        self.state.select(rows)

    def _each_filter(self) -> None:
        if self._drawn_here():
            for view in self.views():
                if hasattr(view, "set_filter"):
                    view.set_filter(self.state.filter_mask)

    def _on_clicked(self, row: int) -> None:
        if self.view.map_box.tool == "pan" or row >= 0:
            self.state.select([] if row < 0 else [row])

    # hover, linked by label ----------------------------------------------------------------
    def _on_hovered(self, row: int) -> None:
        eset = self.state.eset
        inside = self._drawn_here() and eset is not None and 0 <= row < len(eset)
        self.session.hover(self.state, eset.labels[row] if inside and eset is not None else None)

    def _on_linked_hover(self, source: ViewState, label: str | None) -> None:
        """Another map's pointer rests on ``label``: mark it here too (while linked)."""
        eset = self.state.eset
        if source is self.state or not self._drawn_here() or eset is None:
            return
        row = -1
        if label is not None and self.session.link_selection:
            found = [x for x in self.session.counterparts(source, self.state, [label]) if x in eset]
            row = eset.index_of(found[0]) if found else -1
        self.view.show_linked_hover(row)

    def detach(self) -> None:
        """This map closes: it no longer follows the model's hover."""
        self.session.hovered.disconnect(self._on_linked_hover)

    def set_tool(self, tool: str) -> None:
        for controller in [self, *self.siblings]:
            controller.view.set_tool(tool)

    def set_isolated(self, on: bool) -> None:
        self._each("set_isolated", on)

    # appearance ---------------------------------------------------------------------------
    def _colouring(self):
        state, eset = self.state, self.state.eset
        column = state.colour_column
        if column == KEPT:
            projection = state.projection
            quality = projection.info.get("quality") if projection is not None else None
            if quality is None or eset is None or len(quality.kept) != len(eset):
                return None
            return colour_numeric(KEPT, quality.kept)
        if column is None or eset is None or column not in eset.metadata:
            return None
        return colouring_for(eset, column)  # once per column and metadata version

    def _on_quality(self, projection) -> None:
        if self.state.colour_column == KEPT and projection is self.state.projection:
            self._each("set_colouring", self._colouring())

    def _all(self) -> list[MapController]:
        return [self, *self.siblings]

    def set_point_size(self, size: float) -> None:
        for controller in self._all():
            for view in controller.views():
                view.set_point_size(size)

    def set_opacity(self, opacity: float) -> None:
        for controller in self._all():
            for view in controller.views():
                view.set_opacity(opacity)

    def set_font_size(self, size: int) -> None:
        for controller in self._all():
            controller.view.set_font_size(size)

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            name = "light"
        self.theme = name
        self.window.settings.setValue("theme", name)
        if QApplication.instance() is not None:
            QApplication.setPalette(palette_for(THEMES[name]))
        for controller in self._all():
            controller.theme = name
            for view in controller.views():
                view.set_theme(name)
            controller.topic_layer.set_colours(THEMES[name].text, THEMES[name].background)
            controller.graph_layer.set_colours(THEMES[name].text)
