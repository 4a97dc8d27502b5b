"""What a reducer is and what it returns."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from embviz.core.projection import Projection
from embviz.core.tasks import Task

__all__ = ["Projection", "Reducer"]


class Reducer(Protocol):
    name: str
    title: str
    params_type: type  # a dataclass: defaults and bounds drive the GUI form and the CLI flags

    def run(self, vectors: np.ndarray, params: Any, dims: int = 2) -> Task[Projection]: ...
