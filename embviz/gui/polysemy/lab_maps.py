"""The lab's maps: the 2D/3D switch, and one projection per (word, layer, method, dims).

Each projection runs in the window's runner on the word's own channel (a newer one supersedes
it); the core's ``map_task`` projects with the reducer and places the static vector, and the
result is kept in the derived cache of the data it shows (``LabLayouts``), so the slider and
the switches redraw from it after the first pass, and new results never show an old map.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtWidgets as qw
from superqt import QLabeledSlider

from embviz.core.dataset import EmbeddingSet
from embviz.core.polysemy import PolysemyMap, PolysemyResult
from embviz.gui.polysemy.lab_aligned import LabAligned
from embviz.gui.polysemy.lab_layouts import LabLayouts
from embviz.gui.polysemy.word_column import WordColumn
from embviz.reduce.base import Reducer
from embviz.reduce.params import as_dict

CHANNEL = "polysemy"


class LabMaps(LabAligned):
    """Mixed into ``PolysemyLab`` (aligned layers from ``LabAligned``): needs ``results``, ``columns``, ``layouts``, ``gl_problem``,
    ``slider``, ``method_box``, ``dims_box``, ``window_``, ``_say`` and ``_on_error``."""

    results: dict[str, PolysemyResult]
    columns: dict[str, WordColumn]
    layouts: LabLayouts
    gl_problem: str | None  # why 3-D cannot be shown here, once asked ("" when it can)
    slider: QLabeledSlider
    method_box: qw.QComboBox
    dims_box: qw.QComboBox
    window_: Any

    def _say(self, text: str, error: bool = False) -> None: ...  # the lab's status line

    def _on_error(self, exc: BaseException) -> None: ...

    def dims(self) -> int:
        return int(self.dims_box.currentData())

    def set_dims(self, dims: int) -> bool:
        """Switch every map to 2-D or 3-D; False (and the reason shown) when 3-D cannot draw."""
        if dims == 3:
            if self.gl_problem is None:
                from embviz.gui.polysemy.map3d import gl_problem

                self.gl_problem = gl_problem() or ""
            if self.gl_problem:
                self.dims_box.blockSignals(True)
                self.dims_box.setCurrentIndex(0)
                self.dims_box.blockSignals(False)
                self._say(f"3-D map unavailable: {self.gl_problem} Showing 2-D.", error=True)
                dims = 2
        for column in self.columns.values():
            column.occurrence_map.set_dims(dims)
        self.show_layer()
        return dims == 3 or not self.gl_problem

    def show_layer(self) -> None:
        """Redraw every column at the slider's layer; project what is not kept yet."""
        from embviz.core.polysemy import map_task

        layer, method, dims = self.slider.value(), self.method_box.currentData(), self.dims()
        if self.aligned_on():  # every layer's map at once; the slider moves the points
            for word in self.results:
                if not self.show_aligned(word, layer, method):
                    self.columns[word].show_layer(layer, None)
            return
        reducer, params = _reducer(method)
        for word, result in self.results.items():
            column = self.columns[word]
            shown = self.layouts.get(word, layer, method, as_dict(params), dims)
            column.show_layer(layer, shown)
            eset = self.layouts.layer_set(word, layer)
            if shown is not None or eset is None:
                continue
            self.window_.runner.run(
                f"{CHANNEL}-map-{word}",
                f"Polysemy lab: {method} of {word} ({dims}-D)",
                lambda res=result: map_task(reducer, params, res, layer, dims),
                lambda shown, e=eset, v=eset.version, w=word: self._on_projection(
                    w, e, v, as_dict(params), shown
                ),
                self._on_error,
            )

    def _on_projection(
        self,
        word: str,
        eset: EmbeddingSet,
        version: tuple[int, int, int],
        params: dict[str, Any],
        shown: PolysemyMap,
    ) -> None:
        """Keep a finished map, and draw it if it is still what the column should show."""
        if not self.layouts.keep(eset, version, params, shown):
            return  # made from results that were replaced meanwhile
        if self.aligned_on():
            return  # kept for later; the aligned maps are shown now
        layer, method, dims = self.slider.value(), self.method_box.currentData(), self.dims()
        if self.layouts.layer_set(word, layer) is eset and (method, dims) == (
            shown.method,
            shown.dims,
        ):
            self.columns[word].show_layer(layer, shown)

    def shown_map(self, word: str) -> PolysemyMap | None:
        """The map kept for ``word`` at the slider's layer, method and dims (None: not yet)."""
        method = self.method_box.currentData()
        if self.aligned_on():
            aligned = self.layouts.aligned(word, method)
            return None if aligned is None else aligned.get(self.slider.value())
        params = as_dict(_reducer(method)[1])
        return self.layouts.get(word, self.slider.value(), method, params, self.dims())

    def map_ready(self) -> bool:
        """Every measured word is drawn at the slider's layer (tests wait on this)."""
        return (
            bool(self.results)
            and all(self.shown_map(w) is not None for w in self.results)
            and not self.animating()
        )


def _reducer(method: str) -> tuple[Reducer, Any]:
    """The registered reducer for ``method`` and its default parameters."""
    from embviz.reduce.params import make_params
    from embviz.reduce.registry import get_reducer

    reducer = get_reducer(method)
    return reducer, make_params(reducer.params_type, {}, method)
