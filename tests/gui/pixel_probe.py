"""Find drawn dots in a grabbed image and where the axes say they should be.

A dot of colour ``c`` drawn with opacity ``a`` over a background ``b`` gives pixels on the line
``b + a (c - b)``; a pixel belongs to a dot when it lies near that line with a clear ``a``, so
grey text, axes and labels are not mistaken for points. Each dot's centre is the coverage-weighted
centroid of a connected group of such pixels, in continuous pixel coordinates (the centre of
pixel column ``i`` is ``i + 0.5``), which is how Qt's own mappings (``mapViewToScene``,
``viewportTransform``) count.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from scipy import ndimage


def image_array(image) -> np.ndarray:
    """H x W x 3 uint8 copy of a QImage or QPixmap."""
    if not isinstance(image, QImage):
        image = image.toImage()
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


def coverage(rgb: np.ndarray, colour, background) -> np.ndarray:
    """How much of ``colour`` over ``background`` each pixel shows (0 where it is something else).

    A pixel off the background-to-colour line by more than rounding and 10% of its own distance
    from the background is something else (grey text, an axis, a label's fill)."""
    px = rgb.astype(np.float64) - np.asarray(background, np.float64)
    line = np.asarray(colour, np.float64) - np.asarray(background, np.float64)
    a = (px @ line) / float(line @ line)
    residual = np.linalg.norm(px - a[..., None] * line, axis=-1)
    allowed = 6.0 + 0.1 * np.abs(a) * float(np.linalg.norm(line))
    return np.where((residual <= allowed) & (a > 0.12), np.clip(a, 0.0, 1.0), 0.0)


def find_dots(
    image, colour, background, region: QRectF | None = None, min_pixels: int = 4
) -> np.ndarray:
    """Centroids (K x 2, x then y, pixel units of ``image``) of the dots of ``colour``.

    ``region`` limits the search to a rectangle of the image (e.g. the map's data area), so
    that a toolbar button of a similar blue is not taken for a point.
    """
    rgb = image_array(image) if not isinstance(image, np.ndarray) else image
    weight = coverage(rgb, colour, background)
    if region is not None:
        mask = np.zeros_like(weight, dtype=bool)
        x0, y0 = max(int(region.left()), 0), max(int(region.top()), 0)
        x1, y1 = int(np.ceil(region.right())), int(np.ceil(region.bottom()))
        mask[y0:y1, x0:x1] = True
        weight = np.where(mask, weight, 0.0)
    labels, count = ndimage.label(weight > 0)
    if count == 0:
        return np.empty((0, 2))
    ids = np.arange(1, count + 1)
    sizes = ndimage.sum(np.ones_like(weight), labels, ids)
    ids = ids[sizes >= min_pixels]
    centres = ndimage.center_of_mass(weight, labels, ids)  # (row, col) of pixel indices
    return np.array([(c + 0.5, r + 0.5) for r, c in centres]).reshape(-1, 2)


def match(found: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each expected position, the nearest found dot and its distance in pixels."""
    found = np.asarray(found, dtype=np.float64).reshape(-1, 2)
    expected = np.asarray(expected, dtype=np.float64).reshape(-1, 2)
    if not len(found):
        return np.full_like(expected, np.nan), np.full(len(expected), np.inf)
    d = np.linalg.norm(expected[:, None, :] - found[None, :, :], axis=-1)
    nearest = d.argmin(axis=1)
    return found[nearest], d[np.arange(len(expected)), nearest]


# where the axes say a point is ----------------------------------------------------------------
def viewport_pos(view, x: float, y: float) -> QPointF:
    """Float position in ``view``'s viewport of data point (x, y), by the view box's mapping."""
    scene = view.plotItem.vb.mapViewToScene(QPointF(float(x), float(y)))
    return view.viewportTransform().map(scene)


def window_pos(window, view, x: float, y: float) -> QPointF:
    """Float position in ``window`` (logical pixels) of data point (x, y)."""
    offset = view.viewport().mapTo(window, QPoint(0, 0))
    return viewport_pos(view, x, y) + QPointF(offset)


def data_area(window, view) -> QRectF:
    """The view box (where points are drawn) in ``window`` logical pixels."""
    box = view.plotItem.vb.sceneBoundingRect()
    rect = view.viewportTransform().mapRect(box)
    return rect.translated(QPointF(view.viewport().mapTo(window, QPoint(0, 0))))


def axis_ticks(view, name: str) -> list[tuple[float, float]]:
    """(value, viewport pixel) of each labelled tick the axis ``name`` draws ("bottom" | "left").

    Taken from the axis' own drawing specification: the tick marks it paints and the numbers it
    writes beside them, so this is what a person reads off the axis.
    """
    axis = view.plotItem.getAxis(name)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    _axis_spec, tick_specs, text_specs = specs
    horizontal = name in ("bottom", "top")
    marks = np.array([(p1.x() if horizontal else p1.y()) for _pen, p1, _p2 in tick_specs])
    out = []
    for rect, _flags, text in text_specs:
        try:
            value = float(text.replace("\u2212", "-"))
        except ValueError:
            continue
        centre = rect.center().x() if horizontal else rect.center().y()
        mark = float(marks[np.argmin(np.abs(marks - centre))])
        local = QPointF(mark, 0.0) if horizontal else QPointF(0.0, mark)
        at = view.viewportTransform().map(axis.mapToScene(local))
        out.append((value, at.x() if horizontal else at.y()))
    return out


def move_pointer(widget, pos: QPoint) -> None:
    """A mouse move (no button) at ``pos`` delivered straight to ``widget``.

    pyqtgraph's scene ignores moves that follow one another within a few milliseconds (a rate
    limit), so a test waits a little between two moves (see ``hover``)."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(pos)
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove, local, QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def hover(qtbot, widget, pos: QPoint) -> None:
    """Rest the pointer at ``pos``: after a pause longer than pyqtgraph's move rate limit."""
    qtbot.wait(60)
    move_pointer(widget, pos)
