"""The vectors after each epoch of a training run, kept within a memory budget, so that the run
can be laid out as an aligned sequence (:func:`embviz.core.compare.sequence.sequence_from_sets`).

Memory is bounded: every epoch is kept while the copies fit in ``budget_bytes`` (default
:data:`DEFAULT_BUDGET_BYTES`, 256 MiB: e.g. 16 epochs of 40,000 words x 100 dims). When the
next copy would not fit, the stride doubles and only epochs that are multiples of it stay (1, 2,
3, 4, ... -> 2, 4, 6, ... -> 4, 8, ...); the latest epoch is always kept as well. So the kept
epochs stay evenly spread over the run whatever its length, and at most ``budget_bytes`` plus one
copy is held. A budget smaller than two copies keeps only the latest epoch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from embviz.core.dataset import EmbeddingSet

DEFAULT_BUDGET_BYTES = 256 << 20
KEY = ("epoch-snapshots",)  # where a trained set keeps them (its derived cache)


@dataclass
class EpochSnapshots:
    labels: Sequence[str]
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    stride: int = 1
    kept: dict[int, np.ndarray] = field(default_factory=dict)  # epoch (1-based) -> vectors

    @property
    def epochs(self) -> list[int]:
        return sorted(self.kept)

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in self.kept.values())

    def add(self, epoch: int, vectors: np.ndarray) -> None:
        """Keep ``vectors`` (a copy nobody changes) after ``epoch``, thinning older ones to fit."""
        copy = np.asarray(vectors, dtype=np.float32)
        latest = max(self.kept, default=0)
        if latest and latest % self.stride:  # the previous latest was kept only as the latest
            del self.kept[latest]
        self.kept[epoch] = copy
        while self.nbytes > self.budget_bytes and len(self.kept) > 1:
            self.stride *= 2
            for old in [e for e in self.kept if e % self.stride and e != epoch]:
                del self.kept[old]
            if len(self.kept) == 1:
                break

    def at(self, epoch: int) -> np.ndarray:
        if epoch not in self.kept:
            raise KeyError(f"epoch {epoch} was not kept; kept: {self.epochs}")
        return self.kept[epoch]

    def sets(self, name: str = "epoch") -> list[EmbeddingSet]:
        """One set per kept epoch (the same labels; vectors shared, not copied)."""
        return [
            EmbeddingSet(list(self.labels), self.kept[e], name=f"{name} {e}") for e in self.epochs
        ]

    def describe(self) -> str:
        every = "every epoch" if self.stride == 1 else f"every {self.stride}th epoch and the last"
        return (
            f"{len(self.kept)} epoch snapshots kept ({every}; {self.nbytes / 2**20:.1f} of "
            f"{self.budget_bytes / 2**20:.0f} MiB)"
        )


def snapshots_of(eset: EmbeddingSet) -> EpochSnapshots | None:
    """The epoch snapshots of a set trained in embviz, or None."""
    found = eset.peek_derived(KEY)
    return found if isinstance(found, EpochSnapshots) else None
