"""Train Word2Vec (CBOW / skip-gram) or FastText on a corpus, watching the space form.

The corpus is a text file (one sentence per line, words separated by spaces) or a folder of such
files, read with gensim's own ``LineSentence`` / ``PathLineSentences``; training is one ordinary
gensim ``train`` call, so with the same seed and one worker the vectors are gensim's exactly.
It runs in a helper thread; a gensim callback hands over a copy of the vectors after every epoch
(yielded as a partial result) and the corpus reader stops early when the task is cancelled, so
Cancel takes effect within one batch of sentences rather than at the end of an epoch.
"""

from __future__ import annotations

import importlib.util
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import Cancelled, EmbvizError
from embviz.core.params import check, param
from embviz.core.tasks import Progress, Task
from embviz.models.base import Kind
from embviz.models.epoch_snapshots import DEFAULT_BUDGET_BYTES, KEY, EpochSnapshots


@dataclass
class TrainParams:
    corpus: str = param(
        "", "text file (one sentence per line) or folder of them", path="file or folder"
    )
    algorithm: str = param("word2vec", "model to train", choices=("word2vec", "fasttext"))
    architecture: str = param("cbow", "CBOW or skip-gram", choices=("cbow", "skipgram"))
    vector_size: int = param(100, "dimensions", low=2, high=2000)
    window: int = param(5, "context words each side", low=1, high=100)
    min_count: int = param(5, "ignore words rarer than this", low=1)
    epochs: int = param(5, "passes over the corpus", low=1, high=1000)
    negative: int = param(5, "negative samples (0: none)", low=0, high=100)
    seed: int = param(1, "random seed", low=0)
    workers: int = param(3, "threads (1 gives reproducible vectors)", low=1, high=64)
    min_n: int = param(3, "fasttext: shortest character n-gram", low=1, high=20)
    max_n: int = param(6, "fasttext: longest character n-gram", low=0, high=20)


class _Stop(Exception):
    """Raised inside gensim's training loop to end it after a cancelled epoch."""


def corpus_sentences(path: str | Path) -> Iterable[list[str]]:
    """gensim's reader for a file or a folder of files; clear errors for empty/missing input."""
    from gensim.models.word2vec import LineSentence, PathLineSentences

    path = Path(path)
    if not path.exists():
        raise EmbvizError(f"{path}: the corpus does not exist. Give a text file or a folder.")
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise EmbvizError(f"{path}: the corpus folder holds no files.")
    if all(not p.read_bytes()[: 1 << 16].strip() for p in files):
        raise EmbvizError(
            f"{path}: the corpus is empty. Give text with one sentence per line, words separated "
            "by spaces."
        )
    reader: Iterable[list[str]] = (
        PathLineSentences(str(path)) if path.is_dir() else LineSentence(str(path))
    )
    return reader


class _Corpus:
    """Re-iterable sentences that count what was read and stop when asked to."""

    def __init__(self, sentences: Iterable[list[str]], stop: threading.Event) -> None:
        self.sentences, self.stop, self.read = sentences, stop, 0

    def __iter__(self) -> Iterator[list[str]]:
        self.read = 0
        for sentence in self.sentences:
            if self.stop.is_set():
                return
            self.read += 1
            yield sentence


def make_model(params: TrainParams) -> Any:
    """An untrained gensim Word2Vec or FastText model with ``params``."""
    from gensim.models import FastText, Word2Vec

    common = dict(
        vector_size=params.vector_size,
        window=params.window,
        min_count=params.min_count,
        negative=params.negative,
        hs=0 if params.negative else 1,
        seed=params.seed,
        workers=params.workers,
        sg=1 if params.architecture == "skipgram" else 0,
        epochs=params.epochs,
    )
    if params.algorithm == "fasttext":
        return FastText(min_n=params.min_n, max_n=params.max_n, **common)
    return Word2Vec(**common)


def to_set(model: Any, name: str, source: str | None = None) -> EmbeddingSet:
    """The model's vocabulary as a set (most frequent first) with each word's count."""
    wv = model.wv
    counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key], dtype=np.int64)
    eset = EmbeddingSet(
        list(wv.index_to_key),
        np.array(wv.vectors, dtype=np.float32),
        {"count": counts},
        source=Source(path=source, format=f"gensim-{type(model).__name__.lower()}"),
        name=name,
    )
    eset.model = model  # fastText: subword vectors; .model saving
    return eset


