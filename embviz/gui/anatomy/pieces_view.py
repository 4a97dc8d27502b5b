"""The pieces a tokenizer cuts a text into, as chips: the piece, and its id below it.

A chip's colour says its kind (word start, continuation, special), in the colours the token
table's map uses for the same kinds when it is coloured by piece kind.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

KIND_COLOURS = {  # light tints, so the black text stays readable
    "word start": "#FCE3B0",
    "continuation": "#CFE8F8",
    "special": "#E0E0E0",
}
PIECE_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PiecesView(QListWidget):
    """Chips that wrap like words in a paragraph; each says ``piece`` over ``#id``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(3)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.setMinimumHeight(110)
        self.setStyleSheet(
            "QListWidget { background: palette(base); }"
            "QListWidget::item { border: 1px solid #999; border-radius: 6px; padding: 2px 5px;"
            " color: #111; }"
            "QListWidget::item:selected { border: 2px solid #c0007a; }"
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(260, 120)

    def show_pieces(
        self,
        pieces: Sequence[str],
        ids: Sequence[int],
        kinds: Sequence[str] | None = None,
        readable: Sequence[str] | None = None,
    ) -> None:
        """One chip per piece, exactly as the tokenizer gives it; the tooltip adds its kind and,
        where the vocabulary is spelt in byte symbols (GPT-2's Ġ), the piece as read."""
        self.clear()
        for n, (piece, token_id) in enumerate(zip(pieces, ids, strict=True)):
            item = QListWidgetItem(f"{piece}\n#{token_id}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setData(PIECE_ROLE, piece)
            item.setData(ID_ROLE, int(token_id))
            kind = kinds[n] if kinds is not None else ""
            item.setBackground(QBrush(QColor(KIND_COLOURS.get(kind, "#F4F4F4"))))
            read = readable[n] if readable else piece
            tip = f"{piece}: id {token_id}" + (f", {kind}" if kind else "")
            item.setToolTip(tip + (f" (reads “{read}”)" if read != piece else ""))
            self.addItem(item)

    def pieces(self) -> list[str]:
        """The pieces shown, in order (what a person reads on the chips)."""
        return [str(self.item(i).data(PIECE_ROLE)) for i in range(self.count())]

    def ids(self) -> list[int]:
        return [int(self.item(i).data(ID_ROLE)) for i in range(self.count())]
