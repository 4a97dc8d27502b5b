"""A projection: coordinates for every row of a set, in input order, and what made them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Projection:
    coords: np.ndarray  # N x dims float32
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # e.g. explained variance per component

    @property
    def dims(self) -> int:
        return self.coords.shape[1]
