"""The query model of an atlas file, rebuilt from what the file records.

A sentence model needs only its name (and its weights must match the recorded checksum, or the
query would land in another space). TF-IDF/LSA, Doc2Vec and TF-IDF-weighted averages were fitted
on the corpus itself: they are fitted again on the atlas's own texts with the recorded settings
(deterministic, and usually found in the disk cache, so it costs nothing after the first time).
The model is built on the first query, not when the file is opened.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from embviz.core.corpus import QueryEmbedder
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task


def params_from(params_type: type, settings: dict[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(params_type)}
    return params_type(**{k: v for k, v in settings.items() if k in names})


def query_model(record: dict[str, Any], texts: Sequence[str]) -> QueryEmbedder | None:
    from embviz.models.documents.registry import get_document_embedder

    name = str(record.get("embedder_name") or "")
    settings = dict(record.get("settings") or {})
    if not name:
        return None
    embedder = get_document_embedder(name)
    params = params_from(embedder.params, settings)
    if name == "sentence":
        from embviz.models.documents.sentence import SentenceQueries, weights_checksum
        from embviz.models.hf_loading import load

        recorded = settings.get("weights_sha256")
        actual = weights_checksum(load(params.model))
        if recorded and actual != recorded:
            raise EmbvizError(
                f"the model {params.model!r} here is not the one that embedded this atlas (weights "
                f"sha256 {actual[:12]}…, recorded {str(recorded)[:12]}…); queries would not be "
                "comparable. Give the model the atlas was made with (--model DIR)."
            )
        return SentenceQueries(params)
    if name in ("average", "tfidf-average") and not settings.get("vectors"):
        raise EmbvizError("the atlas does not record which word vectors were averaged.")
    result = run_task(embedder.embed(list(texts), params))
    return result.model


class RecordedQueries:
    """A QueryEmbedder that builds the recorded model on first use."""

    def __init__(self, record: dict[str, Any], texts: Sequence[str]) -> None:
        self.record = record
        self.texts = texts
        self._model: QueryEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return str(self.record.get("embedder") or self.record.get("embedder_name") or "")

    def model(self) -> QueryEmbedder:
        with self._lock:
            if self._model is None:
                found = query_model(self.record, self.texts)
                if found is None:
                    raise EmbvizError(
                        "this atlas's vectors came from a column; no model can embed a query."
                    )
                self._model = found
            return self._model

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.model().embed_queries(texts)
