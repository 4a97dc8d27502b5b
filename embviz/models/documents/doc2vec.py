"""Doc2Vec paragraph vectors trained with gensim on the corpus itself.

Training uses one worker and a seed, so it is repeatable: the vectors equal
``Doc2Vec(documents, vector_size=..., ..., seed=seed, workers=1).dv`` for the same settings, where
each document is ``TaggedDocument(gensim.utils.simple_preprocess(text), [row])``. Training runs
in a thread; the task reports each finished epoch, and Cancel stops training at the end of the
epoch under way. Queries are inferred as gensim's ``infer_vector`` infers them, with two changes
that make one query give one vector in every process: the model's random state is reset first,
and the starting vector is seeded from the words' CRC-32 (gensim seeds it from Python's string
hash, which differs between processes unless PYTHONHASHSEED is set).

The trained model is kept in the corpus cache with gensim's own ``save`` (a pickle that embviz
itself wrote into this user's cache folder; it is the only pickle embviz loads without asking).
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.corpus_cache import CorpusCache
from embviz.core.errors import Cancelled, EmbvizError
from embviz.core.params import as_dict, check, param
from embviz.core.tasks import Progress, Task
from embviz.models.documents.base import DocumentVectors

MODEL_FILE = "doc2vec.model"


@dataclass
class Doc2VecParams:
    vector_size: int = param(100, "dimensions", low=2, high=2000)
    epochs: int = param(20, "passes over the corpus", low=1, high=1000)
    window: int = param(5, "context words on each side", low=1, high=100)
    min_count: int = param(2, "ignore words seen fewer times", low=1, high=1_000_000)
    dm: int = param(1, "1: distributed memory (PV-DM), 0: bag of words (PV-DBOW)", choices=(0, 1))
    seed: int = param(0, "random seed", low=0, high=2**31 - 1)


def tagged(texts: Sequence[str]) -> list[Any]:
    from gensim.models.doc2vec import TaggedDocument
    from gensim.utils import simple_preprocess

    return [TaggedDocument(simple_preprocess(text), [i]) for i, text in enumerate(texts)]


def gensim_settings(params: Doc2VecParams) -> dict[str, Any]:
    return {
        "vector_size": params.vector_size,
        "epochs": params.epochs,
        "window": params.window,
        "min_count": params.min_count,
        "dm": params.dm,
        "seed": params.seed,
        "workers": 1,
    }


class Doc2VecQueries:
    def __init__(self, model: Any, seed: int) -> None:
        self.model = model
        self.seed = seed
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return f"Doc2Vec ({self.model.vector_size} dimensions, inferred)"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        from gensim.utils import simple_preprocess

        rows = []
        with self._lock:  # inference advances the model's random state
            for text in texts:
                self.model.random = np.random.RandomState(self.seed)
                rows.append(infer(self.model, simple_preprocess(text)))
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)


def start_vector(size: int, words: Sequence[str]) -> np.ndarray:
    """gensim's pseudorandom_weak_vector, seeded by CRC-32 instead of Python's hash()."""
    seed = zlib.crc32(" ".join(words).encode("utf-8"))
    once = np.random.Generator(np.random.SFC64(seed & 0xFFFFFFFF))
    vector: np.ndarray = (once.random(size).astype(np.float32) - 0.5) / size
    return vector


def infer(model: Any, words: list[str]) -> np.ndarray:
    """The steps of gensim's Doc2Vec.infer_vector (4.x), from a start vector that is the same in
    every process."""
    from gensim import matutils
    from gensim.models.doc2vec_inner import (
        train_document_dbow,
        train_document_dm,
        train_document_dm_concat,
    )

    alpha, min_alpha, epochs = model.alpha, model.min_alpha, model.epochs
    doctag_vectors = start_vector(model.dv.vector_size, words).reshape(1, -1)
    lockf = np.ones(1, dtype=np.float32)
    work = np.zeros(model.layer1_size, dtype=np.float32)
    neu1 = matutils.zeros_aligned(model.layer1_size, dtype=np.float32)
    alpha_delta = (alpha - min_alpha) / max(epochs - 1, 1)
    common = {
        "learn_words": False,
        "learn_hidden": False,
        "doctag_vectors": doctag_vectors,
        "doctags_lockf": lockf,
    }
    for _ in range(epochs):
        if model.sg:
            train_document_dbow(model, words, [0], alpha, work, **common)
        elif model.dm_concat:
            train_document_dm_concat(model, words, [0], alpha, work, neu1, **common)
        else:
            train_document_dm(model, words, [0], alpha, work, neu1, **common)
        alpha -= alpha_delta
    result: np.ndarray = doctag_vectors[0]
    return result


def train(documents: list[Any], params: Doc2VecParams) -> Task[Any]:
    """The trained model; yields after each epoch; closing the task stops training."""
    from gensim.models.callbacks import CallbackAny2Vec
    from gensim.models.doc2vec import Doc2Vec

    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    class Report(CallbackAny2Vec):  # type: ignore[misc]
        def __init__(self) -> None:
            self.epoch = 0

        def on_epoch_end(self, model: Any) -> None:
            self.epoch += 1
            events.put(("epoch", self.epoch))
            if stop.is_set():
                raise Cancelled("training Doc2Vec")

    def run() -> None:
        try:
            model = Doc2Vec(documents, callbacks=[Report()], **gensim_settings(params))
            events.put(("done", model))
        except BaseException as exc:  # noqa: BLE001 - handed to the task's thread
            events.put(("error", exc))

    thread = threading.Thread(target=run, daemon=True, name="embviz-doc2vec")
    thread.start()
    try:
        while True:
            try:
                kind, value = events.get(timeout=0.2)
            except queue.Empty:
                yield Progress(None, "Training Doc2Vec")
                continue
            if kind == "epoch":
                yield Progress(value / params.epochs, f"Doc2Vec: epoch {value} of {params.epochs}")
            elif kind == "error":
                raise value
            else:
                return value
    finally:
        stop.set()  # a cancelled task: training stops at the end of this epoch


class Doc2VecEmbedder:
    name = "doc2vec"
    title = "Doc2Vec paragraph vectors (gensim, trained on the corpus)"
    params = Doc2VecParams

    def available(self) -> str | None:
        return None

    def embed(
        self, texts: Sequence[str], params: Any = None, *, cache: bool = True
    ) -> Task[DocumentVectors]:
        from gensim.models.doc2vec import Doc2Vec

        params = check(params or Doc2VecParams())
        texts = ["" if t is None else str(t) for t in texts]
        settings = as_dict(params)
        store = CorpusCache({"embedder": self.name, **settings}, texts) if cache else None
        vectors = store.finished() if store is not None else None
        model_path = store.folder / MODEL_FILE if store is not None else None
        model = None
        if vectors is not None and model_path is not None and model_path.is_file():
            try:
                model = Doc2Vec.load(str(model_path))  # written by embviz into its own cache
            except Exception:
                model = None
        from_cache = model is not None
        if model is None:
            documents = tagged(texts)
            if not any(doc.words for doc in documents):
                raise EmbvizError("Doc2Vec found no words in the documents.")
            model = yield from train(documents, params)
            fitted = np.asarray(model.dv.vectors, dtype=np.float32)
            if store is not None and model_path is not None:
                vectors = store.finish([fitted])
                model.save(str(model_path))
            else:
                vectors = fitted
        assert vectors is not None
        return DocumentVectors(
            vectors=vectors,
            model=Doc2VecQueries(model, params.seed),
            embedder="doc2vec",
            settings=settings | {"tokenizer": "gensim.utils.simple_preprocess"},
            from_cache=from_cache,
        )
