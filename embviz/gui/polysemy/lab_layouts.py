"""Where the polysemy lab keeps its maps: in the shared derived cache of the data they show.

Each word's occurrence vectors at one layer become a small :class:`EmbeddingSet` (one per result
and layer, made when first asked for); a finished map is stored in that set's derived cache under
the same key as any projection (method, parameters, dims) and only if the set is still the one
at that version. New results make new sets, so a map of older vectors can never be found again,
and a map that arrives late for a replaced result is refused. Maps aligned across layers (every
layer at once) are kept per word and method with the same rule. Qt-free.
"""

from __future__ import annotations

from typing import Any

from embviz.core.dataset import EmbeddingSet
from embviz.core.polysemy import PolysemyMap, PolysemyResult
from embviz.core.projection import projection_key

KIND = "polysemy-map"


class LabLayouts:
    def __init__(self) -> None:
        self._results: dict[str, PolysemyResult] = {}
        self._sets: dict[tuple[str, int], EmbeddingSet] = {}
        self._aligned: dict[tuple[str, str], dict[int, PolysemyMap]] = {}  # every layer's map

    def reset(self, results: dict[str, PolysemyResult]) -> None:
        """New results: every map made so far belongs to data that is no longer shown."""
        self._results = dict(results)
        self._sets = {}
        self._aligned = {}

    def layer_set(self, word: str, layer: int) -> EmbeddingSet | None:
        """The occurrences of ``word`` at ``layer`` as a set (None when not measured)."""
        result = self._results.get(word)
        if result is None or layer not in result.layers:
            return None
        eset = self._sets.get((word, layer))
        if eset is None:
            vectors = result.at(layer)
            labels = [f"{word} #{i + 1}" for i in range(len(vectors))]
            eset = EmbeddingSet(labels, vectors, name=f"{word}, layer {layer}")
            self._sets[(word, layer)] = eset
        return eset

    def get(
        self, word: str, layer: int, method: str, params: dict[str, Any], dims: int
    ) -> PolysemyMap | None:
        eset = self.layer_set(word, layer)
        if eset is None:
            return None
        found = eset.peek_derived((KIND, *projection_key(method, params, dims)))
        return found if isinstance(found, PolysemyMap) else None

    def keep(
        self,
        eset: EmbeddingSet,
        version: tuple[int, int, int],
        params: dict[str, Any],
        shown: PolysemyMap,
    ) -> bool:
        """Keep ``shown``, computed from ``eset`` at ``version``; False (nothing kept) when the
        set was replaced or changed meanwhile: the caller must not draw it."""
        if not any(s is eset for s in self._sets.values()):
            return False
        key = (KIND, *projection_key(shown.method, params, shown.dims))
        return eset.store_derived(key, shown, version=version)

    # maps aligned across layers (one computation gives every layer) ---------------------------
    def aligned(self, word: str, method: str) -> dict[int, PolysemyMap] | None:
        """Every layer's map of ``word`` by ``method``, aligned across layers (None: not yet)."""
        return self._aligned.get((word, method))

    def keep_aligned(
        self, word: str, method: str, result: PolysemyResult, maps: dict[int, PolysemyMap]
    ) -> bool:
        """Keep ``maps``, computed from ``result``; False when the result was replaced meanwhile
        (the caller must not draw them)."""
        if self._results.get(word) is not result:
            return False
        self._aligned[(word, method)] = maps
        return True
