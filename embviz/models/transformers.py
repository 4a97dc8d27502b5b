"""The transformers adapter: sentence, word and contextual token embeddings from a local model.

``default`` is the bundled all-MiniLM-L6-v2 (its weights checked by sha256); any local model
folder works, and a hub id when the machine is online (see :mod:`embviz.models.hf_loading`). The
heavy libraries are imported only when a model runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.core.params import check, param
from embviz.core.tasks import Progress, Task
from embviz.models.base import Kind, check_kind, missing_torch

if TYPE_CHECKING:
    from embviz.models.hf_loading import LoadedModel
    from embviz.models.tokens import Span


@dataclass
class TransformerParams:
    model: str = param(
        "default",
        "'default' (bundled all-MiniLM-L6-v2), a model folder, or a hub id (online)",
        path="folder",
    )
    batch_size: int = param(32, "texts per batch", low=1, high=4096)
    word: str = param("", "tokens: the word whose occurrences are embedded (empty: every word)")
    layer: int = param(-1, "tokens: hidden_states index, 0 = embedding layer, -1 = last", low=-1)
    mean_layers: str = param("", "tokens: average these layers instead, e.g. '1-4' or '2,4,6'")
    pieces: str = param(
        "mean", "tokens: pooling of sub-word pieces", choices=("mean", "first", "last")
    )
    case_sensitive: bool = param(False, "tokens: match the word's case exactly")


def parse_layers(text: str) -> list[int]:
    """'1-4' -> [1, 2, 3, 4]; '2,4,6' -> [2, 4, 6]; '' -> []."""
    layers: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, _, high = part.partition("-")
        try:
            layers += list(range(int(low), int(high) + 1)) if high else [int(low)]
        except ValueError:
            raise ValueError(f"layers {text!r}: write them as '1-4' or '2,4,6'") from None
    return layers


def unique_labels(texts: Sequence[str], lines: Sequence[int]) -> list[str]:
    """Labels for texts: the text itself; a repeated or blank text gets its line number."""
    seen: set[str] = set()
    labels = []
    for text, line in zip(texts, lines, strict=True):
        label = " ".join(text.split()) or f"(blank line {line})"
        if label in seen:
            label = f"{label} (line {line})"
        seen.add(label)
        labels.append(label)
    return labels


def model_title(spec: str) -> str:
    return "all-MiniLM-L6-v2" if spec in ("", "default") else Path(spec).name or spec


class TransformerAdapter:
    name = "transformers"
    title = "Transformer model (sentences, words, tokens in context)"
    kinds = frozenset({"words", "sentences", "tokens"})
    params = TransformerParams

    def available(self) -> str | None:
        return missing_torch()

    def embed(
        self, texts: Sequence[str], kind: Kind, params: TransformerParams | None = None
    ) -> Task[EmbeddingSet]:
        from embviz.models.hf_loading import load

        check_kind(self, kind)
        params = check(params or TransformerParams())
        texts = [str(t).removesuffix("\n").removesuffix("\r") for t in texts]
        if not texts or all(not t.strip() for t in texts):
            raise EmbvizError(
                f"Nothing to embed: the input has no {kind if kind != 'tokens' else 'sentences'}."
            )
        why = self.available()
        if why:
            raise EmbvizError(f"The transformers adapter {why}.")
        yield Progress(None, f"Loading {model_title(params.model)}")
        loaded = load(params.model)
        title = model_title(params.model)
        if kind == "tokens":
            return (yield from self._tokens(loaded, texts, params, title))
        if kind == "words":
            words = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
            vectors, warnings = yield from _encode(loaded, words, params.batch_size)
            meta = {"word": np.array(words)}
            return _result(words, vectors, meta, warnings, f"{title}: {len(words):,} words")
        from embviz.models.sentence import encode

        vectors, warnings = yield from encode(loaded, texts, params.batch_size)
        blank = [i + 1 for i, t in enumerate(texts) if not t.strip()]
        if blank:
            warnings.append(
                f"{len(blank)} blank line(s) (e.g. line {blank[0]}) were embedded as empty text."
            )
        lines = list(range(1, len(texts) + 1))
        meta = {"text": np.array(texts), "line": np.array(lines)}
        labels = unique_labels(texts, lines)
        return _result(labels, vectors, meta, warnings, f"{title}: {len(texts):,} sentences")

    def _tokens(
        self, loaded: LoadedModel, sentences: list[str], params: TransformerParams, title: str
    ) -> Task[EmbeddingSet]:
        from embviz.models.tokens import all_words, find_word, token_vectors

        if params.word.strip():
            spans = find_word(sentences, params.word, params.case_sensitive)
            if not spans:
                raise EmbvizError(
                    f"{params.word!r} does not occur in the {len(sentences)} sentences."
                )
        else:
            spans = all_words(sentences)
        wanted = parse_layers(params.mean_layers) or [params.layer]
        result = yield from token_vectors(
            loaded, sentences, spans, wanted, params.pieces, params.batch_size
        )
        vectors = result.vectors.mean(axis=1)[result.found]
        kept = [s for s, ok in zip(result.spans, result.found, strict=True) if ok]
        words = [sentences[s.sentence][s.start : s.end] for s in kept]
        meta = {
            "word": np.array(words),
            "text": np.array([sentences[s.sentence] for s in kept]),
            "line": np.array([s.sentence + 1 for s in kept]),
            "start": np.array([s.start for s in kept]),
            "end": np.array([s.end for s in kept]),
            "position": _word_positions(sentences, kept),
            "pieces": np.array(
                [" ".join(p) for p, ok in zip(result.pieces, result.found, strict=True) if ok]
            ),
        }
        labels = [f"{w} ({s.sentence + 1}:{s.start})" for w, s in zip(words, kept, strict=True)]
        layer_text = params.mean_layers or str(result.layers[0])
        name = f"{title}: {params.word.strip() or 'words'} in context, layer {layer_text}"
        return _result(labels, vectors, meta, result.warnings, name)


def _word_positions(sentences: Sequence[str], spans: Sequence[Span]) -> np.ndarray:
    """Index of each span's word among the words of its sentence (0 = first word)."""
    from embviz.models.tokens import all_words

    positions = []
    for span in spans:
        words = all_words([sentences[span.sentence]])
        positions.append(sum(1 for w in words if w.start < span.start))
    return np.array(positions, dtype=np.int64)


def _encode(
    loaded: LoadedModel, texts: Sequence[str], batch_size: int
) -> Task[tuple[np.ndarray, list[str]]]:
    from embviz.models.sentence import encode

    return (yield from encode(loaded, texts, batch_size))


def _result(
    labels: list[str],
    vectors: np.ndarray,
    metadata: dict[str, np.ndarray],
    warnings: Sequence[str],
    name: str,
) -> EmbeddingSet:
    source = Source(path=None, format="transformers", warnings=list(warnings))
    return EmbeddingSet(labels, vectors, metadata, source=source, name=name)
