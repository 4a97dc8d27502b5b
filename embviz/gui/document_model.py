"""A Qt table model over a set's rows and metadata: the document table linked to the map.

It shows the rows it is given (those passing the view's filters), in the order of the column it
is sorted by, reading cells lazily, so a million documents cost one index array, not a million
items. Columns: the title (the set's label), the text column shortened to one line, then every
other metadata column (categories, numbers, dates, cluster names, per-point scores) as the set
holds them. Sorting and the column kinds come from :mod:`embviz.core.column_filters`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, Qt

from embviz.core.column_filters import as_text, shorten, sort_rows
from embviz.core.dataset import EmbeddingSet

TITLE = "title"
TEXT_CHARS = 120
TOOLTIP_CHARS = 600
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DocumentTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.eset: EmbeddingSet | None = None
        self.columns: list[str] = []
        self.rows = np.empty(0, dtype=np.int64)  # set rows shown, in table order
        self.position = np.empty(0, dtype=np.int64)  # set row -> table row (-1: not shown)
        self.sort_column: int | None = None
        self.descending = False
        self.text_column: str | None = None
        # the labels as an array, made once per set when sorting or matching asks for it (a lazy
        # set of ten million labels is never made whole just to be shown)
        self._titles: np.ndarray | None = None

    # what is shown ------------------------------------------------------------------------
    def set_set(self, eset: EmbeddingSet | None, rows: np.ndarray | None = None) -> None:
        self.beginResetModel()
        if eset is not self.eset or (self._titles is not None and eset is not None and
                                     len(self._titles) != len(eset)):  # fmt: skip
            self._titles = None
        self.eset = eset
        self.text_column = eset.corpus.text_column if eset is not None and eset.corpus else None
        self.columns = self._columns_of(eset)
        if self.sort_column is not None and self.sort_column >= len(self.columns):
            self.sort_column = None
        self._set_rows(rows)
        self.endResetModel()

    def refresh_columns(self) -> None:
        """The set's metadata columns changed (topics, scores added): show them."""
        self.set_set(self.eset, self.rows if self.sort_column is None else self._unsorted())

    def _columns_of(self, eset: EmbeddingSet | None) -> list[str]:
        if eset is None:
            return []
        text = [self.text_column] if self.text_column in eset.metadata else []
        return [TITLE, *text, *(c for c in eset.metadata if c not in text)]

    def set_rows(self, rows: np.ndarray | None) -> None:
        """Show these set rows (None: all), in the current sort order."""
        self.beginResetModel()
        self._set_rows(rows)
        self.endResetModel()

    def _set_rows(self, rows: np.ndarray | None) -> None:
        n = len(self.eset) if self.eset is not None else 0
        every = rows is None
        rows = np.arange(n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        if self.sort_column is not None and self.eset is not None and rows.size:
            rows = sort_rows(self.values(self.columns[self.sort_column]), rows, self.descending)
            every = False
        self.rows = rows
        if every:  # every row in set order: each row is its own position (no second array)
            self.position = rows
            return
        self.position = np.full(n, -1, dtype=np.int64)
        self.position[rows] = np.arange(rows.size)

    def _unsorted(self) -> np.ndarray:
        return np.sort(self.rows)

    def values(self, column: str) -> np.ndarray:
        assert self.eset is not None
        if column == TITLE:
            if self._titles is None:
                titles = np.empty(len(self.eset), dtype=object)
                titles[:] = list(self.eset.labels)
                self._titles = titles
            return self._titles
        return self.eset.metadata[column]

    def set_row(self, table_row: int) -> int:
        return int(self.rows[table_row])

    # Qt's model interface -----------------------------------------------------------------
    def rowCount(self, parent=None) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent is not None and parent.isValid() else int(self.rows.size)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if section < len(self.columns) else None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if self.eset is None or not index.isValid() or index.row() >= self.rows.size:
            return None
        row = int(self.rows[index.row()])
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if column == TITLE:  # one label made, not all of them
            limit = TOOLTIP_CHARS if role == Qt.ItemDataRole.ToolTipRole else TEXT_CHARS
            return cell_text(self.eset.labels[row], limit) if role in shown else None
        values = self.values(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if values.dtype.kind in "iuf" else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = values[row]
        limit = TOOLTIP_CHARS if role == Qt.ItemDataRole.ToolTipRole else TEXT_CHARS
        return cell_text(value, limit)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self.eset is None or not 0 <= column < len(self.columns):
            return
        rows = self._unsorted()
        self.sort_column = column
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.set_rows(rows)  # a reset: the panel selects the model's selection again


def cell_text(value: object, limit: int = TEXT_CHARS) -> str:
    """A cell as the table writes it: numbers to 4 significant digits, dates as dates, text on
    one line; a missing value is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else _date_text(value)
    if isinstance(value, float | np.floating):
        return "" if not np.isfinite(value) else f"{float(value):.4g}"
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = as_text(value)
    return shorten(text, limit)


def _date_text(value: np.datetime64) -> str:
    day = value.astype("datetime64[D]")
    return str(day) if day == value else str(value.astype("datetime64[s]")).replace("T", " ")
