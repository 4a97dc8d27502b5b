"""The compare panel's work as generator tasks (run by ``window.runner``): calls into
:mod:`embviz.core.compare`, with Progress between steps so Cancel takes effect there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from embviz.core.compare import (
    Comparison,
    accuracy,
    align,
    compare_task,
    pair_sets,
    prepare_csls_task,
    translate,
)
from embviz.core.compare.pairing import read_pairs
from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import Progress, Task


def comparison_task(
    a: EmbeddingSet, b: EmbeddingSet, pairs: str | Path | None, method: str, k: int
) -> Task[Comparison]:
    yield Progress(0.0, "Pairing the words…")
    pairing = pair_sets(a, b, pairs)
    yield Progress(None, f"Aligning {len(pairing):,} pairs ({method})…")
    alignment = align(pairing, method)
    return (yield from compare_task(a, b, pairing, alignment, k))


def translation_task(comparison: Comparison, word: str, k: int) -> Task[dict[str, Any]]:
    """The nearest words of B for ``word`` of A, by cosine and by CSLS (to show its effect)."""
    yield Progress(None, f"Translating {word}…")
    plain = translate([word], comparison, k)[word]
    yield from prepare_csls_task(comparison)  # CSLS's hub penalties of B, once per alignment
    csls = translate([word], comparison, k, csls=True)[word]
    return {"word": word, "cosine": plain, "csls": csls}


def accuracy_task(comparison: Comparison, path: str | Path) -> Task[dict[str, Any]]:
    """Accuracy@1 and @5 on a test dictionary, by cosine and by CSLS."""
    yield Progress(None, "Reading the test dictionary…")
    pairs = read_pairs(path)
    yield Progress(None, f"Translating {len(pairs):,} test pairs…")
    plain = accuracy(comparison, pairs, (1, 5))
    yield from prepare_csls_task(comparison)
    csls = accuracy(comparison, pairs, (1, 5), csls=True)
    return {"path": str(path), "cosine": plain, "csls": csls}
