"""The lab's layers aligned across layers: the slider moves the points instead of a new map.

With "Aligned across layers" on (2-D maps), each word's maps for every layer are computed once,
in one worker run per word (``core.polysemy.aligned_maps`` with ``reduce.aligned``: PCA or t-SNE
Procrustes-aligned layer to layer, or AlignedUMAP), and kept with the results (``LabLayouts``).
Moving the slider then only swaps coordinates: the points glide to their place at the new layer
(``ANIMATION_MS``; 0 jumps at once) in a view that fits every layer, so it does not jump.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6 import QtWidgets as qw
from PySide6.QtCore import QTimer

from embviz.core.polysemy import PolysemyMap, PolysemyResult
from embviz.gui.polysemy.lab_layouts import LabLayouts
from embviz.gui.polysemy.word_column import WordColumn

ANIMATION_MS = 250
FRAME_MS = 25


def aligned_channel(word: str) -> str:
    return f"polysemy-aligned-{word}"


def extent_of(maps: dict[int, PolysemyMap]) -> np.ndarray:
    """Every layer's points and static markers: what an aligned view fits."""
    parts = [np.asarray(m.coords, dtype=float)[:, :2] for m in maps.values()]
    parts += [
        np.asarray(m.marker.position, dtype=float)[None, :2]
        for m in maps.values()
        if m.marker is not None
    ]
    return np.vstack(parts)


class LabAligned:
    """Mixed into ``PolysemyLab`` (with ``LabMaps``): needs ``results``, ``columns``,
    ``layouts``, ``window_``, ``aligned_box``, ``_on_error`` and ``_say``."""

    results: dict[str, PolysemyResult]
    columns: dict[str, WordColumn]
    layouts: LabLayouts
    window_: Any
    aligned_box: qw.QCheckBox
    animation_ms: int = ANIMATION_MS

    def _say(self, text: str, error: bool = False) -> None: ...

    def _on_error(self, exc: BaseException) -> None: ...

    def _init_aligned(self) -> None:
        self._moves: dict[str, tuple[np.ndarray, np.ndarray | None, int, PolysemyMap]] = {}
        self._move_started = 0.0
        self._frames = QTimer(self, interval=FRAME_MS)  # type: ignore[arg-type]
        self._frames.timeout.connect(self._frame)
        self._aligned_runs: set[tuple[str, str]] = set()

    def animating(self) -> bool:
        """Points are still gliding to the slider's layer (tests wait for this to end)."""
        return bool(self._moves)

    def show_aligned(self, word: str, layer: int, method: str) -> bool:
        """Show ``word`` at ``layer`` on its aligned maps; compute them (once) if not kept yet.
        False when they are not ready (the column keeps what it shows until they are)."""
        maps = self.layouts.aligned(word, method)
        if maps is None:
            self._start_aligned(word, method)
            return False
        shown = maps.get(layer)
        column = self.columns[word]
        if shown is None:
            return False
        drawn = column.drawn_coords()
        if (
            self.animation_ms <= 0
            or drawn is None
            or len(drawn) != len(shown.coords)
            or column.layer is None
            or column.layer == layer  # redrawn (2-D again, a search): nothing moves
            or column.layer not in maps
            or column.occurrence_map.dims != 2
        ):
            self._moves.pop(word, None)
            column.show_layer(layer, shown, extent_of(maps))
            return True
        before = maps[column.layer].marker
        marker_from = np.asarray(before.position, float) if before is not None else None
        self._moves[word] = (np.asarray(drawn, float), marker_from, layer, shown)
        column.show_layer(layer, None)  # the layer's heatmap, measures and title now
        self._move_started = time.perf_counter()
        self._frame()
        self._frames.start()
        return True

    def aligned_on(self) -> bool:
        """Layers aligned: asked for, and the maps are 2-D (aligned layouts are 2-D only)."""
        return self.aligned_box.isChecked() and self.dims() == 2  # type: ignore[attr-defined]

    def reset_aligned(self) -> None:
        """New results: moves under way and runs asked for belong to the old ones."""
        self._moves.clear()
        self._frames.stop()
        self._aligned_runs.clear()

    def _frame(self) -> None:
        elapsed = (time.perf_counter() - self._move_started) * 1000.0
        t = min(1.0, elapsed / max(self.animation_ms, 1))
        ease = t * t * (3.0 - 2.0 * t)
        for word, (start, marker_from, layer, shown) in list(self._moves.items()):
            column = self.columns.get(word)
            if column is None:
                self._moves.pop(word)
                continue
            end = np.asarray(shown.coords, dtype=float)[:, :2]
            if t >= 1.0:
                self._moves.pop(word)
                maps = self.layouts.aligned(word, shown.method) or {layer: shown}
                column.show_layer(layer, shown, extent_of(maps))
                continue
            marker = None
            if marker_from is not None and shown.marker is not None:
                target = np.asarray(shown.marker.position, float)[:2]
                marker = marker_from[:2] + ease * (target - marker_from[:2])
            column.move_to(start + ease * (end - start), marker)
        if not self._moves:
            self._frames.stop()

    def _start_aligned(self, word: str, method: str) -> None:
        if (word, method) in self._aligned_runs:
            return  # already being computed
        result = self.results[word]
        self._aligned_runs.add((word, method))

        def task():
            from embviz.core.polysemy.aligned_maps import aligned_maps_task
            from embviz.reduce import aligned

            return aligned_maps_task(aligned.aligned_layouts, result, method)

        def done(maps: dict[int, PolysemyMap]) -> None:
            self._aligned_runs.discard((word, method))
            if self.layouts.keep_aligned(word, method, result, maps):
                self._say(f"{word}: every layer's map aligned ({method}); the slider moves it.")
                self.progress.setRange(0, 1000)  # type: ignore[attr-defined]
                self.progress.setValue(1000)  # type: ignore[attr-defined]
                self.show_layer()  # type: ignore[attr-defined]

        handle = self.window_.runner.run(
            aligned_channel(word),
            f"Polysemy lab: {word}, layers aligned ({method})",
            task,
            done,
            self._on_error,
        )
        # AlignedUMAP takes a while the first time (numba compiles it): say how far, allow Cancel
        handle.progressed.connect(self._on_progress)  # type: ignore[attr-defined]
        self.cancel_button.setEnabled(True)  # type: ignore[attr-defined]

        def ended(_ok: bool) -> None:
            self._aligned_runs.discard((word, method))
            if not self._aligned_runs and not self.window_.runner.is_busy("polysemy"):
                self.cancel_button.setEnabled(False)  # type: ignore[attr-defined]

        handle.ended.connect(ended)

    def cancel_aligned(self) -> None:
        """Stop the aligned layouts being computed (the maps shown stay)."""
        for word, _method in list(self._aligned_runs):
            self.window_.runner.cancel(aligned_channel(word))
        self._aligned_runs.clear()
