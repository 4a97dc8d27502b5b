"""The list of search hits beside the map: click one to select it and centre the map on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

MAX_LISTED = 2000


class HitList(QWidget):
    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel("Type in the search box to list matches.")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)
        self.list.itemActivated.connect(self._go)
        self.list.itemClicked.connect(self._go)

    def show_result(self, result, labels: list[str]) -> None:
        self.list.clear()
        if not result.active:
            self.summary.setText(result.error or "Type in the search box to list matches.")
            return
        shown = result.indices[:MAX_LISTED]
        more = f" (first {MAX_LISTED:,} listed)" if result.count > MAX_LISTED else ""
        mode = getattr(result, "mode", "substring")
        how = "" if mode in ("substring", "exact") else f" ({mode})"
        noun = "match" if result.count == 1 else "matches"
        self.summary.setText(f"{result.count:,} {noun} for {_quoted(result.pattern)}{how}{more}")
        for row in shown:
            item = QListWidgetItem(labels[int(row)])
            item.setData(Qt.ItemDataRole.UserRole, int(row))
            self.list.addItem(item)

    def _go(self, item: QListWidgetItem) -> None:
        row = item.data(Qt.ItemDataRole.UserRole)
        self.session.select([row])
        self.session.focus([row])


def _quoted(pattern: str) -> str:
    """The pattern in quotes, once: an exact search already wears them."""
    return pattern if pattern[:1] in '"“„' else f"“{pattern}”"
