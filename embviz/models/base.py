"""The shape every model adapter has, so the GUI and the CLI can drive any of them the same way.

An adapter turns text into vectors. It says what it can embed (``kinds``), declares its knobs as a
dataclass (``params``, from which the GUI form and the CLI flags are generated), and does its work
as a :mod:`~embviz.core.tasks` generator so that long runs show progress and can be cancelled.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import Task

Kind = Literal["words", "sentences", "tokens"]
KINDS: frozenset[str] = frozenset({"words", "sentences", "tokens"})


@runtime_checkable
class Adapter(Protocol):
    """A model that embeds text; found through :data:`embviz.models.adapters`."""

    # Read-only members, so a class attribute such as ``params = TrainParams`` fits.
    @property
    def name(self) -> str:
        """Stable identifier used by the registry and the CLI."""
        ...

    @property
    def title(self) -> str:
        """What a person sees in menus."""
        ...

    @property
    def kinds(self) -> frozenset[str]:
        """A subset of KINDS."""
        ...

    @property
    def params(self) -> type:
        """A dataclass with defaults; ``params()`` gives a usable configuration."""
        ...

    def available(self) -> str | None:
        """None when the adapter can run here, else what to install (checked without importing)."""
        ...

    def embed(self, texts: Sequence[str], kind: Kind, params: Any = None) -> Task[EmbeddingSet]:
        """Embed ``texts`` as ``kind``; yields Progress, returns one row per text."""
        ...


def check_kind(adapter: Adapter, kind: str) -> None:
    """Refuse a kind the adapter does not offer, in words a person can act on."""
    if kind not in adapter.kinds:
        offered = ", ".join(sorted(adapter.kinds)) or "nothing"
        raise ValueError(f"{adapter.title} cannot embed {kind}; it embeds: {offered}.")


def missing_torch() -> str | None:
    """None when torch and transformers are installed, else what to install (checked without
    importing them: an adapter's ``available``)."""
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        return f'needs {" and ".join(missing)}: pip install "embviz[models]"'
    return None
