"""A small registry shared by formats, reducers and model adapters.

Built-ins register in code; third parties register through entry points (groups
``embviz.formats``, ``embviz.reducers``, ``embviz.adapters``). Entry points are read once, lazily,
the first time a registry is asked for its entries, so ``import embviz`` stays cheap. A plugin that
fails to load is reported in :attr:`Registry.failures` instead of breaking the application.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

log = logging.getLogger(__name__)


def entry_points(group: str) -> EntryPoints:
    """The entry points of ``group``. Every installed distribution's metadata is read once per
    ``sys.path`` (not once per registry: eight registries each scanning every installed package
    cost the window's start about 0.1 s)."""
    selected: EntryPoints = _all_entry_points(tuple(sys.path)).select(group=group)
    return selected


@functools.lru_cache(maxsize=4)
def _all_entry_points(path: tuple[str, ...]) -> Any:  # EntryPoints (SelectableGroups on 3.11)
    from importlib.metadata import entry_points as read_entry_points  # costs 30 ms to import

    del path  # the cache's key: a distribution added to sys.path is seen
    return read_entry_points()


class Named(Protocol):
    """What a registry holds: anything with a ``name`` (a format, reducer, adapter...)."""

    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, group: str, builtins: Callable[[], list[T]]) -> None:
        self.group = group
        self._builtins = builtins
        self._items: dict[str, T] | None = None
        self.failures: dict[str, str] = {}
        self.origins: dict[str, str] = {}  # name -> "built in" or the distribution providing it

    def _load(self) -> dict[str, T]:
        if self._items is None:
            items: dict[str, T] = {}
            for item in self._builtins():
                items[item.name] = item
                self.origins[item.name] = "built in"
            for ep in entry_points(group=self.group):
                try:
                    obj: Any = ep.load()
                    loaded: T = obj() if isinstance(obj, type) else obj
                    items[loaded.name] = loaded
                    dist = ep.dist.name if ep.dist is not None else "unknown distribution"
                    self.origins[loaded.name] = f"entry point {ep.name} ({dist})"
                except Exception as exc:  # a broken plugin must not break the app
                    self.failures[ep.name] = f"{type(exc).__name__}: {exc}"
                    log.warning("plugin %s in %s failed to load: %s", ep.name, self.group, exc)
            self._items = items
        return self._items

    def register(self, item: T) -> T:
        self._load()[item.name] = item
        return item

    def get(self, name: str) -> T:
        items = self._load()
        if name not in items:
            known = ", ".join(sorted(items))
            raise KeyError(f"unknown {self.group.split('.')[-1][:-1]} {name!r}; known: {known}")
        return items[name]

    def names(self) -> list[str]:
        return list(self._load())

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._load().values()))

    def __contains__(self, name: object) -> bool:
        return name in self._load()
