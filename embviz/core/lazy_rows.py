"""Labels and vectors that are not in memory yet: what lets a set of ten million rows open in
seconds (a partitioned atlas, :mod:`embviz.io.atlas_dataset`).

- :class:`LazyLabels` is a read-only sequence of unique strings made on demand from a title
  source (or the row number); a Python list of ten million strings would cost seconds and
  gigabytes before the first frame.
- :class:`LazyVectors` says the shape of the vectors and holds a task that reads them; an
  :class:`~embviz.core.dataset.EmbeddingSet` built on one reads them on first use of
  ``eset.vectors`` (or through :meth:`~embviz.core.dataset.EmbeddingSet.load_vectors_task`, with
  progress and Cancel), once, and then keeps them.

While lazy vectors are read from a plain ``eset.vectors`` access inside a worker, their progress
goes to :func:`embviz.core.tasks.report_progress`, which the GUI's worker forwards to its
progress bar.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import overload

import numpy as np

from embviz.core.tasks import Task

ROW_SUFFIX = re.compile(r"^(?:(?P<title>.*) )?\(row (?P<row>\d+)\)$", re.DOTALL)
RECENT = 4096  # labels handed out lately, kept for index_of (hover: row -> label -> row)


def clean_title(value: object) -> str:
    """A title on one line (runs of white space as one space); None is blank."""
    return "" if value is None else " ".join(str(value).split())


class LazyLabels(Sequence[str]):
    """``n`` unique labels made on demand.

    ``title_at(i)`` gives row ``i``'s title (None or blank: no title); a title in ``repeated``
    (titles that occur more than once) gets its row appended, as a blank one becomes its row:
    ``"Re: help (row 12)"``, ``"(row 40)"``. Without ``title_at`` every label is ``"(row i)"``.
    ``find(title)`` (optional) returns the first row whose title is ``title``, or None: it makes
    :meth:`index_of` work without a dict of every label. ``name_rows``: every titled label names
    its row (a set too big to look for repeated titles when it opens).
    """

    def __init__(
        self,
        n: int,
        title_at: Callable[[int], object] | None = None,
        repeated: Collection[str] = frozenset(),
        find: Callable[[str], int | None] | None = None,
        name_rows: bool = False,
    ) -> None:
        self.n = int(n)
        self.title_at = title_at
        self.repeated = frozenset(repeated)
        self.find = find
        self.name_rows = name_rows
        self.made = 0  # labels made so far (tests prove that opening made only a few)
        self._recent: OrderedDict[str, int] = OrderedDict()

    def __len__(self) -> int:
        return self.n

    def label(self, row: int) -> str:
        self.made += 1
        title = clean_title(self.title_at(row)) if self.title_at is not None else ""
        if not title:
            text = f"(row {row})"
        elif self.name_rows or title in self.repeated or ROW_SUFFIX.match(title):
            text = f"{title} (row {row})"  # also a title that itself looks like "x (row 3)"
        else:
            text = title
        self._recent[text] = row
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return text

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self.label(i) for i in range(*index.indices(self.n))]
        row = int(index)
        if row < 0:
            row += self.n
        if not 0 <= row < self.n:
            raise IndexError(f"label {index} of {self.n}")
        return self.label(row)

    def __iter__(self) -> Iterator[str]:
        return (self.label(i) for i in range(self.n))

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and self.row_of(label) is not None

    def row_of(self, label: str) -> int | None:
        """The row named ``label``, or None; no dict of every label is built."""
        row = self._recent.get(label)
        if row is not None:
            return row
        suffix = ROW_SUFFIX.match(label)
        if suffix is not None and int(suffix["row"]) < self.n:
            row = int(suffix["row"])
        elif self.find is not None:
            row = self.find(label)
        if row is None or not 0 <= row < self.n:
            return None
        return row if self.label(row) == label else None

    def index_of(self, label: str) -> int:
        row = self.row_of(label)
        if row is None:
            raise KeyError(label)
        return row


class LazyVectors:
    """The shape of vectors not read yet, and the task that reads them (float32, N x D)."""

    def __init__(self, shape: tuple[int, int], read: Callable[[], Task[np.ndarray]]) -> None:
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(np.float32)
        self.read = read
        self.reads = 0  # how often the vectors were read (tests: nothing before it is needed)

    def load(self) -> Task[np.ndarray]:
        self.reads += 1
        vectors = yield from self.read()
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != self.shape:
            raise ValueError(f"read vectors of shape {vectors.shape}, expected {self.shape}")
        return vectors
