"""The full image of one row of an image set (a dock beside the map), and the map's thumbnails.

It shows the image under the pointer (on the map or in a table) while the pointer rests on a
point, otherwise the one last clicked or selected alone, at the largest size that fits the dock
(small images such as 8x8 digits are enlarged by whole pixels, so they stay sharp). The image is
read from its file or sprite tile by :mod:`embviz.io.images`; one that cannot be read says which
file and why. The dock shows itself when a set with images is shown.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from embviz.gui.errors import report_error
from embviz.gui.views.thumbnail_layer import rgba_image
from embviz.io.images import ImageSource, image_source

EMPTY_HINT = "Point at or click an image on the map to see it here."


class ImagePanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.session = window.session
        self.row = -1  # the row shown
        self.pinned = -1  # the one selected alone (shown when the pointer leaves)
        self.pixels: np.ndarray | None = None  # the shown image, H x W x 4 (as read)
        self.embedder: ImageEmbedder | None = None  # File > Embed images…
        self.title = QLabel(EMPTY_HINT)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold")
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(64, 64)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.thumbs = QCheckBox("Thumbnails on the map")
        self.thumbs.setChecked(True)
        self.thumbs.setToolTip("Zoomed in, points show their images (one per place, no overlap)")
        self.thumb_size = QSpinBox()
        self.thumb_size.setRange(16, 160)
        self.thumb_size.setValue(40)
        self.thumb_size.setSuffix(" px")
        row = QHBoxLayout()
        row.addWidget(self.thumbs)
        row.addStretch(1)
        row.addWidget(QLabel("Size:"))
        row.addWidget(self.thumb_size)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.details)
        self.thumbs.toggled.connect(self._apply_map_settings)
        self.thumb_size.valueChanged.connect(self._apply_map_settings)
        s = self.session
        s.current_changed.connect(lambda _eset: self._reset())
        s.selection_changed.connect(self._on_selection)
        s.hovered.connect(self._on_hover)

    def _source(self) -> ImageSource | None:
        eset = self.session.current
        return None if eset is None else image_source(eset)

    def _reset(self) -> None:
        self.pinned = -1
        self.show_row(-1)

    def _on_selection(self, rows: np.ndarray) -> None:
        self.pinned = int(rows[0]) if len(rows) == 1 else -1
        if len(rows) >= 1:
            self.show_row(int(rows[0]))
        elif self.session.hovered_label is None:
            self.show_row(-1)

    def _on_hover(self, _view, label: str | None) -> None:
        eset = self.session.current
        if eset is None:
            return
        row = eset.index_of(label) if label is not None and label in eset else -1
        self.show_row(row if row >= 0 else self.pinned)

    def show_row(self, row: int) -> None:
        """Show row ``row``'s image of the shown set (-1 or a set without images: nothing)."""
        eset, source = self.session.current, self._source()
        if eset is None or source is None or not 0 <= row < len(eset):
            self.row, self.pixels = -1, None
            self.title.setText(EMPTY_HINT if source is not None else "This set has no images.")
            self.image.clear()
            self.details.setText("")
            return
        self.row = row
        self.title.setText(eset.labels[row])
        try:
            self.pixels = source.rgba(row)
        except Exception as exc:  # a missing or damaged file: said here, the map goes on
            self.pixels = None
            self.image.clear()
            self.details.setText(str(exc))  # the file (or sprite), what is wrong, what to do
            self.details.setStyleSheet("color: #b00020")
            return
        h, w = self.pixels.shape[:2]
        self.details.setStyleSheet("")
        self.details.setText(f"{source.describe(row)}\n{w} x {h} pixels")
        self._draw()

    def _draw(self) -> None:
        if self.pixels is None:
            return
        h, w = self.pixels.shape[:2]
        room_w, room_h = max(self.image.width(), 64), max(self.image.height(), 64)
        scale = min(room_w / w, room_h / h)
        if scale >= 1:
            scale = float(int(scale))  # whole pixels: a small image stays sharp
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        pix = QPixmap.fromImage(rgba_image(self.pixels))
        mode = (
            Qt.TransformationMode.FastTransformation
            if scale >= 1
            else Qt.TransformationMode.SmoothTransformation
        )
        self.image.setPixmap(
            pix.scaled(size[0], size[1], Qt.AspectRatioMode.IgnoreAspectRatio, mode)
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._draw()

    def _apply_map_settings(self, *_args) -> None:
        maps = self.window_.maps
        for controller in [maps, *maps.siblings]:
            controller.thumbnails.item.set_enabled(self.thumbs.isChecked())
            controller.thumbnails.item.set_size(self.thumb_size.value())


class ImageEmbedder(QObject):
    """File > Embed images…: a folder of images (or a table of image paths) embedded with a
    CLIP or vision model folder, in a worker; the set opens with its images and, for CLIP, its
    text tower for searching the images in words (the Search documents dock)."""

    def __init__(self, window, panel: ImagePanel) -> None:
        super().__init__(window)
        self.main, self.panel = window, panel
        self.action = QAction("Embed &images…", window)
        self.action.setToolTip(
            "Embed a folder of images (or a table of image paths) with a CLIP or vision model"
        )
        self.action.triggered.connect(self.ask)
        window.add_file_action("open", self.action)

    def ask(self) -> None:
        start = str(self.main.settings.value("last_dir", str(Path.home())))
        images = QFileDialog.getExistingDirectory(self.main, "Folder of images", start)
        if not images:
            return
        model = QFileDialog.getExistingDirectory(
            self.main, "CLIP or vision model folder (config.json, weights)", images
        )
        if model:
            self.main.settings.setValue("last_dir", images)
            self.embed(images, model)

    def embed(self, images: str | Path, model: str | Path, batch_size: int = 16) -> None:
        """Embed ``images`` (a folder or a table) with the model folder ``model``."""
        from embviz.io.images_input import read_image_input
        from embviz.models.images.encode import embed_image_set

        images, model = Path(images), str(model)

        def task():
            given = read_image_input(images)
            eset = yield from embed_image_set(given.images, model, given.labels, batch_size)
            eset.set_metadata({**given.metadata, **eset.metadata})
            eset.name = f"{images.name} ({Path(model).name})"
            return eset

        self.panel.title.setText(f"Embedding the images of {images.name}…")
        self.main.runner.run(
            "embed-images",
            f"Embedding the images of {images.name}",
            task,
            on_result=self.main.session.add_set,
            on_error=lambda exc: report_error(
                self.panel.details, self.main, "Could not embed the images", exc, str(images)
            ),
        )


def install(window) -> ImagePanel:
    panel = ImagePanel(window)
    panel.embedder = ImageEmbedder(window, panel)
    dock = window.add_dock("image", "Image", panel)
    area = window.dockWidgetArea(dock)  # out of the tabs: seen beside the map with the others
    window.removeDockWidget(dock)
    window.addDockWidget(area, dock)
    dock.hide()

    def follow(eset) -> None:
        if eset is not None and image_source(eset) is not None and not dock.isVisible():
            dock.show()
            window.resizeDocks([dock], [int(window.height() * 0.4)], Qt.Orientation.Vertical)
            panel.show_row(panel.row)

    window.session.current_changed.connect(follow)
    return panel
