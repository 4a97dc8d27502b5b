"""The lab's maps: the 2D/3D switch, and one projection per (word, layer, method, dims).

Each projection runs in the window's runner on the word's own channel (a newer one supersedes
it); the core's ``map_task`` projects with the reducer and places the static vector, and the
result is kept, so the slider and the switches redraw from the cache after the first pass.
"""

from __future__ import annotations

from embviz.core.polysemy import PolysemyMap

CHANNEL = "polysemy"


class LabMaps:
    """Mixed into ``PolysemyLab``: needs ``results``, ``columns``, ``coords``, ``gl_problem``,
    ``slider``, ``method_box``, ``dims_box``, ``window_`` and ``_say``."""

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
        """Redraw every column at the slider's layer; project what is not cached yet."""
        from embviz.core.polysemy import map_task
        from embviz.reduce.params import make_params
        from embviz.reduce.registry import get_reducer

        layer, method, dims = self.slider.value(), self.method_box.currentData(), self.dims()
        for word, result in self.results.items():
            key = (word, layer, method, dims)
            column = self.columns[word]
            column.show_layer(layer, self.coords.get(key))
            if key in self.coords or layer not in result.layers:
                continue
            reducer = get_reducer(method)
            params = make_params(reducer.params_type, {}, method)
            self.window_.runner.run(
                f"{CHANNEL}-map-{word}",
                f"Polysemy lab: {method} of {word} ({dims}-D)",
                lambda r=reducer, p=params, res=result: map_task(r, p, res, layer, dims),
                lambda shown, k=key: self._on_projection(k, shown),
                self._on_error,
            )

    def _on_projection(self, key, shown: PolysemyMap) -> None:
        self.coords[key] = shown
        word, layer, method, dims = key
        if (layer, method, dims) == (
            self.slider.value(),
            self.method_box.currentData(),
            self.dims(),
        ):
            self.columns[word].show_layer(layer, shown)

    def map_ready(self) -> bool:
        """Every measured word is drawn at the slider's layer (tests wait on this)."""
        layer, method, dims = self.slider.value(), self.method_box.currentData(), self.dims()
        return bool(self.results) and all(
            (w, layer, method, dims) in self.coords for w in self.results
        )
