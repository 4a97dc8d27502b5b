"""File > Export: the current map as PNG (any resolution) or SVG; visible or selected points as CSV.

The 2-D map exports through pyqtgraph's exporters, which repaint the scene at the asked size, so
the numpy-rendered point layers are re-rendered at that resolution (not scaled up). The 3-D map
exports what OpenGL renders at the asked size. CSV rows hold the label, the map coordinates and
every metadata column.

Every file goes through :func:`embviz.io.safe_write.atomic_write`: an existing file is replaced
only with ``force`` (the save dialog has asked the person first), never a folder, device or FIFO;
the picture is written to a temporary file beside it and renamed over it when complete.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

from embviz.gui.errors import show_error
from embviz.io.safe_write import WriteError, atomic_write


def export_png(window, path: str | Path, width: int | None = None, *, force: bool = False) -> Path:
    """Save the current map as a PNG ``width`` pixels wide (default: as on screen)."""
    path = Path(path)
    view = window.maps.current_view()
    if view is window.view:
        import pyqtgraph.exporters as exporters

        exporter = exporters.ImageExporter(view.plotItem)
        if width:
            exporter.parameters()["width"] = int(width)
        image = exporter.export(toBytes=True)
    else:
        scale = (width or view.width()) / max(view.width(), 1)
        size = (int(view.width() * scale), int(view.height() * scale))
        from pyqtgraph import makeQImage

        image = makeQImage(view.renderToArray(size).transpose(1, 0, 2))
    with atomic_write([path], force=force) as (temp,):
        if not image.save(str(temp), "PNG"):
            raise WriteError(f"{path}: the PNG could not be written (check the folder's space).")
    return path


def export_svg(window, path: str | Path, *, force: bool = False) -> Path:
    """Save the 2-D map as SVG: axes and labels as vectors, the points as an embedded image.

    Drawn through QSvgGenerator (pyqtgraph's SVGExporter cannot parse the paths Qt 6.12 writes).
    """
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    path = Path(path)
    view = window.view
    with atomic_write([path], force=force) as (temp,):
        generator = QSvgGenerator()
        generator.setFileName(str(temp))
        generator.setSize(QSize(view.width(), view.height()))
        generator.setViewBox(QRect(0, 0, view.width(), view.height()))
        generator.setTitle(window.windowTitle())
        painter = QPainter(generator)
        view.render(painter)
        painter.end()
    return path


def export_csv(window, path: str | Path, which: str = "selected", *, force: bool = False) -> int:
    """Write the ``selected`` or ``visible`` points: label, map coordinates, metadata. Rows written."""
    eset, projection = window.session.current, window.session.projection
    if eset is None or projection is None:
        return 0
    if which == "selected":
        rows = window.session.selection
    else:
        view = window.view
        (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
        rows = view.index.in_rect(x0, y0, x1, y1) if view.index is not None else np.empty(0, int)
        shown = view.shown_rows()
        rows = rows if shown is None else np.intersect1d(rows, shown)
    coords = projection.coords
    axes = (
        ["x", "y", "z"][: coords.shape[1]]
        if coords.shape[1] <= 3
        else [f"c{i + 1}" for i in range(coords.shape[1])]
    )
    columns = list(eset.metadata)
    with (
        atomic_write([path], force=force) as (temp,),
        open(temp, "w", newline="", encoding="utf-8") as f,
    ):
        writer = csv.writer(f)
        writer.writerow(["row", "label", *axes, *columns])
        for row in np.asarray(rows, dtype=np.int64):
            values = [eset.metadata[c][row] for c in columns]
            writer.writerow([int(row), eset.labels[row], *coords[row].tolist(), *values])
    return len(rows)


def install(window) -> None:
    """Add the export actions to the File menu, before its end marker."""
    menu, before = window.file_menu, window.file_menu_end

    def ask(title: str, filter_: str) -> str:
        path, _ = QFileDialog.getSaveFileName(window, title, "", filter_)
        return path

    def guarded(title: str, path: str, write) -> None:
        """The save dialog asked before replacing a file, so ``force``; a refusal (a folder, a
        read-only file, no space) is said in a message and nothing is changed."""
        try:
            write()
        except Exception as exc:
            show_error(window, title, exc, f"Could not write {path}")

    def png() -> None:
        path = ask("Export map as PNG", "PNG image (*.png)")
        if path:
            width, ok = QInputDialog.getInt(
                window, "Export PNG", "Width in pixels:", max(window.width(), 800), 100, 20000
            )
            if ok:
                guarded("Export PNG", path, lambda: export_png(window, path, width, force=True))

    def svg() -> None:
        path = ask("Export map as SVG", "SVG image (*.svg)")
        if path:
            guarded("Export SVG", path, lambda: export_svg(window, path, force=True))

    def csv_of(which: str) -> None:
        path = ask(f"Export {which} points as CSV", "CSV (*.csv)")
        if path:

            def write() -> None:
                n = export_csv(window, path, which, force=True)
                window.statusBar().showMessage(f"Wrote {n:,} points to {path}", 6000)

            guarded("Export CSV", path, write)

    for text, slot in (
        ("Export Map as &PNG…", png),
        ("Export Map as &SVG…", svg),
        ("Export &Selected Points as CSV…", lambda: csv_of("selected")),
        ("Export &Visible Points as CSV…", lambda: csv_of("visible")),
    ):
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.insertAction(before, action)