def train(
    corpus: str | Path,
    params: TrainParams | None = None,
    snapshot_budget: int = DEFAULT_BUDGET_BYTES,
) -> Task[EmbeddingSet]:
    """Train on ``corpus``; yields Progress (partial: the set after each epoch); returns the set.

    The vectors after each epoch are kept within ``snapshot_budget`` bytes (thinned evenly
    beyond it, :mod:`embviz.models.epoch_snapshots`); ``snapshots_of(result)`` gives them."""
    params = check(params or TrainParams())
    if params.algorithm == "fasttext" and params.max_n and params.max_n < params.min_n:
        raise EmbvizError(f"max_n ({params.max_n}) must be at least min_n ({params.min_n}).")
    from gensim.models.callbacks import CallbackAny2Vec

    stop = threading.Event()
    sentences = _Corpus(corpus_sentences(corpus), stop)
    model = make_model(params)
    title = f"{params.algorithm} on {Path(corpus).name}"
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    state: dict[str, Any] = {"epoch": 0, "total": 0}
    snapshots = EpochSnapshots([], snapshot_budget)

    class Epochs(CallbackAny2Vec):  # type: ignore[misc]  # gensim ships no type hints
        def on_epoch_end(self, m: Any) -> None:
            state["epoch"] += 1
            if hasattr(m.wv, "adjust_vectors"):  # fastText: compose the full-word vectors now
                m.wv.adjust_vectors()
            partial = to_set(m, f"{title} (epoch {state['epoch']})")
            snapshots.labels = partial.labels
            snapshots.add(state["epoch"], partial.vectors)  # a copy, shared with the partial set
            events.put(("epoch", partial))
            if stop.is_set():
                raise _Stop

    def work() -> None:
        try:
            model.build_vocab(sentences)
            if stop.is_set():
                raise _Stop
            if not model.wv.index_to_key:
                raise EmbvizError(
                    f"{corpus}: no word occurs at least min_count={params.min_count} times; "
                    "lower min_count or give a bigger corpus."
                )
            state["total"] = model.corpus_count
            events.put(("vocab", len(model.wv)))
            model.train(
                sentences,
                total_examples=model.corpus_count,
                epochs=model.epochs,
                callbacks=[Epochs()],
            )
            events.put(("done", None))
        except BaseException as exc:  # handed to the task, raised there
            events.put(("error", exc))

    thread = threading.Thread(target=work, name="embviz-train", daemon=True)
    thread.start()
    try:
        yield Progress(0.0, f"Reading {Path(corpus).name}")
        while True:
            try:
                what, value = events.get(timeout=0.2)
            except queue.Empty:
                yield Progress(
                    _fraction(state, sentences, params), _message(state, sentences, params)
                )
                continue
            if what == "error":
                if isinstance(value, _Stop):
                    raise Cancelled("training")
                raise value
            if what == "done":
                break
            if what == "vocab":
                yield Progress(0.0, f"Vocabulary: {value:,} words; training")
            if what == "epoch":
                message = f"Epoch {state['epoch']} of {params.epochs} done"
                yield Progress(state["epoch"] / params.epochs, message, partial=value)
    finally:
        stop.set()
        thread.join()
    result = to_set(model, title)
    result.store_derived(KEY, snapshots)  # dropped with the set, or when its vectors change
    return result


def _fraction(state: dict[str, Any], sentences: _Corpus, params: TrainParams) -> float | None:
    if not state["total"]:
        return None
    within = min(1.0, sentences.read / float(state["total"]))
    return min(1.0, (int(state["epoch"]) + within) / params.epochs)


def _message(state: dict[str, Any], sentences: _Corpus, params: TrainParams) -> str:
    if not state["total"]:
        return f"Building the vocabulary: {sentences.read:,} sentences read"
    return f"Epoch {min(state['epoch'] + 1, params.epochs)} of {params.epochs}"


def save(eset: EmbeddingSet, path: str | Path) -> None:
    """``.model``: the gensim model (trainable further); ``.bin`` / ``.vec``: word2vec vectors."""
    from embviz.io.writers import write_word2vec

    path = Path(path)
    model: Any = eset.model  # a gensim model, when the set was trained here
    if path.suffix == ".model":
        if model is None:
            raise EmbvizError(f"{path}: only a trained model can be saved as .model.")
        model.save(str(path))
    elif path.suffix in (".bin", ".vec", ".txt"):
        write_word2vec(eset, path, binary=path.suffix == ".bin")
    else:
        raise EmbvizError(f"{path}: write .model (gensim model), .bin or .vec (word2vec vectors).")


class GensimAdapter:
    """Training as an adapter: ``embed(words)`` trains on ``params.corpus`` and returns the set
    (only ``words`` when given, else the whole vocabulary)."""

    name = "gensim"
    title = "Train Word2Vec / FastText on a corpus (gensim)"
    kinds = frozenset({"words"})
    params = TrainParams

    def available(self) -> str | None:
        return None if importlib.util.find_spec("gensim") else "needs gensim: pip install gensim"

    def embed(
        self, texts: Sequence[str], kind: Kind, params: TrainParams | None = None
    ) -> Task[EmbeddingSet]:
        from embviz.models.base import check_kind

        check_kind(self, kind)
        params = params or TrainParams()
        if not params.corpus:
            raise EmbvizError("No corpus given: choose a text file or a folder of them.")
        eset = yield from train(params.corpus, params)
        words = [w for w in dict.fromkeys(t.strip() for t in texts) if w]
        if not words:
            return eset
        from embviz.models.static import lookup, subword_vectors

        return lookup(eset, words, subword_vectors(eset))
