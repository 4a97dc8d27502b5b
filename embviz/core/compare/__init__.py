"""Two spaces side by side: pair them, align them, measure what moved, translate between them.

>>> pairing = pair_sets(a, b)                      # doctest: +SKIP  (shared labels, or a pairs file)
>>> alignment = align(pairing, "procrustes")       # doctest: +SKIP
>>> result = compare(a, b, pairing, alignment, k=10)  # doctest: +SKIP
>>> result.moved_most(5)                           # doctest: +SKIP
>>> translate(["dog"], alignment, k=5, csls=True)  # doctest: +SKIP
"""

from __future__ import annotations

from embviz.core.compare.alignment import DIMS_POLICIES, METHODS, Alignment, align
from embviz.core.compare.comparison import Comparison, compare, compare_task
from embviz.core.compare.pairing import Pairing, pair_sets, read_pairs
from embviz.core.compare.translate import accuracy, prepare_csls_task, retrieve, translate

__all__ = [
    "DIMS_POLICIES",
    "METHODS",
    "Alignment",
    "Comparison",
    "Pairing",
    "accuracy",
    "align",
    "compare",
    "compare_task",
    "pair_sets",
    "prepare_csls_task",
    "read_pairs",
    "retrieve",
    "translate",
]
