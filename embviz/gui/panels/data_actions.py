"""File menu: Add metadata…, Export…, Open first N rows….

The work (reading a table, writing files) is done by embviz.io in a worker; this module only asks
the person what to do and reports what happened. A failure leaves the set as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.gui.errors import show_error
from embviz.io.registry import load_task

METADATA_FILTER = "Tables (*.tsv *.csv *.txt);;All files (*)"
EXPORTS = {  # file dialog filter -> (format, extension)
    "Projector TSV pair: tensors + metadata (*.tsv)": ("projector", ".tsv"),
    "word2vec binary (*.bin)": ("word2vec-binary", ".bin"),
    "word2vec text (*.vec)": ("word2vec-text", ".vec"),
    "NumPy .npy + labels/metadata TSV (*.npy)": ("numpy", ".npy"),
    "NumPy archive (*.npz)": ("numpy-npz", ".npz"),
    "CSV table: label, metadata, vector (*.csv)": ("csv", ".csv"),
    "Parquet table (*.parquet)": ("parquet", ".parquet"),
    "Map coordinates + metadata (*.csv)": ("coords", ".csv"),
}
MATCH_CHOICES = {
    "Match rows by label (automatic)": "auto",
    "Match rows by label (required)": "label",
    "Take rows in order": "row",
}
DEFAULT_ROWS = 50_000


class DataActions(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._pending_full: tuple[Path, int] | None = None
        window.session.current_changed.connect(self._on_new_current)
        self.add_metadata_action = QAction("Add &metadata…", window)
        self.export_action = QAction("&Export…", window)
        self.open_first_action = QAction("Open &first N rows…", window)
        self.add_metadata_action.triggered.connect(self.add_metadata_dialog)
        self.export_action.triggered.connect(self.export_dialog)
        self.open_first_action.triggered.connect(self.open_first_dialog)
        window.add_file_action("open", self.open_first_action)
        window.add_file_action("add", self.add_metadata_action)
        window.add_file_action("export", self.export_action)
        window.session.current_changed.connect(self._update_enabled)
        self._update_enabled(window.session.current)

    def _update_enabled(self, eset: EmbeddingSet | None) -> None:
        self.add_metadata_action.setEnabled(eset is not None)
        self.export_action.setEnabled(eset is not None)

    def _start_dir(self) -> str:
        return str(self.window.settings.value("last_dir", str(Path.home())))

    # add metadata -------------------------------------------------------------------------
    def add_metadata_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Add metadata", self._start_dir(), METADATA_FILTER
        )
        if not path:
            return
        choice, ok = QInputDialog.getItem(
            self.window, "Add metadata", "Match the table's rows:", list(MATCH_CHOICES), 0, False
        )
        if ok:
            self.add_metadata(path, MATCH_CHOICES[choice])

    def add_metadata(self, path: str | Path, by: str = "auto") -> None:
        """Read ``path`` in a worker and add its columns to the current set."""
        from embviz.io.metadata import attach_task

        eset = self.window.session.current
        if eset is None:
            return
        path = Path(path)
        self.window.runner.run(
            "metadata",
            f"Adding metadata from {path.name}",
            lambda: attach_task(eset, path, by),
            on_result=lambda result: self._metadata_added(eset, result, path),
            on_error=lambda exc: self._failed("Could not add metadata", exc, path),
        )

    def _metadata_added(self, eset: EmbeddingSet, result: EmbeddingSet, path: Path) -> None:
        added = [name for name in result.metadata if name not in eset.metadata]
        eset.source.warnings[:] = result.source.warnings
        self.window.session.set_metadata(eset, result.metadata)
        self.window.statusBar().showMessage(
            f"Added {len(added)} column(s) from {path.name}: {', '.join(added)}", 8000
        )

    # export -------------------------------------------------------------------------------
    def export_dialog(self) -> None:
        eset = self.window.session.current
        if eset is None:
            return
        start = str(Path(self._start_dir()) / eset.name.split(".")[0])
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export", start, ";;".join(EXPORTS))
        if not path:
            return
        kind, extension = EXPORTS.get(chosen, (None, ""))
        if not Path(path).suffix and extension:
            path += extension
        self.export(path, kind)

    def export(self, path: str | Path, kind: str | None = None) -> None:
        """Write the current set (or, for ``kind='coords'``, its map) to ``path`` in a worker."""
        eset = self.window.session.current
        if eset is None:
            return
        path = Path(path)
        coords = None
        if kind == "coords":
            projection = self.window.session.projection
            if projection is None:
                self._failed("Could not export", EmbvizError("The map is not ready yet."), path)
                return
            coords = projection.coords
        self.window.runner.run(
            "export",
            f"Exporting {eset.name} to {path.name}",
            lambda: _export_task(eset, path, kind, coords),
            on_result=lambda files: self.window.statusBar().showMessage(
                "Exported to " + ", ".join(Path(f).name for f in files), 8000
            ),
            on_error=lambda exc: self._failed("Could not export", exc, path),
        )

    # open first rows ----------------------------------------------------------------------
    def open_first_dialog(self) -> None:
        from embviz.gui.file_filters import FILE_FILTER

        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open first N rows", self._start_dir(), FILE_FILTER
        )
        if not path:
            return
        rows, ok = QInputDialog.getInt(
            self.window,
            "Open first N rows",
            "Rows to read from the top of the file\n(frequency-sorted files: the most common):",
            DEFAULT_ROWS,
            1,
            2_000_000_000,
        )
        if ok:
            self.open_first_rows(path, rows)

    def open_first_rows(self, path: str | Path, rows: int) -> None:
        """Map the first ``rows``; then read the whole file in the background for neighbours."""
        path = Path(path)
        self._pending_full = (path.resolve(), int(rows))
        self.window.open_paths([path], limit=int(rows))

    def _on_new_current(self, _eset=None) -> None:
        pending = self._pending_full
        eset = self.window.session.current
        if pending is None or eset is None or not eset.source.path:
            return
        path, rows = pending
        if Path(eset.source.path).resolve() != path or len(eset) > rows:
            return
        self._pending_full = None
        if len(eset) < rows:
            return  # the file has no more rows than were asked for: this is the whole file
        self.window.runner.run(
            "load-full",
            f"Reading all of {path.name} for neighbour search",
            lambda: load_task(path),
            on_result=lambda full: self._attach_full(eset, full),
            on_error=lambda exc: self._failed("Reading the whole file", exc, path),
        )

    def _attach_full(self, shown: EmbeddingSet, full: EmbeddingSet) -> None:
        if len(full) > len(shown) and shown in self.window.session.sets:
            self.window.session.attach_full(shown, full)

    def _failed(self, title: str, exc: BaseException, path: Path) -> None:
        self.window.last_error = show_error(self.window, title, exc, f"{title} ({path})")


def _export_task(eset: EmbeddingSet, path: Path, kind: str | None, coords) -> Task[list[Path]]:
    from embviz.io.export import export, write_coords_csv

    yield Progress(None, f"Writing {path.name}")
    # force: the save dialog has already asked before replacing an existing file
    if kind == "coords":
        return write_coords_csv(eset, coords, path, force=True)
    return export(eset, path, kind, force=True)


def install(window) -> DataActions:
    return DataActions(window)
