"""A projection: coordinates for every row of a set, in input order, and what made them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Projection:
    coords: np.ndarray  # N x dims float32
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # e.g. explained variance per component
    partial: bool = False  # a layout still forming (drawn, never cached)

    @property
    def dims(self) -> int:
        return int(self.coords.shape[1])

    @property
    def axis_titles(self) -> tuple[str, str]:
        """Titles of the map's x and y axes (e.g. "PC3 (4.1%)", or an expression)."""
        titles = self.info.get("axis_titles")
        if titles:
            return str(titles[0]), str(titles[1])
        return "x", "y"

    @property
    def sample_note(self) -> str:
        """What the view says when only a sample was fitted, or the neighbours were approximate
        ("" when every row was fitted on exact neighbours)."""
        notes = []
        sample = self.info.get("fit_sample")
        if sample:
            notes.append(
                f"fitted on a random sample of {sample:,} of {len(self.coords):,} rows; "
                "the rest are placed with the fitted model's transform"
            )
        neighbours = str(self.info.get("neighbors") or "")
        if neighbours.startswith("approximate"):
            notes.append(neighbours)
        return "; ".join(notes)

    def key(self) -> tuple[str, str, int]:
        """What makes two projections of one set the same: method, parameters, dims."""
        return projection_key(self.method, self.params, self.dims)


def projection_key(method: str, params: dict[str, Any], dims: int) -> tuple[str, str, int]:
    return method, json.dumps(params, sort_keys=True, default=str), int(dims)


# Projections live in the set's derived cache (EmbeddingSet.derived), keyed by what made them: a
# layout of older vectors can never be found again (replace_vectors drops it), and one supervised
# by a metadata column is dropped when the metadata changes.
def cached_projection(
    eset: Any, method: str, params: dict[str, Any], dims: int
) -> Projection | None:
    """The finished projection of ``eset`` by (method, params, dims), or None."""
    found = eset.peek_derived(("projection", *projection_key(method, params, dims)))
    return found if isinstance(found, Projection) else None


def keep_projection(
    eset: Any,
    projection: Projection,
    version: tuple[int, int, int] | None,
    *,
    uses_metadata: bool = False,
) -> bool:
    """Keep a finished ``projection`` computed from ``eset`` at ``version`` (its
    :attr:`EmbeddingSet.version` when the run started). False, and nothing kept, when the set
    changed meanwhile: the caller must then not draw it as the set's layout. A projection whose
    ``info["uses_metadata"]`` is set (a supervised layout) is dropped when the metadata changes."""
    if projection.partial:
        return False
    uses_metadata = uses_metadata or bool(projection.info.get("uses_metadata"))
    return bool(
        eset.store_derived(
            ("projection", *projection.key()),
            projection,
            version=version,
            uses_metadata=uses_metadata,
        )
    )
