"""A transformer's own tables as sets: the input token embeddings, the learned positions and the
token types, plus the sinusoidal table of Vaswani et al. (2017) to compare positions with.

The rows are the model's weights exactly (copied as float32), in id order. Token labels are the
tokenizer's pieces (``convert_ids_to_tokens``), made readable where the vocabulary is spelt in
byte-level symbols (see :mod:`embviz.models.token_text`; the exact piece is kept in the ``token``
column). The input table is ``model.get_input_embeddings()``; the position table is the learned
embedding module whose name says position (``position_embeddings``, ``wpe``,
``embed_positions``), relative position tables excluded. Models whose positions are rotary or
relative have no such table, and the error says so.

Each set carries :class:`TableInfo` (which model, which table) in its derived cache:
:func:`table_info` reads it back, e.g. to locate a tokenizer's pieces on the token map.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.models.token_text import TokenizerStyle, describe, style_of

if TYPE_CHECKING:
    from embviz.models.hf_loading import LoadedModel

TABLES = ("tokens", "positions", "token-types")
_INFO_KEY = ("model-table",)
_POSITION_NAMES = ("wpe", "position_embeddings", "embed_positions", "position_embedding")


@dataclass(frozen=True)
class TableInfo:
    """Which model and table a set was read from (``model``: "default", a folder or a hub id)."""

    model: str
    table: str  # one of TABLES, or "sinusoidal"
    module: str = ""  # the weight's module name inside the model, e.g. embeddings.word_embeddings
    offset: int = 0  # positions: the row of position 0 (RoBERTa, OPT and BART reserve rows)


@dataclass
class ModelParts:
    """A torch model with its tokenizer (or None), and what to call it."""

    model: Any
    tokenizer: Any
    spec: str
    title: str


def model_parts(model: LoadedModel | str | Any, tokenizer: Any = None) -> ModelParts:
    """Accept "default", a folder or hub id, a LoadedModel, or a torch model (+ tokenizer)."""
    from embviz.models.hf_loading import LoadedModel, load
    from embviz.models.transformers import model_title

    if isinstance(model, str):
        model = load(model)
    if isinstance(model, LoadedModel):
        return ModelParts(model.model, model.tokenizer, model.name, model_title(model.name))
    if not hasattr(model, "get_input_embeddings"):
        raise EmbvizError(
            f"{type(model).__name__} is not a transformers model: give 'default', a model "
            "folder, or a model loaded with transformers."
        )
    name = str(getattr(getattr(model, "config", None), "_name_or_path", "") or "")
    title = Path(name).name if name else type(model).__name__
    return ModelParts(model, tokenizer, name or type(model).__name__, title)


def _weights(module: Any) -> np.ndarray:
    weight = getattr(module, "weight", None)
    if weight is None or weight.ndim != 2:
        raise EmbvizError(f"{type(module).__name__} holds no 2-D embedding table.")
    table: np.ndarray = weight.detach().float().cpu().numpy().astype(np.float32, copy=True)
    return table


def _module_name(model: Any, module: Any) -> str:
    return next((name for name, m in model.named_modules() if m is module), "")


def _result(parts: ModelParts, info: TableInfo, labels: list[str], vectors: np.ndarray,
            metadata: dict[str, np.ndarray], what: str) -> EmbeddingSet:  # fmt: skip
    source = Source(path=None, format="model table", dtype_on_disk=None)
    eset = EmbeddingSet(labels, vectors, metadata, source=source, name=f"{parts.title}: {what}")
    eset.store_derived(_INFO_KEY, info)
    return eset


def table_info(eset: EmbeddingSet) -> TableInfo | None:
    """What model table ``eset`` is, or None when it is not one (or its vectors changed)."""
    found = eset.peek_derived(_INFO_KEY)
    return found if isinstance(found, TableInfo) else None


def token_labels(tokens: list[str | None], texts: list[str]) -> list[str]:
    """Unique labels: the readable text, else the exact token, else the token with its id."""
    labels: list[str] = []
    seen: set[str] = set()
    readable_count: dict[str, int] = {}
    for text in texts:
        readable_count[text] = readable_count.get(text, 0) + 1
    for i, (token, text) in enumerate(zip(tokens, texts, strict=True)):
        label = text if readable_count[text] == 1 else (token or text)
        if not label or label in seen:
            label = f"{label or '(empty)'}#{i}"
        seen.add(label)
        labels.append(label)
    return labels


def token_table(model: LoadedModel | str | Any, tokenizer: Any = None) -> EmbeddingSet:
    """The input token embeddings: vocabulary x dims, one row per id, labelled by its piece.

    Metadata: ``id``, ``token`` (exactly as ``convert_ids_to_tokens``), ``kind`` (word start,
    continuation, special), ``length`` (characters without the boundary mark) and ``script``.
    Rows past the tokenizer's vocabulary (tables padded to a multiple of 8) are ``(no_token)#id``.
    """
    parts = model_parts(model, tokenizer)
    module = parts.model.get_input_embeddings()
    vectors = _weights(module)
    n = len(vectors)
    tokens: list[str | None] = [None] * n
    style = TokenizerStyle("unknown")
    if parts.tokenizer is not None:
        style = style_of(parts.tokenizer)
        known = min(n, len(parts.tokenizer))
        tokens[:known] = parts.tokenizer.convert_ids_to_tokens(list(range(known)))
    described = describe([t if t is not None else "" for t in tokens], style)
    texts = [
        text if tok is not None else f"(no_token)#{i}"
        for i, (tok, text) in enumerate(zip(tokens, described["text"], strict=True))
    ]
    labels = token_labels(tokens, texts)
    kinds = [
        k if tok is not None else "none" for tok, k in zip(tokens, described["kind"], strict=True)
    ]
    metadata = {
        "id": np.arange(n, dtype=np.int64),
        "token": np.array([t if t is not None else "" for t in tokens], dtype=str),
        "kind": np.array(kinds, dtype=str),
        "length": np.array(described["length"], dtype=np.int64),
        "script": np.array(described["script"], dtype=str),
    }
    info = TableInfo(parts.spec, "tokens", _module_name(parts.model, module))
    return _result(parts, info, labels, vectors, metadata, f"token table ({n:,} pieces)")


def _position_module(model: Any) -> tuple[str, Any]:
    import torch

    found = []
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Embedding):
            continue
        last = name.rsplit(".", 1)[-1].lower()
        if "relative" in name.lower() or last.startswith("rel"):
            continue
        if last in _POSITION_NAMES or "position" in last:
            found.append((name, module))
    if not found:
        kind = getattr(getattr(model, "config", None), "position_embedding_type", None)
        why = f" (its positions are {kind})" if kind and kind != "absolute" else ""
        raise EmbvizError(
            f"{type(model).__name__} has no learned position table{why}: it encodes positions "
            "another way (rotary or relative). Compare with a sinusoidal table instead."
        )
    return found[0]


def position_table(model: LoadedModel | str | Any) -> EmbeddingSet:
    """The learned position embeddings: one row per position, labelled by the position.

    Metadata: ``position`` (-1 for rows reserved before position 0, as RoBERTa's padding rows
    and OPT's offset) and ``row`` (the row of the weight).
    """
    parts = model_parts(model)
    name, module = _position_module(parts.model)
    vectors = _weights(module)
    offset = int(getattr(module, "offset", 0) or 0)
    if not offset and getattr(module, "padding_idx", None) is not None:
        offset = int(module.padding_idx) + 1  # RoBERTa: positions count from padding_idx + 1
    rows = np.arange(len(vectors), dtype=np.int64)
    positions = np.where(rows >= offset, rows - offset, -1)
    labels = [str(p) if p >= 0 else f"reserved_{r}" for r, p in zip(rows, positions, strict=True)]
    metadata = {"position": positions, "row": rows}
    info = TableInfo(parts.spec, "positions", name, offset)
    return _result(parts, info, labels, vectors, metadata, f"positions ({len(vectors):,})")


def token_type_table(model: LoadedModel | str | Any) -> EmbeddingSet:
    """The token type (segment) embeddings, where the model has them: ``type_0``, ``type_1``…"""
    import torch

    parts = model_parts(model)
    found = [
        (name, m)
        for name, m in parts.model.named_modules()
        if isinstance(m, torch.nn.Embedding) and "token_type" in name.rsplit(".", 1)[-1]
    ]
    if not found:
        raise EmbvizError(
            f"{parts.title} ({type(parts.model).__name__}) has no token type embeddings; "
            "only BERT-like models have them. Choose --table tokens or positions."
        )
    name, module = found[0]
    vectors = _weights(module)
    labels = [f"type_{i}" for i in range(len(vectors))]
    metadata = {"token_type": np.arange(len(vectors), dtype=np.int64)}
    info = TableInfo(parts.spec, "token-types", name)
    return _result(parts, info, labels, vectors, metadata, "token types")


def sinusoidal_table(n_positions: int, dims: int) -> EmbeddingSet:
    """Vaswani et al. (2017), section 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d)),
    PE(pos, 2i+1) = cos(pos / 10000^(2i/d)); even and odd dimensions interleaved, as written."""
    if n_positions < 1 or dims < 1:
        raise EmbvizError(
            f"A sinusoidal table needs positions >= 1 and dims >= 1, got {n_positions} x {dims}."
        )
    pos = np.arange(n_positions, dtype=np.float64)[:, None]
    two_i = np.arange(0, dims, 2, dtype=np.float64)[None, :]
    angle = pos / np.power(10000.0, two_i / dims)
    table = np.empty((n_positions, dims), dtype=np.float64)
    table[:, 0::2] = np.sin(angle)
    table[:, 1::2] = np.cos(angle[:, : dims // 2])
    labels = [str(p) for p in range(n_positions)]
    metadata = {"position": np.arange(n_positions, dtype=np.int64)}
    source = Source(path=None, format="sinusoidal")
    eset = EmbeddingSet(labels, table.astype(np.float32), metadata, source=source,
                        name=f"sinusoidal positions ({n_positions} x {dims})")  # fmt: skip
    eset.store_derived(_INFO_KEY, TableInfo("", "sinusoidal"))
    return eset


def position_cosines(table: EmbeddingSet | np.ndarray) -> np.ndarray:
    """positions x positions cosine similarities (float64; a zero row has cosine 0)."""
    vectors = np.asarray(table.vectors if isinstance(table, EmbeddingSet) else table, np.float64)
    if vectors.ndim != 2:
        raise EmbvizError(f"Expected a positions x dims table, got shape {vectors.shape}.")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    cosines: np.ndarray = unit @ unit.T
    return cosines


def read_table(model: LoadedModel | str | Any, table: str) -> EmbeddingSet:
    """One of TABLES by name (the CLI's --table)."""
    if table == "tokens":
        return token_table(model)
    if table == "positions":
        return position_table(model)
    if table in ("token-types", "token_types"):
        return token_type_table(model)
    raise EmbvizError(f"Unknown table {table!r}: choose one of {', '.join(TABLES)}.")
