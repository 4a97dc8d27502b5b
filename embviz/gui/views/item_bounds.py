"""Bounding rectangles of map items that draw past their data by a number of screen pixels."""

from __future__ import annotations

from PySide6.QtCore import QRectF


def padded_bounds(item, rect: QRectF, pad_px: float) -> QRectF:
    """``rect`` (view coordinates) grown by ``pad_px`` screen pixels on every side, at the
    item's view box's current scale (arrow heads, enlarged thumbnails); empty when ``rect`` is."""
    if rect.isNull():
        return QRectF()
    vb = item.getViewBox()
    px = vb.viewPixelSize() if vb is not None else (0.0, 0.0)
    pad_x, pad_y = px[0] * pad_px, px[1] * pad_px
    return rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)
