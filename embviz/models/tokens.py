"""Contextual token embeddings: one vector per occurrence of a word, at any layer.

An occurrence is a character span of a sentence (:class:`Span`). Its vector is taken from the
model's ``hidden_states`` (index 0 is the embedding layer, 1..L the transformer layers) by pooling
the sub-word pieces whose character offsets (the fast tokenizer's offset mapping) overlap the span:
their mean by default, or the first or the last piece. Every requested layer is kept, so a layer
slider needs no second pass. Sentences are run as they are (no stripping or lower-casing) so the
spans stay valid, in batches sorted by token count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from embviz.core.tasks import Progress, Task
from embviz.models.hf_loading import LoadedModel
from embviz.models.sentence import token_counts, truncation_warning

PIECE_POOLING = ("mean", "first", "last")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class Span:
    """``sentences[sentence][start:end]`` is one occurrence of a word."""

    sentence: int
    start: int
    end: int


def find_word(sentences: Sequence[str], word: str, case_sensitive: bool = False) -> list[Span]:
    """Every whole-word match of ``word`` (case-insensitive by default), in sentence order."""
    word = word.strip()
    if not word:
        raise ValueError("the word to look for is empty")
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", 0 if case_sensitive else re.IGNORECASE)
    return [
        Span(i, m.start(), m.end())
        for i, sentence in enumerate(sentences)
        for m in pattern.finditer(sentence)
    ]


def all_words(sentences: Sequence[str]) -> list[Span]:
    """Every word of every sentence (letters/digits, with inner apostrophes and hyphens)."""
    return [
        Span(i, m.start(), m.end())
        for i, sentence in enumerate(sentences)
        for m in _WORD.finditer(sentence)
    ]


@dataclass
class TokenVectors:
    """Occurrence vectors for several layers: ``vectors[i, j]`` is span i at ``layers[j]``."""

    spans: list[Span]
    layers: list[int]
    vectors: np.ndarray  # (n_spans, n_layers, dims) float32; NaN rows where ``found`` is False
    found: np.ndarray  # bool per span: False when truncation cut the span off
    pieces: list[list[str]]  # the sub-word pieces pooled for each span
    warnings: list[str] = field(default_factory=list)

    def at(self, layer: int | Sequence[int]) -> np.ndarray:
        """(n_spans, dims) at one hidden_states index, or the mean over several indices."""
        wanted = [layer] if isinstance(layer, int) else list(layer)
        columns = []
        for value in wanted:
            index = self.layers[value] if value < 0 else value
            if index not in self.layers:
                raise ValueError(f"layer {value} was not computed; layers: {self.layers}")
            columns.append(self.layers.index(index))
        mean: np.ndarray = self.vectors[:, columns].mean(axis=1)
        return mean


def piece_indices(offsets: np.ndarray, span: Span) -> list[int]:
    """Tokens whose character range overlaps the span (special tokens have empty ranges)."""
    starts, ends = offsets[:, 0], offsets[:, 1]
    hits = (ends > starts) & (starts < span.end) & (ends > span.start)
    return np.flatnonzero(hits).tolist()


def token_vectors(
    loaded: LoadedModel,
    sentences: Sequence[str],
    spans: Sequence[Span],
    layers: Sequence[int] | None = None,
    pooling: str = "mean",
    batch_size: int = 32,
) -> Task[TokenVectors]:
    """Vectors of ``spans`` at ``layers`` (hidden_states indices; None = all); yields Progress."""
    import torch

    if pooling not in PIECE_POOLING:
        raise ValueError(f"pooling must be one of {', '.join(PIECE_POOLING)}, not {pooling!r}")
    total = loaded.num_layers
    layers = list(range(total)) if layers is None else [i % total for i in layers]
    if any(not 0 <= i < total for i in layers):
        raise ValueError(f"layers must be between 0 and {total - 1} for this model")
    spans = list(spans)
    out = np.full((len(spans), len(layers), loaded.dims), np.nan, dtype=np.float32)
    found = np.zeros(len(spans), dtype=bool)
    pieces: list[list[str]] = [[] for _ in spans]
    by_sentence: dict[int, list[int]] = {}
    for k, span in enumerate(spans):
        by_sentence.setdefault(span.sentence, []).append(k)
    needed = sorted(by_sentence)
    counts = token_counts(loaded, [sentences[i] for i in needed])
    warnings = []
    warning = truncation_warning(loaded, counts, "sentence")
    if warning:
        warnings.append(warning)
    order = [needed[i] for i in np.argsort(-np.asarray(counts), kind="stable")]
    done = 0
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = loaded.tokenizer(
                [sentences[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=loaded.max_length,
                return_offsets_mapping=True,
                return_tensors="pt",
            )
            offsets = batch.pop("offset_mapping").numpy()
            hidden = loaded.model(**batch, output_hidden_states=True).hidden_states
            stacked = torch.stack([hidden[i] for i in layers], dim=1).float().numpy()
            for b, sentence in enumerate(rows):
                ids = batch["input_ids"][b].tolist()
                for k in by_sentence[sentence]:
                    chosen = piece_indices(offsets[b], spans[k])
                    if not chosen:
                        continue
                    if pooling == "first":
                        chosen = chosen[:1]
                    elif pooling == "last":
                        chosen = chosen[-1:]
                    out[k] = stacked[b][:, chosen].mean(axis=1)
                    found[k] = True
                    pieces[k] = loaded.tokenizer.convert_ids_to_tokens([ids[j] for j in chosen])
            done += len(rows)
            yield Progress(done / len(order), f"Embedded {done:,} of {len(order):,} sentences")
    missing = int((~found).sum())
    if missing:
        warnings.append(
            f"{missing} occurrence{'s' if missing > 1 else ''} lie beyond the model's maximum "
            f"length of {loaded.max_length} tokens and have no vector."
        )
    return TokenVectors(spans, layers, out, found, pieces, warnings)
