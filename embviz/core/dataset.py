"""EmbeddingSet: labelled vectors with metadata and a record of where they came from."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from embviz.core.corpus import CorpusInfo
from embviz.core.lazy_rows import LazyLabels, LazyVectors
from embviz.core.tasks import Task, report_progress, run_task

T = TypeVar("T")
DerivedKey = tuple[Hashable, ...]  # what a derived value was computed from, e.g. ("unit",)
_SET_IDS = itertools.count(1)  # a set's identity for keys; never reused, unlike id()


@dataclass
class Source:
    """Where a set came from and what was done while reading it."""

    path: str | None = None
    format: str | None = None
    dtype_on_disk: str | None = None
    warnings: list[str] = field(default_factory=list)


class EmbeddingSet:
    """N labelled vectors.

    ``labels`` are unique strings, ``vectors`` is an N x D float32 array (possibly a read-only
    memmap), ``metadata`` maps a column name to an array of N values. The original vectors are
    never modified in place. A set too big to hold as Python objects (a partitioned atlas) has
    :class:`~embviz.core.lazy_rows.LazyLabels` (a sequence of str made on demand) and
    :class:`~embviz.core.lazy_rows.LazyVectors` (read on first use of ``vectors``, or by
    :meth:`load_vectors_task`); ``len``, ``dims`` and ``shape`` never read them.

    Everything computed from a set (unit vectors, norms, neighbour indexes, projections, quality)
    lives in the set's own derived cache, keyed by what it was computed from: a change of vectors
    (:meth:`replace_vectors`) bumps ``vectors_version`` and drops all of it; a change of metadata
    (:meth:`set_metadata`) bumps ``metadata_version`` and drops what used metadata. Nothing derived
    can outlive the data it came from, and nothing is keyed by ``id()``; the cache dies with the
    set, so closing a set frees it.
    """

    def __init__(
        self,
        labels: Sequence[str],
        vectors: np.ndarray | LazyVectors,
        metadata: dict[str, np.ndarray] | None = None,
        source: Source | None = None,
        name: str | None = None,
        model: object = None,
    ) -> None:
        self._lazy: LazyVectors | None = None
        loaded: np.ndarray | None = None
        if isinstance(vectors, LazyVectors):  # read on first use (a partitioned atlas)
            self._lazy, shape = vectors, vectors.shape
        else:
            vectors = np.asarray(vectors)
            if vectors.ndim != 2:
                raise ValueError(f"vectors must be a 2-D array, got shape {vectors.shape}")
            if vectors.dtype != np.float32:
                vectors = vectors.astype(np.float32)
            shape = (int(vectors.shape[0]), int(vectors.shape[1]))
            loaded = vectors
        if len(labels) != shape[0]:
            raise ValueError(f"{len(labels)} labels for {shape[0]} vectors")
        if not isinstance(labels, LazyLabels):  # those are unique by construction
            labels = [str(label) for label in labels]
            if len(set(labels)) != len(labels):
                raise ValueError("labels must be unique")
        metadata = {k: np.asarray(v) for k, v in (metadata or {}).items()}
        for column, values in metadata.items():
            if len(values) != len(labels):
                raise ValueError(
                    f"metadata column {column!r} has {len(values)} values for {len(labels)} rows"
                )
        self.labels: Sequence[str] = labels
        self._shape = shape
        self._vectors: np.ndarray | None = loaded
        self._vectors_lock = threading.Lock()
        self.metadata = metadata
        self.source = source or Source()
        self.name = name or (Path(self.source.path).name if self.source.path else "untitled")
        # a model that can embed more than the rows (gensim FastText/KeyedVectors: subword
        # vectors for unseen words; a trained model that can be saved), or None
        self.model = model
        # the whole file, when this set holds only its first rows ("open first N rows"): the map
        # shows this set while neighbour search can use every row
        self.full: EmbeddingSet | None = None
        # a corpus of documents (the atlas): which column holds the text, what embedded it
        # (embviz.core.corpus.CorpusInfo), or None for word and sentence sets
        self.corpus: CorpusInfo | None = None
        # the rows' images (embviz.io.images.ImageSource: files, or a projector sprite's tiles),
        # or None; a metadata column of image file names is found without it (io.images)
        self.images: object = None
        self.uid = next(_SET_IDS)
        self.vectors_version = 0
        self.metadata_version = 0
        self._derived: dict[DerivedKey, tuple[bool, Any]] = {}  # key -> (uses metadata, value)
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return self._shape[0]

    def __repr__(self) -> str:
        return f"EmbeddingSet({self.name!r}, rows={len(self)}, dims={self.dims})"

    @property
    def dims(self) -> int:
        return self._shape[1]

    # vectors, possibly read on first use -----------------------------------------------------
    @property
    def vectors(self) -> np.ndarray:
        """The N x D float32 vectors; lazy ones are read here on first use (with progress to
        :func:`~embviz.core.tasks.report_progress`), once."""
        if self._vectors is None:
            run_task(self.load_vectors_task(), on_progress=report_progress)
        assert self._vectors is not None
        return self._vectors

    @vectors.setter
    def vectors(self, vectors: np.ndarray) -> None:
        self._vectors = vectors
        self._lazy = None
        self._shape = (int(vectors.shape[0]), int(vectors.shape[1]))

    @property
    def vectors_loaded(self) -> bool:
        """False while the vectors are still on disk (a lazily opened set)."""
        return self._vectors is not None

    def load_vectors_task(self) -> Task[np.ndarray]:
        """Read lazy vectors (a task: progress and Cancel), once; loaded ones come back at once."""
        with self._vectors_lock:  # two threads asking at once read them once
            if self._vectors is None:
                assert self._lazy is not None
                self._vectors = yield from self._lazy.load()
        return self._vectors

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.dims

    @property
    def warnings(self) -> list[str]:
        return self.source.warnings

    def index_of(self, label: str) -> int:
        """Row of ``label``; KeyError when it is not in the set."""
        if isinstance(self.labels, LazyLabels):  # no dict of ten million labels
            return self.labels.index_of(label)
        if self._index is None:
            self._index = {label: i for i, label in enumerate(self.labels)}
        return self._index[label]

    def __contains__(self, label: object) -> bool:
        if not isinstance(label, str):
            return False
        try:
            self.index_of(label)
        except KeyError:
            return False
        return True

    # versions and what is derived from them ------------------------------------------------
    @property
    def version(self) -> tuple[int, int, int]:
        """(set uid, vectors version, metadata version): changes whenever the data does."""
        return (self.uid, self.vectors_version, self.metadata_version)

    def replace_vectors(self, vectors: np.ndarray) -> None:
        """Swap in new vectors for the same rows (e.g. after another training epoch).

        Drops everything derived from the old vectors: norms, indexes, projections, quality.
        """
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(self.labels):
            raise ValueError(f"expected {len(self.labels)} rows, got shape {vectors.shape}")
        self.vectors = vectors
        self.vectors_version += 1
        self._derived.clear()

    def set_metadata(self, metadata: dict[str, np.ndarray]) -> None:
        """Replace the metadata columns; drops what was derived from metadata only."""
        metadata = {k: np.asarray(v) for k, v in metadata.items()}
        for column, values in metadata.items():
            if len(values) != len(self.labels):
                raise ValueError(
                    f"metadata column {column!r} has {len(values)} values for {len(self)} rows"
                )
        self.metadata = metadata
        self.metadata_version += 1
        self._derived = {k: v for k, v in self._derived.items() if not v[0]}

    def derived(
        self, key: DerivedKey, compute: Callable[[], T], *, uses_metadata: bool = False
    ) -> T:
        """The value computed from this set under ``key``, computing it once.

        Valid until the vectors change (or the metadata, when ``uses_metadata``).
        """
        version = self.version
        found = self._derived.get(key)
        if found is not None:
            kept: T = found[1]
            return kept
        value = compute()
        if self.version == version:  # the data did not change while it was computed
            self._derived[key] = (uses_metadata, value)
        return value

    def peek_derived(self, key: DerivedKey) -> Any:
        """The value kept under ``key``, or None (computes nothing)."""
        found = self._derived.get(key)
        return None if found is None else found[1]

    def store_derived(
        self,
        key: DerivedKey,
        value: Any,
        *,
        version: tuple[int, int, int] | None = None,
        uses_metadata: bool = False,
    ) -> bool:
        """Keep ``value`` under ``key`` if it was computed from this version of the set.

        ``version``: the set's :attr:`version` when the computation started (a result computed
        from older vectors is refused, and False returned).
        """
        if version is not None and tuple(version) != self.version:
            return False
        self._derived[key] = (uses_metadata, value)
        return True

    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero), computed once per vectors version."""

        def compute() -> np.ndarray:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            unit: np.ndarray = (self.vectors / norms).astype(np.float32, copy=False)
            return unit

        return self.derived(("unit",), compute)
