"""What a document embedder is, and what it returns.

A document embedder turns the texts of a corpus into one vector each, as a
:mod:`~embviz.core.tasks` generator (Progress, Cancel), and gives a
:class:`~embviz.core.corpus.QueryEmbedder` that embeds plain-word queries the same way. Its
knobs are a dataclass (``params``), so the GUI form and the CLI flags come from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from embviz.core.corpus import QueryEmbedder
from embviz.core.tasks import Task


@dataclass
class DocumentVectors:
    """One vector per document and what made them."""

    vectors: np.ndarray  # N x D float32 (possibly a read-only memory map from the cache)
    model: QueryEmbedder | None  # embeds queries in the same space
    embedder: str  # CorpusInfo.embedder, e.g. "sentence:all-MiniLM-L6-v2"
    settings: dict[str, Any] = field(default_factory=dict)  # JSON-able, in the atlas metadata
    warnings: list[str] = field(default_factory=list)
    from_cache: bool = False


@runtime_checkable
class DocumentEmbedder(Protocol):
    @property
    def name(self) -> str:
        """Stable identifier: the CLI's --embedder value and the registry key."""
        ...

    @property
    def title(self) -> str:
        """What a person sees in menus."""
        ...

    @property
    def params(self) -> type:
        """A dataclass with defaults; ``params()`` is a usable configuration."""
        ...

    def available(self) -> str | None:
        """None when it can run here, else what to install."""
        ...

    def embed(
        self, texts: Sequence[str], params: Any = None, *, cache: bool = True
    ) -> Task[DocumentVectors]:
        """Embed every text (cached on disk per model and texts unless ``cache`` is False)."""
        ...
