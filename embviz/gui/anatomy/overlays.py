"""What the anatomy panel draws on a map, whichever map shows which of its sets.

- a positions table (learned or sinusoidal): the curve the positions trace, each position joined
  to the next, with every 64th position labelled, coloured by position unless the view already
  colours by something;
- the token table: the pieces of the tokenizer view's text, marked and labelled;
- a static-vs-contextual set: each occurrence's path through the layers (0 -> 1 -> ... -> L),
  the input-table and static vectors labelled.

Every view of the model is followed (the main map and maps beside it): when a view shows one of
these sets, its overlay is set there; the view drops it by itself when it shows another set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model
from embviz.core.overlay import Overlay
from embviz.core.view_state import ViewState
from embviz.models.model_anatomy import POSITION, position_rows, sequence_edges
from embviz.models.model_tables import table_info
from embviz.models.word_spaces import (
    INPUT_KIND,
    KIND,
    STATIC_KIND,
    is_word_spaces,
    trajectory_edges,
)

CURVE = "anatomy: positions"
PIECES = "anatomy: pieces"
PATHS = "anatomy: layers"
CURVE_COLOUR = (150, 150, 150)
PIECES_COLOUR = (200, 0, 150)  # magenta: no piece kind is drawn in it
PATHS_COLOUR = (150, 150, 150)
LABEL_EVERY = 64


class AnatomyOverlays:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.piece_rows: dict[str, np.ndarray] = {}  # model spec -> token rows of the pieces
        self.piece_text = ""
        self._watched: set[int] = set()
        model.views_changed.connect(self._watch_all)
        self._watch_all()

    def _watch_all(self) -> None:
        for view in self.model.views:
            if view.uid not in self._watched:
                self._watched.add(view.uid)
                view.set_changed.connect(self._on_set(view))

    def _on_set(self, view: ViewState) -> Callable[[EmbeddingSet | None], None]:
        return lambda eset: self.apply(view) if eset is not None else None

    def apply(self, view: ViewState) -> None:
        """Set the overlay that belongs to the set ``view`` shows (if any)."""
        eset = view.eset
        if eset is None:
            return
        info = table_info(eset)
        if info is not None and info.table in ("positions", "sinusoidal"):
            view.set_overlay(CURVE, positions_curve(eset))
            if view.colour_column is None:  # the order reads in colour too (viridis: 0 dark)
                view.set_colour_column(POSITION)
        elif info is not None and info.table == "tokens":
            rows = self.piece_rows.get(info.model)
            view.set_overlay(PIECES, self._pieces(rows) if rows is not None else None)
        elif is_word_spaces(eset):
            view.set_overlay(PATHS, layer_paths(eset))

    def _pieces(self, rows: np.ndarray) -> Overlay:
        caption = f"pieces of “{self.piece_text}”" if self.piece_text else "pieces"
        return Overlay(np.asarray(rows, dtype=np.int64), [], PIECES_COLOUR, caption)

    def show_pieces(self, model: str, rows: np.ndarray, text: str) -> None:
        """The tokenizer view's pieces (token-table rows) for ``model``; every view showing
        that model's token table marks them."""
        self.piece_rows[model] = np.asarray(rows, dtype=np.int64)
        self.piece_text = text
        for view in self.model.views:
            info = table_info(view.eset) if view.eset is not None else None
            if info is not None and info.table == "tokens" and info.model == model:
                self.apply(view)


def positions_curve(eset: EmbeddingSet) -> Overlay:
    rows = position_rows(eset)
    labelled = rows[::LABEL_EVERY]
    if len(rows) and rows[-1] not in labelled:
        labelled = np.append(labelled, rows[-1])
    return Overlay(labelled, sequence_edges(eset), CURVE_COLOUR, "positions in order")


def layer_paths(eset: EmbeddingSet) -> Overlay:
    kinds = np.asarray(eset.metadata[KIND])
    rows = np.flatnonzero((kinds == INPUT_KIND) | (kinds == STATIC_KIND))
    return Overlay(rows, trajectory_edges(eset), PATHS_COLOUR, "each occurrence, layer by layer")
