"""One word, every kind of vector a transformer gives it, on one map (static vs contextual).

For a word and some sentences that contain it, one set holds

- its **input-table** vector: the row(s) of the model's input token embedding table for the
  word's pieces (pooled like the contextual vectors when the word is several pieces);
- its **contextual** vectors: ``hidden_states[k]`` at every layer k (0 = the embedding layer)
  for each occurrence in the sentences (``models.tokens``);
- its **static (distilled)** vector: the word embedded alone and mean-pooled, as the demo set
  is made (``models.distill``).

Why one set is fair: all of these are vectors in the model's hidden coordinates. Layer 0 is
LayerNorm(input-table row + position + token type), each later layer adds to that residual
stream, and the distilled vector is a mean of last-layer vectors. Where a model's input table
has other dims than its hidden size (ALBERT factorises it), the input-table vector is *not* in
that space and is left out, said in the set's warnings. Lengths differ a lot between these kinds
(they grow with depth), so by default every vector is scaled to unit length (cosine geometry);
the original lengths are kept in the ``norm`` column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task

KIND = "kind"  # metadata: "input table", "layer 0", ..., "static (distilled)"
LAYER = "layer"  # metadata: hidden_states index; -1 for the input table, the last + 1 for static
OCCURRENCE = "occurrence"  # metadata: 1-based occurrence number (0 for the one-off vectors)
SENTENCE = "sentence"  # metadata: the occurrence's sentence ("" for the one-off vectors)
NORM = "norm"  # metadata: the vector's length before any scaling
INPUT_KIND = "input table"
_MARK = ("word-spaces",)  # derived-cache key: the word a set was made for
STATIC_KIND = "static (distilled)"


def layer_kind(layer: int) -> str:
    return f"layer {layer}"


def _input_rows(model: Any, ids: list[int]) -> np.ndarray:
    table = model.get_input_embeddings().weight.detach().float().cpu().numpy()
    rows: np.ndarray = table[ids]
    return rows


def word_spaces_task(
    word: str,
    sentences: Sequence[str],
    model: str = "default",
    pooling: str = "mean",
    unit: bool = True,
) -> Task[EmbeddingSet]:
    """The set described above for ``word`` in ``sentences`` (only those that contain it)."""
    from embviz.models import hf_loading
    from embviz.models.distill import distill_static_vectors
    from embviz.models.tokens import find_word, token_vectors

    word = word.strip()
    if not word:
        raise EmbvizError("Type a word to compare its static and contextual vectors.")
    spans = find_word(sentences, word)
    if not spans:
        raise EmbvizError(
            f"None of the {len(sentences)} sentences contains {word!r} as a whole word. "
            "Add sentences with it, or check the spelling."
        )
    yield Progress(None, f"Loading model {model}…")
    loaded = hf_loading.load(model)
    tokenizer, net = loaded.tokenizer, loaded.model
    warnings: list[str] = []
    labels: list[str] = []
    vectors: list[np.ndarray] = []
    kinds: list[str] = []
    layers: list[int] = []
    occurrences: list[int] = []
    texts: list[str] = []

    def add(label: str, vector: np.ndarray, kind: str, layer: int, occ: int, text: str) -> None:
        labels.append(label)
        vectors.append(np.asarray(vector, dtype=np.float32))
        kinds.append(kind)
        layers.append(layer)
        occurrences.append(occ)
        texts.append(text)

    pieces = tokenizer.tokenize(word)
    ids = tokenizer.convert_tokens_to_ids(pieces)
    table_rows = _input_rows(net, ids)
    if table_rows.shape[1] != loaded.dims:
        warnings.append(
            f"The input table has {table_rows.shape[1]} dims and the hidden states "
            f"{loaded.dims}: the input-table vector lives in another space and is left out."
        )
    else:
        chosen = {"first": table_rows[:1], "last": table_rows[-1:]}.get(pooling, table_rows)
        add(f"{word} · input table", chosen.mean(axis=0), INPUT_KIND, -1, 0, "")
    if len(pieces) > 1:
        warnings.append(
            f"{word!r} is {len(pieces)} pieces ({' '.join(pieces)}); its input-table and "
            f"contextual vectors pool them ({pooling})."
        )
    task = token_vectors(loaded, sentences, spans, layers=None, pooling=pooling)
    found = yield from task
    warnings += found.warnings
    for n, span in enumerate(found.spans):
        if not found.found[n]:
            continue
        for j, layer in enumerate(found.layers):
            add(
                f"{word} · layer {layer} · #{n + 1}",
                found.vectors[n, j],
                layer_kind(layer),
                layer,
                n + 1,
                sentences[span.sentence],
            )
    static_task = distill_static_vectors(loaded.path, [word])
    static = yield from static_task
    add(f"{word} · static (distilled)", static[0], STATIC_KIND, loaded.num_layers, 0, "")
    matrix = np.vstack(vectors)
    norms = np.linalg.norm(matrix, axis=1)
    if unit:
        matrix = matrix / np.where(norms > 0, norms, 1.0)[:, None]
        warnings.append(
            "Every vector is scaled to unit length (lengths grow with depth and would decide the "
            "map); the original lengths are in the 'norm' column."
        )
    metadata = {
        KIND: np.array(kinds, dtype=object),
        LAYER: np.array(layers, dtype=np.int64),
        OCCURRENCE: np.array(occurrences, dtype=np.int64),
        SENTENCE: np.array(texts, dtype=object),
        NORM: norms.astype(np.float32),
    }
    source = Source(path=None, format="static vs contextual", warnings=warnings)
    yield Progress(1.0, f"{word}: {len(labels)} vectors")
    eset = EmbeddingSet(
        labels, matrix, metadata, source=source, name=f"{word}: static vs contextual"
    )
    eset.store_derived(_MARK, word)
    return eset


def is_word_spaces(eset: EmbeddingSet) -> bool:
    """Whether ``eset`` was made by :func:`word_spaces_task` (and its vectors are unchanged)."""
    return eset.peek_derived(_MARK) is not None


def trajectory_edges(eset: EmbeddingSet) -> list[tuple[int, int]]:
    """Row pairs joining each occurrence's vectors layer to layer (0 -> 1 -> ... -> L)."""
    occ = np.asarray(eset.metadata[OCCURRENCE])
    layer = np.asarray(eset.metadata[LAYER])
    edges: list[tuple[int, int]] = []
    for number in np.unique(occ[occ > 0]):
        rows = np.flatnonzero(occ == number)
        rows = rows[np.argsort(layer[rows], kind="stable")]
        edges += [(int(a), int(b)) for a, b in zip(rows[:-1], rows[1:], strict=True)]
    return edges
