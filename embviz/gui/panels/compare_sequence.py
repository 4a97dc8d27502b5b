"""Sequence tab: several sets (files, layers, training epochs) laid out in aligned layouts and
played on one map, the points gliding from one step's layout to the next.

The sets are ticked in the list (in the order shown), or are the epochs a training run in the
window kept (Tools > Compute embeddings, gensim), and are linked step to step by their shared
labels. The map shows the first set; each step moves its points to where the same words sit in
that step's layout (a word the step lacks stays where it last was).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from embviz.core.compare.sequence import sequence_from_sets
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.projection import Projection
from embviz.core.view_state import ViewState
from embviz.gui.errors import show_error
from embviz.gui.panels.compare_layout import JOINT, METHOD_TITLES
from embviz.gui.panels.compare_maps import map_of
from embviz.gui.panels.compare_player import SequencePlayer
from embviz.gui.views.point_motion import move_points
from embviz.models.epoch_snapshots import snapshots_of

CHANNEL = "compare-sequence"
METHOD = "aligned-sequence"  # the projection method of a sequence's steps


def steps_on(shown: EmbeddingSet, sets: list[EmbeddingSet], layouts: list[np.ndarray]):
    """Each step's layout as coordinates of ``shown``'s rows (a word a step lacks keeps its
    place from the step before)."""
    steps, previous = [], None
    for eset, layout in zip(sets, layouts, strict=True):
        coords = (
            np.array(previous)
            if previous is not None
            else np.zeros((len(shown), 2), dtype=np.float32)
        )
        rows = [(i, eset.index_of(label)) for i, label in enumerate(shown.labels) if label in eset]
        if rows:
            own, theirs = np.array(rows, dtype=np.int64).T
            coords[own] = layout[theirs, :2]
        steps.append(coords.astype(np.float32))
        previous = coords
    return steps


class SequenceTab(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.session = window.session
        self.shown: EmbeddingSet | None = None  # the set the sequence is played on
        self.shown_vectors = -1  # its vectors' version when laid out
        self.view: ViewState | None = None  # the map it is played on
        self.source = QComboBox()
        self.source.setToolTip("Open sets ticked below, or the epochs kept by a training run")
        self.sets_list = QListWidget()
        self.sets_list.setToolTip("Tick the sets of the sequence, in order (drag to reorder)")
        self.sets_list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.method = QComboBox()
        for name, title in METHOD_TITLES.items():
            if name != JOINT:  # a pair of sets only
                self.method.addItem(title, name)
        self.run_button = QPushButton("Lay out the sequence")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.status = QLabel("Tick two or more open sets (e.g. training epochs or layers).")
        self.status.setWordWrap(True)
        self.player = SequencePlayer(self.show_frame)
        row = QHBoxLayout()
        row.addWidget(self.run_button, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(QLabel("Sets, in order:"))
        layout.addWidget(self.sets_list, 1)
        layout.addWidget(self.method)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.player)
        self.source.currentIndexChanged.connect(lambda _i: self._on_source())
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.session.sets_changed.connect(self._fill)
        self.session.set_closed.connect(self._on_closed)
        self._fill()

    # the list of sets -----------------------------------------------------------------------
    def _fill(self) -> None:
        chosen = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("Open sets, ticked below", None)
        for eset in self.session.sets:
            snapshots = snapshots_of(eset)
            if snapshots is not None and len(snapshots.kept) > 1:
                self.source.addItem(f"Epochs of {eset.name} ({len(snapshots.kept)})", eset.uid)
        found = self.source.findData(chosen) if chosen is not None else 0
        self.source.setCurrentIndex(max(found, 0))
        self.source.blockSignals(False)
        self._on_source()
        ticked = set(self.ticked_uids())
        order = [
            self.sets_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sets_list.count())
        ]
        sets = sorted(
            self.session.sets,
            key=lambda s: order.index(s.uid) if s.uid in order else len(order) + s.uid,
        )
        self.sets_list.clear()
        for eset in sets:
            item = QListWidgetItem(f"{eset.name} ({len(eset):,} × {eset.dims})")
            item.setData(Qt.ItemDataRole.UserRole, eset.uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if eset.uid in ticked else Qt.CheckState.Unchecked
            )
            self.sets_list.addItem(item)

    def _on_source(self) -> None:
        self.sets_list.setEnabled(self.source.currentData() is None)

    def ticked_uids(self) -> list[int]:
        out = []
        for i in range(self.sets_list.count()):
            item = self.sets_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def tick(self, sets: list[EmbeddingSet]) -> None:
        """Tick ``sets`` (and only them), in that order (as a person would in the list)."""
        uids = [s.uid for s in sets]
        items = [self.sets_list.takeItem(0) for _ in range(self.sets_list.count())]
        items.sort(
            key=lambda it: (
                uids.index(it.data(Qt.ItemDataRole.UserRole))
                if it.data(Qt.ItemDataRole.UserRole) in uids
                else len(uids)
            )
        )
        for item in items:
            ticked = item.data(Qt.ItemDataRole.UserRole) in uids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.sets_list.addItem(item)

    def _on_closed(self, eset: EmbeddingSet) -> None:
        if eset is self.shown:
            self.player.clear()
            self.shown = None
            self.status.setText(f"{eset.name} was closed; lay the sequence out again.")

    # laying out -----------------------------------------------------------------------------
    def chosen(self):
        """(the set the steps are shown on, the steps' sets, the open sets they come from), or
        a sentence saying what is missing."""
        by_uid = {s.uid: s for s in self.session.sets}
        source = self.source.currentData()
        if source is not None:  # the epochs of a training run
            trained = by_uid.get(source)
            snapshots = snapshots_of(trained) if trained is not None else None
            if trained is None or snapshots is None or len(snapshots.kept) < 2:
                return "That training run kept fewer than two epochs."
            return trained, snapshots.sets("epoch"), [trained]
        sets = [by_uid[uid] for uid in self.ticked_uids() if uid in by_uid]
        if len(sets) < 2:
            return "Tick at least two sets for a sequence."
        return sets[0], sets, sets

    def start(self) -> None:
        chosen = self.chosen()
        if isinstance(chosen, str):
            self.status.setText(chosen)
            return
        shown, sets, sources = chosen
        method = self.method.currentData()
        try:
            sequence = sequence_from_sets(sets)
        except EmbvizError as exc:
            self.status.setText(str(exc))
            return
        versions = [s.vectors_version for s in sources]
        self.status.setText(f"Laying out {len(sets)} sets ({METHOD_TITLES[method]})…")
        handle = self.window_.runner.run(
            CHANNEL, f"Aligned layouts of {len(sets)} sets",
            lambda: sequence.layouts(method),
            on_result=lambda layouts: self._on_result(
                shown, sets, (sources, versions), method, layouts
            ),
            on_error=self._on_error,
        )  # fmt: skip
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(lambda _ok: self._busy(False))
        self._busy(True)

    def cancel(self) -> None:
        self.window_.runner.cancel(CHANNEL)
        self.status.setText("Cancelled.")

    def _on_progress(self, progress) -> None:
        if progress.message:
            self.status.setText(progress.message)

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, EmbvizError):
            self.status.setText(str(exc))
        else:
            self.status.setText("")
            show_error(self, "Sequence", exc, "Laying out the sequence")

    def _on_result(self, shown, sets, sources, method: str, layouts: list[np.ndarray]) -> None:
        opened, versions = sources
        if (
            any(s not in self.session.sets for s in opened)
            or [s.vectors_version for s in opened] != versions
        ):
            self.status.setText("A set of the sequence changed or was closed; lay it out again.")
            return
        self.view = self.session.views[0]
        self.session.show(shown, self.view)
        self.window_.projector.cancel(self.view)  # its default layout would replace the steps
        self.shown, self.shown_vectors = shown, shown.vectors_version
        self.method_title = METHOD_TITLES[method]
        steps = steps_on(shown, sets, layouts)
        self.status.setText(
            f"{len(sets)} steps on {shown.name}'s map ({METHOD_TITLES[method]}, aligned). "
            "Move the slider or press Play."
        )
        self.player.set_steps(steps, [s.name for s in sets])
        self._fit(steps)

    def _fit(self, steps: list[np.ndarray]) -> None:
        """The map shows every step's points (it does not refit at each frame)."""
        controller = map_of(self.window_, self.view) if self.view is not None else None
        if controller is None:
            return
        both = np.vstack(steps).astype(np.float64)
        (x0, y0), (x1, y1) = both.min(axis=0), both.max(axis=0)
        controller.view.plotItem.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.04)

    def show_frame(self, coords: np.ndarray, step: int) -> None:
        """A step's layout becomes the map's layout; a frame between steps only moves the
        points drawn (the model keeps the step's layout meanwhile)."""
        eset, view = self.shown, self.view
        if eset is None or view is None or view not in self.session.views or view.eset is not eset:
            self.player.stop()
            return
        if eset.vectors_version != self.shown_vectors:
            self.player.stop()
            self.status.setText(f"{eset.name}'s vectors changed; lay the sequence out again.")
            return
        controller = map_of(self.window_, view)
        shown = view.projection
        if step < 0 and controller is not None and shown is not None and shown.method == METHOD:
            move_points(controller.view, coords)
            return
        titles = (f"{self.method_title} 1 (aligned)", f"{self.method_title} 2 (aligned)")
        info = {"keep_view": True, "axis_titles": titles}  # _fit framed every step at once
        projection = Projection(coords, METHOD, {"step": step}, info)
        view.set_projection(projection, eset.version)
