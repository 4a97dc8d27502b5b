"""Set A on the main map (left) and set B on a map beside it (right), linked, with arrows.

Selection and hover are linked by the model (by label, or through the pairs file's counterparts
when one was given). Once both maps show the aligned joint layout, the words selected in A get an
arrow from where they sit in A's layout to where their counterparts sit in B's, on both maps (the
two layouts share one frame, so the arrow is a word's move from A to B).
"""

from __future__ import annotations

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.overlay import Overlay
from embviz.core.projection import Projection
from embviz.core.view_state import ViewState, no_rows

ARROWS = "compare-arrows"  # the overlay's name in both views
ARROW_COLOUR = (200, 30, 120)  # a magenta no theme uses for points, hits or the selection
MAX_ARROWS = 300  # a big selection gets the arrows of its first rows only


def map_of(window, view: ViewState):
    """The map controller that draws ``view`` (None when it has none)."""
    area = window.map_area
    for controller in [area.main, *[beside.controller for beside in area.beside]]:
        if controller.state is view:
            return controller
    return None


class LinkedMaps:
    def __init__(self, window) -> None:
        self.window = window
        self.model = window.session
        self.view_a: ViewState | None = None
        self.view_b: ViewState | None = None
        self.a: EmbeddingSet | None = None
        self.b: EmbeddingSet | None = None
        self.pairs: list[tuple[str, str]] | None = None  # None: counterparts share the label
        self.aligned: tuple[Projection, Projection] | None = None
        self.arrows_on = True

    # showing A and B ------------------------------------------------------------------------
    def show(self, a: EmbeddingSet, b: EmbeddingSet, pairs: list[tuple[str, str]] | None) -> None:
        """A in the main map, B in the first map beside (made when there is none)."""
        model = self.model
        self._follow(None, None)
        view_a = model.views[0]
        model.show(a, view_a)
        if len(model.views) > 1:
            view_b = model.views[1]
            model.show(b, view_b)
        else:
            view_b = self.window.new_map_beside(b).state
        self.a, self.b, self.pairs = a, b, pairs
        model.set_counterparts(view_a, view_b, pairs)
        self._follow(view_a, view_b)
        self.update_arrows()

    def _follow(self, view_a: ViewState | None, view_b: ViewState | None) -> None:
        self._link_ranges(False)
        for view in (self.view_a, self.view_b):
            if view is not None:
                view.selection_changed.disconnect(self._on_change)
                view.projection_changed.disconnect(self._on_change)
                view.set_changed.disconnect(self._on_change)
        self.view_a, self.view_b = view_a, view_b
        for view in (view_a, view_b):
            if view is not None:
                view.selection_changed.connect(self._on_change)
                view.projection_changed.connect(self._on_change)
                view.set_changed.connect(self._on_change)

    def showing(self) -> bool:
        """Both maps still show A and B."""
        return (
            self.view_a is not None
            and self.view_b is not None
            and self.view_a in self.model.views
            and self.view_b in self.model.views
            and self.view_a.eset is self.a
            and self.view_b.eset is self.b
        )

    def counterpart_rows(self, row_a: int) -> list[int]:
        """Rows of B standing for row ``row_a`` of A."""
        if self.a is None or self.b is None or self.view_a is None or self.view_b is None:
            return []
        labels = self.model.counterparts(self.view_a, self.view_b, [self.a.labels[row_a]])
        return [self.b.index_of(label) for label in labels if label in self.b]

    # aligned layouts ------------------------------------------------------------------------
    def show_aligned(
        self,
        coords_a: np.ndarray,
        coords_b: np.ndarray,
        method: str,
        title: str,
        versions: tuple[tuple[int, int, int], tuple[int, int, int]],
    ) -> bool:
        """Draw the joint layout of A and B (computed from them at ``versions``) in both maps;
        False when a map no longer shows its set, or its vectors changed meanwhile."""
        if not self.showing() or self.a is None or self.b is None:
            return False
        assert self.view_a is not None and self.view_b is not None
        titles = (f"{title} 1 (joint)", f"{title} 2 (joint)")
        made, now = [], []
        for eset, other, coords, version in (
            (self.a, self.b, coords_a, versions[0]),
            (self.b, self.a, coords_b, versions[1]),
        ):
            params = {"method": method, "with": other.name, "with_version": list(other.version)}
            info = {"axis_titles": titles, "aligned_with": other.name}
            coords = np.asarray(coords, np.float32)
            made.append(Projection(coords, f"joint layout: {title}", params, info))
            # metadata added meanwhile (the comparison's columns) leaves the layout valid
            now.append(eset.version if tuple(version[:2]) == eset.version[:2] else version)
        for view in (self.view_a, self.view_b):  # a layout still running would replace it
            self.window.projector.cancel(view)
        ok_a = self.model.set_projection(self.view_a, self.a, made[0], now[0])
        ok_b = self.model.set_projection(self.view_b, self.b, made[1], now[1])
        if not (ok_a and ok_b):
            return False
        self.aligned = (made[0], made[1])
        self._fit_both()
        self._link_ranges(True)
        self.update_arrows()
        return True

    def _boxes(self) -> list:
        controllers = [map_of(self.window, v) for v in (self.view_a, self.view_b) if v is not None]
        return [c.view.plotItem.vb for c in controllers if c is not None]

    def _link_ranges(self, on: bool) -> None:
        """While both maps show the joint layout they pan and zoom together (one frame)."""
        boxes = self._boxes()
        if len(boxes) != 2:
            return
        linked = boxes[1].linkedView(0) is boxes[0]
        if on != linked:  # x only: y follows by the locked aspect (a y link would line the
            boxes[1].setXLink(boxes[0] if on else None)  # maps up on screen, not in data)

    def _fit_both(self) -> None:
        """Both maps show the same region (the union of the two layouts): a word that did not
        move sits at the same place in both."""
        if self.aligned is None:
            return
        both = np.vstack([p.coords[:, :2] for p in self.aligned]).astype(np.float64)
        both = both[np.isfinite(both).all(axis=1)]
        if not len(both):
            return
        (x0, y0), (x1, y1) = both.min(axis=0), both.max(axis=0)
        for view in (self.view_a, self.view_b):
            controller = map_of(self.window, view) if view is not None else None
            if controller is not None:
                box = controller.view.plotItem.vb
                box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.04)

    def aligned_shown(self) -> bool:
        return (
            self.aligned is not None
            and self.showing()
            and self.view_a is not None
            and self.view_b is not None
            and self.view_a.projection is self.aligned[0]
            and self.view_b.projection is self.aligned[1]
        )

    # arrows ---------------------------------------------------------------------------------
    def _on_change(self, *_args) -> None:
        if not self.aligned_shown():
            self._link_ranges(False)
        self.update_arrows()

    def arrow_segments(self) -> np.ndarray:
        """(x0, y0, x1, y1) per selected word of A and counterpart in B, in the joint frame."""
        if not self.aligned_shown() or self.view_a is None or self.aligned is None:
            return np.empty((0, 4))
        coords_a, coords_b = self.aligned[0].coords, self.aligned[1].coords
        segments = []
        for row in self.view_a.selection[:MAX_ARROWS].tolist():
            for other in self.counterpart_rows(int(row)):
                segments.append([*coords_a[row, :2], *coords_b[other, :2]])
        return np.asarray(segments, dtype=np.float64).reshape(-1, 4)

    def update_arrows(self) -> None:
        segments = self.arrow_segments() if self.arrows_on else np.empty((0, 4))
        for view in (self.view_a, self.view_b):
            if view is None or view not in self.model.views:
                continue
            has = ARROWS in view.overlays
            if len(segments):
                overlay = Overlay(no_rows(), arrows=segments, colour=ARROW_COLOUR, caption="A → B")
                view.set_overlay(ARROWS, overlay)
            elif has:
                view.set_overlay(ARROWS, None)

    def set_arrows(self, on: bool) -> None:
        self.arrows_on = on
        self.update_arrows()

    # focus ----------------------------------------------------------------------------------
    def select_and_centre(self, label_a: str) -> None:
        """Select a word of A (its counterpart in B follows) and centre both maps on it."""
        if self.a is None or self.b is None or label_a not in self.a:
            return
        if not self.showing():  # a map was closed or shows another set: A and B again
            if self.a not in self.model.sets or self.b not in self.model.sets:
                return
            self.show(self.a, self.b, self.pairs)
        assert self.view_a is not None and self.view_b is not None
        row = self.a.index_of(label_a)
        self.view_a.select([row])
        self.view_a.focus([row])
        others = self.counterpart_rows(row)
        if others:
            self.view_b.focus(others)
