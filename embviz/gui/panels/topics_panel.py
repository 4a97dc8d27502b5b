"""Topics dock: find topics of the shown set (HDBSCAN clusters named by c-TF-IDF), list them
(coarse > fine, with sizes), select a topic's points, rename topics, export the names.

Topics are written as metadata columns (:func:`embviz.core.topics.topic_columns`) with
``Model.set_metadata``: the maps draw names and contours from those columns, and any view can
colour or filter by them. The list is built from the shown set's columns too, so it always says
what the map shows (including topics read from an atlas file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from embviz.core.corpus import CLUSTER_LABEL_COLUMN
from embviz.core.errors import EmbvizError
from embviz.core.topics import (
    Topics,
    available_languages,
    find_topics_task,
    rename,
    topic_columns,
    topics_from_columns,
)
from embviz.gui.errors import show_error
from embviz.gui.progress_widget import show_fraction

CHANNEL = "topics"
KEPT = ("topics",)  # the last Topics found for a set (with key words), in its derived cache
SPACES = (
    ("the map's layout (as seen)", ("layout", "umap")),
    ("the original vectors (UMAP to 5-d)", ("vectors", "umap")),
    ("the original vectors (PCA to 5-d, fast)", ("vectors", "pca")),
)
LABELS = "(the point labels)"
ID_ROLE = Qt.ItemDataRole.UserRole  # (level index, cluster id) on each list item


class TopicsPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.session = window.session
        self.runner = window.runner
        self.topics: Topics | None = None  # what the list shows (from the set's columns)
        self.space_box = QComboBox()
        for title, data in SPACES:
            self.space_box.addItem(title, data)
        self.size_box = QSpinBox(minimum=0, maximum=1_000_000, value=0)
        self.size_box.setSpecialValueText("automatic (2 % of the points)")
        self.size_box.setToolTip("Smallest coarse cluster; fine clusters are 5 times smaller")
        self.language_box = QComboBox()
        self.language_box.addItems(available_languages())
        self.language_box.setCurrentText("english")
        self.text_box = QComboBox()
        self.text_box.setToolTip("The column whose words name the topics")
        self.colour_check = QCheckBox("Colour the points by topic")
        self.colour_check.setChecked(True)
        self.names_check = QCheckBox("Names on the map")
        self.names_check.setChecked(True)
        self.density_check = QCheckBox("Density contours")
        self.density_check.setChecked(True)
        self.find_button = QPushButton("Find topics")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["topic", "documents"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setEditTriggers(
            QTreeWidget.EditTrigger.DoubleClicked | QTreeWidget.EditTrigger.EditKeyPressed
        )
        self.export_button = QPushButton("Export names…")
        self.export_button.setEnabled(False)
        self._layout()
        self.find_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemChanged.connect(self._on_edited)
        self.export_button.clicked.connect(self._export_dialog)
        self.names_check.toggled.connect(self._on_shown)
        self.density_check.toggled.connect(self._on_shown)
        self.session.current_changed.connect(self._on_current)
        self.session.metadata_changed.connect(self._on_metadata)
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Cluster on:", self.space_box)
        form.addRow("Min cluster size:", self.size_box)
        form.addRow("Words from:", self.text_box)
        form.addRow("Stop words:", self.language_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.cancel_button)
        shown = QHBoxLayout()
        shown.addWidget(self.names_check)
        shown.addWidget(self.density_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.colour_check)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addLayout(shown)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.export_button)

    # finding topics ---------------------------------------------------------------------------
    def _texts(self, eset) -> list[str]:
        column = self.text_box.currentText()
        if column and column != LABELS and column in eset.metadata:
            return [str(v) for v in eset.metadata[column]]
        return list(eset.labels)

    def start(self) -> None:
        eset, projection = self.session.current, self.session.projection
        if eset is None:
            self.message.setText("Open a set first.")
            return
        space, reduction = self.space_box.currentData()
        layout = projection.coords if projection is not None and not projection.partial else None
        if space == "layout" and layout is None:
            self.message.setText("Make a map first (Projection panel), or cluster the vectors.")
            return
        points = eset.vectors if layout is None or space != "layout" else layout
        texts = self._texts(eset)
        options: dict = {
            "layout": layout,
            "min_cluster_size": self.size_box.value() or None,
            "language": self.language_box.currentText(),
            "space": space,
            "reduction": reduction,
        }
        version = eset.version
        self.message.setText("")
        handle = self.runner.run(
            CHANNEL,
            f"Finding topics of {eset.name}",
            lambda: find_topics_task(points, texts, **options),
            on_result=lambda topics: self._on_result(eset, version, topics),
            on_error=self._on_error,
        )
        handle.progressed.connect(self._on_progress)
        handle.ended.connect(lambda _ok: self._update_busy())
        self._update_busy()

    def cancel(self) -> None:
        self.runner.cancel(CHANNEL)
        self.message.setText("Cancelled; nothing was changed.")
        self._update_busy()

    def _update_busy(self) -> None:
        busy = self.runner.is_busy(CHANNEL)
        self.find_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.bar.setVisible(busy)

    def _on_progress(self, progress) -> None:
        self.message.setText(progress.message)
        show_fraction(self.bar, progress.fraction)

    def _on_result(self, eset, version, topics: Topics) -> None:
        self._update_busy()
        if eset not in self.session.sets or eset.version != version:
            self.message.setText("The set changed while its topics were found; nothing written.")
            return
        eset.store_derived(KEPT, topics, version=version)
        self.session.set_metadata(eset, {**eset.metadata, **topic_columns(topics)})
        coarse = topics.levels[0]
        sizes = " and ".join(
            f"{level.min_cluster_size:,} ({level.name})" for level in topics.levels
        )
        fine = f", {topics.levels[1].n_clusters} fine" if len(topics.levels) > 1 else ""
        self.message.setText(
            f"{coarse.n_clusters} topics{fine}; {coarse.unclustered:,} of "
            f"{len(coarse.labels):,} documents unclustered. Smallest clusters: {sizes}."
        )
        if self.colour_check.isChecked() and eset is self.session.current:
            self.session.active.set_colour_column(CLUSTER_LABEL_COLUMN)

    def _on_error(self, exc: BaseException) -> None:
        self._update_busy()
        if isinstance(exc, (EmbvizError, ValueError)):
            self.message.setText(f"Topics could not be found: {exc}")
        else:
            show_error(self, "Topics", exc, "while finding topics")

    # the list ---------------------------------------------------------------------------------
    def _on_metadata(self, eset) -> None:
        if eset is self.session.current:
            self.refresh()

    def _on_current(self, eset) -> None:
        """A set that comes with topics (an atlas file) opens coloured by them, as a map of
        topics is expected to; a colour someone chose for the view is left alone."""
        self.refresh()
        view = self.session.active
        if (
            self.topics is not None
            and self.colour_check.isChecked()
            and view.eset is eset
            and view.colour_column is None
        ):
            view.set_colour_column(CLUSTER_LABEL_COLUMN)

    def refresh(self) -> None:
        """List the shown set's topics (from its columns), with the key words found for them."""
        eset = self.session.current
        self._fill_text_columns(eset)
        self.topics = None if eset is None else topics_from_columns(eset.metadata)
        kept = None if eset is None else eset.peek_derived(KEPT)
        self.tree.blockSignals(True)
        self.tree.clear()
        if self.topics is not None:
            self._fill_tree(self.topics, kept)
        self.tree.blockSignals(False)
        self.export_button.setEnabled(self.topics is not None)

    def _fill_text_columns(self, eset) -> None:
        chosen = self.text_box.currentText()
        self.text_box.blockSignals(True)
        self.text_box.clear()
        self.text_box.addItem(LABELS)
        if eset is not None:
            for name, values in eset.metadata.items():
                if np.asarray(values).dtype.kind in "OUS":
                    self.text_box.addItem(name)
            corpus = getattr(eset, "corpus", None)
            preferred = getattr(corpus, "text_column", None)
            if preferred and self.text_box.findText(preferred) >= 0:
                chosen = preferred
        if self.text_box.findText(chosen) >= 0:
            self.text_box.setCurrentText(chosen)
        self.text_box.blockSignals(False)

    def _fill_tree(self, topics: Topics, kept: Topics | None) -> None:
        words: dict[tuple[int, int], str] = {}
        if isinstance(kept, Topics):
            for depth, level in enumerate(kept.levels):
                same = depth < len(topics.levels) and np.array_equal(
                    level.labels, topics.levels[depth].labels
                )
                for topic in level.topics if same else ():
                    words[(depth, topic.id)] = ", ".join(w for w, _ in topic.keywords)
        parents: dict[int, QTreeWidgetItem] = {}
        for depth, level in enumerate(topics.levels[:2]):
            for topic in level.topics:
                item = QTreeWidgetItem([topic.name, f"{topic.size:,}"])
                item.setData(0, ID_ROLE, (depth, topic.id))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                tip = words.get((depth, topic.id))
                if tip:
                    item.setToolTip(0, f"key words: {tip}")
                if topic.id >= 0:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                if depth == 0:
                    self.tree.addTopLevelItem(item)
                    parents[topic.id] = item
                elif topic.parent in parents:
                    parents[topic.parent].addChild(item)
        self.tree.resizeColumnToContents(1)

    def item_for(self, level: int, cluster: int) -> QTreeWidgetItem | None:
        """The list's item of a topic (for tests and keyboard users)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for item in [top, *(top.child(j) for j in range(top.childCount()))]:
                if item is not None and item.data(0, ID_ROLE) == (level, cluster):
                    return item
        return None

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        eset, key = self.session.current, item.data(0, ID_ROLE)
        if eset is None or self.topics is None or key is None:
            return
        depth, cluster = key
        rows = np.flatnonzero(self.topics.levels[depth].labels == cluster)
        self.session.select(rows)

    def _on_edited(self, item: QTreeWidgetItem, column: int) -> None:
        eset, key = self.session.current, item.data(0, ID_ROLE)
        if column != 0 or eset is None or self.topics is None or key is None:
            return
        self.rename_topic(key[0], key[1], item.text(0))

    def rename_topic(self, level: int, cluster: int, name: str) -> None:
        """Give a topic a new name: the set's columns change, and the map follows them."""
        eset = self.session.current
        if eset is None or self.topics is None:
            return
        try:
            renamed = rename(self.topics, level, cluster, name)
        except (KeyError, ValueError) as exc:
            self.message.setText(f"Not renamed: {exc}")
            self.refresh()
            return
        kept = eset.peek_derived(KEPT)
        columns = topic_columns(renamed)
        self.session.set_metadata(eset, {**eset.metadata, **columns})
        if isinstance(kept, Topics):
            try:
                eset.store_derived(KEPT, rename(kept, level, cluster, name))
            except KeyError:
                pass

    # map layer and export ---------------------------------------------------------------------
    def _on_shown(self, _on: bool) -> None:
        maps = self.window_.maps
        for controller in [maps, *maps.siblings]:
            controller.topic_layer.set_shown(
                self.names_check.isChecked(), self.density_check.isChecked()
            )
            if controller.view3d is not None:  # its names follow the same box (topics3d)
                controller.view3d.update()

    def export_topics(self) -> Topics | None:
        """What an export writes: the listed topics, with key words when they were found here."""
        eset = self.session.current
        kept = None if eset is None else eset.peek_derived(KEPT)
        if isinstance(kept, Topics) and self.topics is not None:
            same = all(
                np.array_equal(a.labels, b.labels)
                for a, b in zip(kept.levels, self.topics.levels, strict=False)
            )
            if same and len(kept.levels) == len(self.topics.levels):
                return kept
        return self.topics

    def export_names(self, path: str | Path) -> Path | None:
        from embviz.io.topic_names import export_names

        topics = self.export_topics()
        if topics is None:
            return None
        try:
            written = export_names(topics, path, force=True)  # the dialog asked before
        except EmbvizError as exc:
            show_error(self, "Export topic names", exc, f"while writing {path}")
            return None
        self.message.setText(f"Names written to {written}.")
        return written

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export topic names", "topics.csv", "CSV (*.csv);;JSON (*.json)"
        )
        if path:
            self.export_names(path)


def install(window) -> TopicsPanel:
    panel = TopicsPanel(window)
    window.add_dock("topics", "Topics", panel)
    return panel
