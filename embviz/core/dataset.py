"""EmbeddingSet: labelled vectors with metadata and a record of where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


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
    memmap), ``metadata`` maps a column name to an array of N values. Unit-normalised vectors are
    computed once, on first use, and cached; the original vectors are never modified.
    """

    def __init__(
        self,
        labels: list[str],
        vectors: np.ndarray,
        metadata: dict[str, np.ndarray] | None = None,
        source: Source | None = None,
        name: str | None = None,
        model: object = None,
    ) -> None:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D array, got shape {vectors.shape}")
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        if len(labels) != vectors.shape[0]:
            raise ValueError(f"{len(labels)} labels for {vectors.shape[0]} vectors")
        labels = [str(label) for label in labels]
        if len(set(labels)) != len(labels):
            raise ValueError("labels must be unique")
        metadata = {k: np.asarray(v) for k, v in (metadata or {}).items()}
        for column, values in metadata.items():
            if len(values) != len(labels):
                raise ValueError(
                    f"metadata column {column!r} has {len(values)} values for {len(labels)} rows"
                )
        self.labels = labels
        self.vectors = vectors
        self.metadata = metadata
        self.source = source or Source()
        self.name = name or (Path(self.source.path).name if self.source.path else "untitled")
        # a model that can embed more than the rows (gensim FastText/KeyedVectors: subword
        # vectors for unseen words; a trained model that can be saved), or None
        self.model = model
        # the whole file, when this set holds only its first rows ("open first N rows"): the map
        # shows this set while neighbour search can use every row
        self.full: EmbeddingSet | None = None
        self._unit: np.ndarray | None = None
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def __repr__(self) -> str:
        return f"EmbeddingSet({self.name!r}, rows={len(self)}, dims={self.dims})"

    @property
    def dims(self) -> int:
        return self.vectors.shape[1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.vectors.shape  # type: ignore[return-value]

    @property
    def warnings(self) -> list[str]:
        return self.source.warnings

    def index_of(self, label: str) -> int:
        """Row of ``label``; KeyError when it is not in the set."""
        if self._index is None:
            self._index = {label: i for i, label in enumerate(self.labels)}
        return self._index[label]

    def __contains__(self, label: object) -> bool:
        try:
            self.index_of(label)  # type: ignore[arg-type]
        except KeyError:
            return False
        return True

    def replace_vectors(self, vectors: np.ndarray) -> None:
        """Swap in new vectors for the same rows (e.g. after another training epoch)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape[0] != len(self.labels) or vectors.ndim != 2:
            raise ValueError(f"expected {len(self.labels)} rows, got shape {vectors.shape}")
        self.vectors = vectors
        self._unit = None

    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero), computed once and cached."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            self._unit = (self.vectors / norms).astype(np.float32, copy=False)
        return self._unit
