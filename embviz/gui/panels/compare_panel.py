"""The Compare dock: two open sets side by side, aligned, what moved, translation, sequences.

Compare tab: choose set A and set B, an optional pairs file (else the labels both hold), the
alignment, k and CSLS; the comparison runs in a worker (progress, Cancel) through
:mod:`embviz.core.compare`. The overall figures and the "moved most" / "stable" lists follow; a
click on a word selects it and centres both maps on it. Per-word displacement and neighbour
overlap become metadata columns of A (and of B) that the maps can be coloured by. A is shown in
the main map, B beside it, selection and hover linked (through the pairs when a file was given);
"Aligned joint layout" lays both out in one frame and arrows join a selected word to its
counterpart. The Translate and Sequence tabs live in modules of their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from embviz.core.compare import METHODS, Comparison
from embviz.core.errors import EmbvizError
from embviz.gui.errors import show_error
from embviz.gui.panels.compare_layout import JointLayout
from embviz.gui.panels.compare_maps import LinkedMaps
from embviz.gui.panels.compare_sequence import SequenceTab
from embviz.gui.panels.compare_tasks import comparison_task
from embviz.gui.panels.compare_translate import TranslateTab
from embviz.gui.progress_widget import show_fraction
from embviz.gui.tables import fill, table

CHANNEL = "compare"
LIST_LENGTH = 30
RANKS = {"displacement": "displacement", "neighbour overlap": "neighbor_overlap"}


def column_names(k: int, other: str) -> dict[str, str]:
    """The metadata columns' names, measure -> column (saying which set it was compared with)."""
    return {
        "displacement": f"displacement vs {other}",
        "neighbor_overlap": f"neighbour overlap@{k} vs {other}",
    }


def is_compare_column(column: str, other: str) -> bool:
    """A column a comparison with ``other`` added."""
    return column == f"displacement vs {other}" or (
        column.startswith("neighbour overlap@") and column.endswith(f" vs {other}")
    )


class ComparePanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.session = window.session
        self.runner = window.runner
        self.maps = LinkedMaps(window)
        self.comparison: Comparison | None = None
        self.handle = None
        self.set_a, self.set_b = QComboBox(), QComboBox()
        for box, side in ((self.set_a, "A"), (self.set_b, "B")):
            box.setToolTip(f"Set {side}: " + ("the main map" if side == "A" else "the map beside"))
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
        self.pairs_path = QLineEdit()
        self.pairs_path.setPlaceholderText("none: the words both sets hold")
        self.pairs_path.setToolTip("A pairs file: one 'word-in-A word-in-B' pair per line")
        browse = QToolButton()
        browse.setText("…")
        browse.clicked.connect(self._browse)
        self.align_box = QComboBox()
        self.align_box.addItems(list(METHODS))
        self.align_box.setToolTip(
            "procrustes: a rotation (orthogonal); linear: least squares (as gensim's "
            "TranslationMatrix); none: the spaces as they are"
        )
        self.k = QSpinBox(minimum=1, maximum=200, value=10)
        self.k.setToolTip("Neighbours compared per word (overlap@k)")
        self.csls = QCheckBox("CSLS retrieval (hub-corrected)")
        self.csls.setToolTip("Translation ranks by CSLS (Conneau et al. 2018) instead of cosine")
        self.run_button = QPushButton("Compare")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        self.message = QLabel("Open two sets, choose A and B, then Compare.")
        self.message.setWordWrap(True)
        self.overall = QLabel("")
        self.overall.setWordWrap(True)
        self.rank_by = QComboBox()
        self.rank_by.addItems(list(RANKS))
        self.rank_by.setToolTip("Rank the lists by displacement (after alignment) or by overlap")
        headers = ["word", "in B", "displacement", "overlap"]
        self.moved, self.stable = table(headers), table(headers)
        self.lists = QTabWidget()
        self.lists.addTab(self.moved, "Moved most")
        self.lists.addTab(self.stable, "Stable")
        self.layout_tools = JointLayout(window, self.maps)
        self.arrows = QCheckBox("Arrows A → B for the selection")
        self.arrows.setChecked(True)
        self.arrows.setToolTip(
            "On the aligned joint layout: from a selected word in A to its counterpart in B"
        )
        self.translate_tab = TranslateTab(window, self)
        self.sequence_tab = SequenceTab(window)
        self._layout(browse)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.rank_by.currentIndexChanged.connect(lambda _i: self._fill_lists())
        self.moved.cellClicked.connect(lambda row, _c: self._on_word(self.moved, row))
        self.stable.cellClicked.connect(lambda row, _c: self._on_word(self.stable, row))
        self.arrows.toggled.connect(self.maps.set_arrows)
        self.session.sets_changed.connect(self._fill_sets)
        self.session.set_closed.connect(self._on_set_closed)
        self._fill_sets()

    def _layout(self, browse: QToolButton) -> None:
        form = QFormLayout()
        form.addRow("Set A:", self.set_a)
        form.addRow("Set B:", self.set_b)
        pairs = QHBoxLayout()
        pairs.addWidget(self.pairs_path, 1)
        pairs.addWidget(browse)
        form.addRow("Pairs:", pairs)
        form.addRow("Align:", self.align_box)
        form.addRow("k:", self.k)
        form.addRow(self.csls)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        maps = QGroupBox("Maps")
        maps_layout = QVBoxLayout(maps)
        maps_layout.addWidget(self.layout_tools)
        maps_layout.addWidget(self.arrows)
        rank = QHBoxLayout()
        rank.addWidget(QLabel("Rank by:"))
        rank.addWidget(self.rank_by, 1)
        compare = QWidget()
        layout = QVBoxLayout(compare)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addWidget(self.overall)
        layout.addLayout(rank)
        layout.addWidget(self.lists, 1)
        layout.addWidget(maps)
        self.tabs = QTabWidget()
        self.tabs.addTab(compare, "Compare")
        self.tabs.addTab(self.translate_tab, "Translate")
        self.tabs.addTab(self.sequence_tab, "Sequence")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

    # the sets -------------------------------------------------------------------------------
    def _fill_sets(self) -> None:
        sets = self.session.sets
        for box, fallback in ((self.set_a, 0), (self.set_b, 1)):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for eset in sets:
                box.addItem(f"{eset.name} ({len(eset):,} × {eset.dims})", eset.uid)
            index = box.findData(chosen) if chosen is not None else -1
            box.setCurrentIndex(index if index >= 0 else min(fallback, len(sets) - 1))
            box.blockSignals(False)
        self.run_button.setEnabled(len(sets) >= 1)

    def chosen(self):
        """(set A, set B) chosen, or None."""
        by_uid = {eset.uid: eset for eset in self.session.sets}
        a, b = by_uid.get(self.set_a.currentData()), by_uid.get(self.set_b.currentData())
        return (a, b) if a is not None and b is not None else None

    def choose(self, a, b) -> None:
        """Choose set A and set B (as a person would in the two boxes)."""
        self.set_a.setCurrentIndex(self.set_a.findData(a.uid))
        self.set_b.setCurrentIndex(self.set_b.findData(b.uid))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Pairs file (word-in-A word-in-B per line)")
        if path:
            self.pairs_path.setText(path)

    def _on_set_closed(self, eset) -> None:
        if self.comparison is not None and eset in (
            self.comparison.pairing.a,
            self.comparison.pairing.b,
        ):
            self.comparison = None
            self.moved.setRowCount(0)
            self.stable.setRowCount(0)
            self.overall.setText("")
            self.message.setText(f"{eset.name} was closed; its comparison is gone.")
            self.translate_tab.comparison_changed(None)
            self.layout_tools.comparison_changed(None)

    # running --------------------------------------------------------------------------------
    def start(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            self.message.setText("Open two sets first (File > Open), then choose A and B.")
            return
        a, b = chosen
        pairs = self.pairs_path.text().strip() or None
        if pairs is not None and not Path(pairs).is_file():
            self.message.setText(f"{pairs}: no such file. Choose the pairs file again.")
            return
        method, k = self.align_box.currentText(), self.k.value()
        self.message.setText(f"Comparing {a.name} with {b.name}…")
        handle = self.handle = self.runner.run(
            CHANNEL,
            f"Comparing {a.name} with {b.name}",
            lambda: comparison_task(a, b, pairs, method, k),
            on_result=self._on_result,
            on_error=self._on_error,
        )
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(lambda _ok: self._busy(False))
        self._busy(True)

    def cancel(self) -> None:
        self.runner.cancel(CHANNEL)
        self.message.setText("Cancelled; the previous comparison is kept.")
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.bar.setVisible(busy)

    def _on_progress(self, progress) -> None:
        if progress.message:
            self.message.setText(progress.message)
        show_fraction(self.bar, progress.fraction)

    def _on_error(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, EmbvizError):
            self.message.setText(f"{exc} The previous comparison is kept.")
        else:
            self.message.setText("")
            show_error(self, "Compare", exc, "Comparing two sets")

    def _on_result(self, comparison: Comparison) -> None:
        self._busy(False)
        a, b = comparison.pairing.a, comparison.pairing.b
        if a not in self.session.sets or b not in self.session.sets:
            self.message.setText("A set was closed meanwhile; nothing was changed.")
            return
        self.comparison = comparison
        pairing = comparison.pairing
        said = pairing.describe()
        if pairing.source != "shared labels":  # the file's name; its folder is in the box above
            said = said.replace(pairing.source, Path(pairing.source).name)
        self.message.setText(said + ".")
        self.overall.setText(overall_text(comparison))
        self._fill_lists()
        for side, eset, other in (("a", a, b), ("b", b, a)):
            if side == "b" and a is b:
                break
            names = column_names(comparison.k, other.name)
            added = {names[key]: values for key, values in comparison.columns(side).items()}
            kept = {  # an earlier comparison with the same set (another k) is replaced
                column: values
                for column, values in eset.metadata.items()
                if not is_compare_column(column, other.name)
            }
            self.session.set_metadata(eset, {**kept, **added})
        pairs = None if comparison.pairing.source == "shared labels" else comparison.pairing.pairs()
        self.maps.show(a, b, pairs)
        self.translate_tab.comparison_changed(comparison)
        self.layout_tools.comparison_changed(comparison)

    # the lists ------------------------------------------------------------------------------
    def _fill_lists(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        by = RANKS[self.rank_by.currentText()]
        lookup = {
            label: (other, d, o)
            for label, other, d, o in zip(
                comparison.labels,
                comparison.labels_b,
                comparison.displacement.tolist(),
                comparison.neighbor_overlap.tolist(),
                strict=True,
            )
        }
        for widget, words in (
            (self.moved, comparison.moved_most(LIST_LENGTH, by)),
            (self.stable, comparison.stable(LIST_LENGTH, by)),
        ):
            fill(widget, [[label, *lookup[label]] for label, _value in words])
        overlap = f"overlap@{comparison.k}"
        for widget in (self.moved, self.stable):
            header = widget.horizontalHeaderItem(3)
            if header is not None:
                header.setText(overlap)

    def _on_word(self, widget, row: int) -> None:
        item = widget.item(row, 0)
        if item is not None:
            self.maps.select_and_centre(item.text())


def overall_text(comparison: Comparison) -> str:
    """The overall figures and what was done (alignment, dimensions), in words."""
    alignment = comparison.alignment
    shared = len(comparison.rows_a)
    lines = [
        f"<b>{shared:,}</b> words compared; alignment: <b>{alignment.method}</b>"
        + (f" (asked: {alignment.requested})" if alignment.requested != alignment.method else ""),
        f"mean neighbour overlap@{comparison.k}: <b>{comparison.mean_overlap:.3f}</b>",
        f"Procrustes residual ‖XW − Y‖: <b>{comparison.residual:.3f}</b>",
        f"linear CKA: <b>{comparison.cka:.3f}</b>",
    ]
    if alignment.note:
        lines.append(alignment.note)
    return "<br>".join(lines)


def install(window) -> ComparePanel:
    panel = ComparePanel(window)
    window.add_dock("compare", "Compare", panel)
    return panel
