"""What a reducer is and what it returns."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from embviz.core.projection import Projection
from embviz.core.tasks import Task

__all__ = ["Projection", "Reducer"]


class Reducer(Protocol):
    # Read-only members, so a class attribute such as ``params_type = PCAParams`` fits.
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def params_type(self) -> type:
        """A dataclass: its defaults and bounds drive the GUI form and the CLI flags."""
        ...

    def run(self, vectors: np.ndarray, params: Any, dims: int = 2) -> Task[Projection]: ...
