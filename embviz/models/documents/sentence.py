"""Transformer sentence embeddings of documents (default: the bundled all-MiniLM-L6-v2).

Without chunking a document is embedded exactly as sentence-transformers' ``encode`` embeds it:
truncated to the model's ``max_seq_length``, pooled and normalised as its ``modules.json`` says
(:mod:`embviz.models.sentence`), tokenized once (the token counts that sort the batches and name
the truncated documents come from the same pass; see :mod:`.chunking`). With ``chunk_tokens`` > 0 a long document is cut into windows of
that many tokens that overlap by ``chunk_overlap``; each window is embedded (special tokens
added, pooled, normalised when the model normalises) and the document's vector is the mean of its
windows (normalised again when the model normalises), so nothing past the model's limit is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.corpus_cache import CorpusCache, cached_vectors
from embviz.core.errors import EmbvizError
from embviz.core.params import as_dict, check, param
from embviz.core.tasks import Progress, Task, run_task
from embviz.models.base import missing_torch
from embviz.models.documents.base import DocumentVectors
from embviz.models.hf_loading import LoadedModel

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass
class SentenceParams:
    model: str = param(
        "default",
        "'default' (bundled all-MiniLM-L6-v2), a model folder, or a hub id (online)",
        path="folder",
    )
    batch_size: int = param(32, "texts per batch", low=1, high=4096)
    chunk_tokens: int = param(
        0,
        "cut long documents into windows of this many tokens and average them",
        low=0,
        high=100000,
        zero_means="off: truncate as the model does",
    )
    chunk_overlap: int = param(32, "tokens shared by neighbouring windows", low=0, high=100000)


def model_title(spec: str) -> str:
    return "all-MiniLM-L6-v2" if spec in ("", "default") else Path(spec).name or spec


def weights_checksum(loaded: LoadedModel) -> str:
    """sha256 of the model's weights (remembered per file size and mtime), or its hub id."""
    from embviz.models.default_model import file_sha256

    folder = Path(loaded.path)
    for name in WEIGHT_FILES:
        if (folder / name).is_file():
            return file_sha256(folder / name)
    return f"hub:{loaded.path}"


def identity(loaded: LoadedModel, params: SentenceParams) -> dict[str, Any]:
    """Everything that changes the vectors (the batch size does not)."""
    from embviz.models.sentence import pipeline

    modes, normalize, _ = pipeline(loaded)
    return {
        "embedder": "sentence",
        "model": model_title(params.model),
        "weights_sha256": weights_checksum(loaded),
        "max_length": loaded.max_length,
        "lower_case": loaded.do_lower_case,
        "pooling": modes,
        "normalize": normalize,
        "chunk_tokens": params.chunk_tokens,
        "chunk_overlap": params.chunk_overlap if params.chunk_tokens else 0,
    }


def encode_texts(
    loaded: LoadedModel, texts: Sequence[str], params: SentenceParams, truncated: list[int]
) -> Task[np.ndarray]:
    """Vectors of ``texts``; the indexes of texts cut at the model's limit go to ``truncated``."""
    from embviz.models.documents.chunking import encode_chunked

    return (
        yield from encode_chunked(
            loaded,
            texts,
            params.batch_size,
            params.chunk_tokens,
            params.chunk_overlap,
            truncated,
            first_window_only=not params.chunk_tokens,
        )
    )


class SentenceQueries:
    """Queries embedded with the same model and chunking as the documents."""

    def __init__(self, params: SentenceParams) -> None:
        self.params = params

    @property
    def description(self) -> str:
        return f"{model_title(self.params.model)} (sentence)"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        from embviz.models.hf_loading import load

        loaded = load(self.params.model)
        vectors: np.ndarray = run_task(encode_texts(loaded, list(texts), self.params, []))
        return vectors


class SentenceDocumentEmbedder:
    name = "sentence"
    title = "Transformer sentence embeddings (all-MiniLM-L6-v2 or a model folder)"
    params = SentenceParams

    def available(self) -> str | None:
        return missing_torch()

    def embed(
        self, texts: Sequence[str], params: Any = None, *, cache: bool = True
    ) -> Task[DocumentVectors]:
        from embviz.models.hf_loading import load

        params = check(params or SentenceParams())
        if params.chunk_tokens and params.chunk_overlap >= params.chunk_tokens:
            raise EmbvizError(
                f"chunk overlap ({params.chunk_overlap}) must be smaller than the chunk "
                f"({params.chunk_tokens} tokens)."
            )
        why = self.available()
        if why:
            raise EmbvizError(f"Sentence embeddings {why}.")
        texts = ["" if t is None else str(t) for t in texts]
        yield Progress(None, f"Loading {model_title(params.model)}")
        loaded = load(params.model)
        quiet_length_warning(loaded)
        ident = identity(loaded, params)
        store = CorpusCache(ident, texts) if cache else None
        from_cache = store is not None and store.finished() is not None
        truncated: list[int] = []

        def encode(start: int, chunk: list[str]) -> Task[np.ndarray]:
            found: list[int] = []
            vectors = yield from encode_texts(loaded, chunk, params, found)
            truncated.extend(start + i for i in found)
            return vectors

        vectors = yield from cached_vectors(store, texts, encode)
        settings = {k: v for k, v in as_dict(params).items() if k != "batch_size"}
        settings["model"] = params.model
        settings["weights_sha256"] = ident["weights_sha256"]
        return DocumentVectors(
            vectors=vectors,
            model=SentenceQueries(params),
            embedder=f"sentence:{model_title(params.model)}",
            settings=settings,
            warnings=truncation_warnings(loaded, truncated),
            from_cache=from_cache,
        )


def quiet_length_warning(loaded: LoadedModel) -> None:
    """Long documents are counted untruncated on purpose (to report which were truncated):
    transformers' one-time "sequence length is longer" log line would only confuse."""
    seen = getattr(loaded.tokenizer, "deprecation_warnings", None)
    if isinstance(seen, dict):
        seen["sequence-length-is-longer-than-the-specified-maximum"] = True


def truncation_warnings(loaded: LoadedModel, rows: list[int]) -> list[str]:
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:10])) + (", …" if len(rows) > 10 else "")
    return [
        f"{len(rows):,} document(s) longer than the model's maximum of {loaded.max_length} "
        f"tokens were truncated, as the model does (rows {shown}); only their first "
        f"{loaded.max_length} tokens count. Chunking (chunk_tokens) embeds all of them."
    ]
