"""A slider and a play button that step through a sequence of layouts, points moving between them.

The slider has one position per step. Moving it (by hand or by playing) glides the points from
where they are drawn to the chosen step's layout in a few frames (QTimer), so a word is followed
with the eye instead of jumping; once the glide ends the points sit exactly on the step's layout.
The player only computes frames; ``show_frame(coords, step)`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

GLIDE_FRAMES = 12  # frames from one step's layout to the next
FRAME_MS = 30
HOLD_MS = 350  # while playing: how long each step stays still before the next


def smoothstep(t: float) -> float:
    return t * t * (3.0 - 2.0 * t)


class SequencePlayer(QWidget):
    def __init__(self, show_frame: Callable[[np.ndarray, int], None]) -> None:
        super().__init__()
        self.show_frame = show_frame
        self.steps: list[np.ndarray] = []
        self.names: list[str] = []
        self.shown: np.ndarray | None = None  # the coordinates drawn now
        self.shown_step = -1  # the step whose layout is drawn exactly (-1: between steps)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setToolTip("The step shown; the points glide to its layout")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Step through the sequence (from the start when at its end)")
        self.step_label = QLabel("No sequence laid out yet.")
        self.step_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.step_label)
        self._from: np.ndarray | None = None
        self._to = -1
        self._frame = 0
        self._glide = QTimer(self, interval=FRAME_MS)
        self._glide.timeout.connect(self._next_frame)
        self._hold = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._hold.timeout.connect(self._advance)
        self.slider.valueChanged.connect(self._glide_to)
        self.play_button.toggled.connect(self._on_play)
        self.setEnabled(False)

    def set_steps(self, steps: list[np.ndarray], names: list[str]) -> None:
        """A new sequence: its first step is drawn at once."""
        self.stop()
        self.steps = [np.asarray(s, dtype=np.float32) for s in steps]
        self.names = list(names)
        self.setEnabled(len(self.steps) > 1)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.steps) - 1, 0))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        if self.steps:
            self._draw(self.steps[0], 0)

    def clear(self) -> None:
        self.stop()
        self.steps, self.names, self.shown, self.shown_step = [], [], None, -1
        self.setEnabled(False)
        self.step_label.setText("No sequence laid out yet.")

    @property
    def playing(self) -> bool:
        return self.play_button.isChecked()

    def stop(self) -> None:
        self.play_button.setChecked(False)
        self._glide.stop()
        self._hold.stop()

    # gliding --------------------------------------------------------------------------------
    def _glide_to(self, step: int) -> None:
        if not (0 <= step < len(self.steps)):
            return
        self._from = self.shown if self.shown is not None else self.steps[step]
        self._to, self._frame = step, 0
        self.step_label.setText(f"To step {step + 1} of {len(self.steps)}: {self.names[step]}…")
        self._hold.stop()
        self._glide.start()

    def _next_frame(self) -> None:
        self._frame += 1
        if self._from is None or self._frame >= GLIDE_FRAMES:
            self._glide.stop()
            self._draw(self.steps[self._to], self._to)
            if self.playing:
                self._hold.start()
            return
        t = smoothstep(self._frame / GLIDE_FRAMES)
        self._draw((1.0 - t) * self._from + t * self.steps[self._to], -1)

    def _draw(self, coords: np.ndarray, step: int) -> None:
        self.shown, self.shown_step = coords, step
        if step >= 0:
            self.step_label.setText(f"Step {step + 1} of {len(self.steps)}: {self.names[step]}")
        self.show_frame(coords, step)

    # playing --------------------------------------------------------------------------------
    def _on_play(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if not on:
            self._hold.stop()
            return
        if self.slider.value() >= len(self.steps) - 1:
            self.slider.setValue(0)  # from the start again
        elif not self._glide.isActive():
            self._hold.start()

    def _advance(self) -> None:
        if not self.playing:
            return
        if self.slider.value() >= len(self.steps) - 1:
            self.play_button.setChecked(False)  # the end: stop there
            return
        self.slider.setValue(self.slider.value() + 1)
