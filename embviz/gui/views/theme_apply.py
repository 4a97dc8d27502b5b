"""Applies a Theme to the 2-D view's background, axes, markers, labels and legend."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from embviz.gui.views.themes import Theme


def apply_theme_2d(view, theme: Theme) -> None:
    view.setBackground(theme.background)
    for axis in ("left", "bottom"):
        ax = view.plotItem.getAxis(axis)
        ax.setTextPen(pg.mkPen(*theme.text))
        ax.setPen(pg.mkPen(*theme.axis))
        ax.label.setDefaultTextColor(QColor(*theme.text))
    view.rings.setPen(pg.mkPen(*theme.selected, width=2.5))
    view.hover_marker.setPen(pg.mkPen(*theme.text, width=1.5))
    view.hover_text.fill = pg.mkBrush(*theme.hover_fill)
    view.overlay_points.setPen(pg.mkPen(*theme.background, width=1))
    view.label_layer.set_colours(
        QColor(*theme.focus_label), QColor(*theme.landmark_label), QColor(*theme.dim_label),
        theme.label_fill,
    )  # fmt: skip
    view.legend.set_theme(theme.background, theme.text)
