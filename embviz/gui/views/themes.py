"""Light and dark themes: the map's colours and, for the whole window, a Qt palette."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Theme:
    name: str
    background: tuple[int, int, int]
    text: tuple[int, int, int]
    axis: tuple[int, int, int]
    point: tuple[int, int, int]  # the single colour when not colouring by a column
    hit: tuple[int, int, int]
    selected: tuple[int, int, int]
    focus_label: tuple[int, int, int]
    landmark_label: tuple[int, int, int]
    dim_label: tuple[int, int, int]
    label_fill: tuple[int, int, int]
    hover_fill: tuple[int, int, int, int]


THEMES = {
    "light": Theme(
        "light", (255, 255, 255), (40, 40, 40), (170, 170, 170), (31, 119, 180), (230, 85, 13),
        (214, 39, 40), (120, 30, 0), (70, 70, 70), (165, 165, 165), (255, 255, 255),
        (255, 255, 220, 230),
    ),
    "dark": Theme(
        "dark", (25, 27, 31), (220, 220, 220), (110, 110, 110), (86, 180, 233), (240, 160, 40),
        (255, 90, 90), (255, 200, 120), (200, 200, 200), (110, 110, 110), (25, 27, 31),
        (50, 50, 60, 230),
    ),
}  # fmt: skip


def palette_for(theme: Theme) -> QPalette:
    """A window palette matching ``theme`` (the light one is Qt's default Fusion look)."""
    palette = QPalette()
    if theme.name == "light":
        return palette
    base, text = QColor(*theme.background), QColor(*theme.text)
    window = QColor(38, 40, 46)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 60),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: window,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.Highlight: QColor(42, 130, 218),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.PlaceholderText: QColor(140, 140, 140),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    return palette
