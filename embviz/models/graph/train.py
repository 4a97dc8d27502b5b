"""Graph embeddings as tasks: walks -> gensim Word2Vec, or gensim's PoincareModel.

node2vec / DeepWalk: the walks of :mod:`.walks`, then one ordinary gensim call, exactly
``Word2Vec(walks, vector_size=dims, window=window, min_count=0, sg=1, negative=negative,
seed=seed, workers=1, epochs=epochs)``: skip-gram with negative sampling, as both papers train;
one worker, so the same seed gives the same vectors (gensim's threads race otherwise).

Poincaré: exactly ``PoincareModel(relations, size=dims, negative=negative, seed=seed, workers=1,
burn_in=burn_in).train(epochs=epochs, batch_size=batch_size)`` on the edge list's (source,
target) pairs in file order, as gensim's ``PoincareRelations`` yields them. Weights and
``directed`` are not used: a Poincaré relation is an ordered pair ("source is a target").

Training runs in a helper thread; the task reports its progress every 0.2 s and, when cancelled,
stops the walk sampler between rounds, Word2Vec at its next walk and PoincareModel at its next
batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from embviz.core.errors import Cancelled, EmbvizError
from embviz.core.params import check
from embviz.core.tasks import Progress, Task
from embviz.io.edge_list import EdgeList, read_edge_list
from embviz.models.graph.graph import build_graph
from embviz.models.graph.params import GraphParams, resolved
from embviz.models.graph.walks import WalkCorpus, walk_rounds

T = TypeVar("T")
WALK_SHARE = 0.3  # of the progress bar, for the walks (Word2Vec gets the rest)


@dataclass
class GraphResult:
    edges: EdgeList
    params: GraphParams  # resolved: no "auto" left
    labels: list[str]
    vectors: np.ndarray  # as the model holds them: float32 (Word2Vec) or float64 (Poincaré)
    model: Any  # the gensim model
    walks: int = 0
    warnings: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """What the side file and the set's source say about how the vectors were made."""
        return {"algorithm": self.params.algorithm, **asdict(self.params), "walks": self.walks}


class _Stop(Exception):
    """Raised inside gensim's loops to end a cancelled training."""


def in_thread(work: Callable[[threading.Event, dict[str, Any]], T], message: str) -> Task[T]:
    """Run ``work(stop, state)`` in a helper thread; yield its ``state`` ("fraction",
    "message") every 0.2 s; on cancel (the task closed) set ``stop`` and wait for it."""
    stop = threading.Event()
    state: dict[str, Any] = {"fraction": None, "message": message}
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work(stop, state)
        except BaseException as exc:  # handed to the task, raised there
            box["error"] = exc

    thread = threading.Thread(target=run, name="embviz-graph", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
            yield Progress(state["fraction"], state["message"])
    finally:
        stop.set()
        thread.join()
    if "error" in box:
        if isinstance(box["error"], _Stop):
            raise Cancelled("training")
        raise box["error"]
    result: T = box["result"]
    return result


def train_graph(
    edges: EdgeList | str | Path, params: GraphParams | None = None
) -> Task[GraphResult]:
    """Embed the graph of ``edges`` (an EdgeList or a file) with ``params``."""
    params = resolved(check(params or GraphParams()))
    if not isinstance(edges, EdgeList):
        yield Progress(None, f"Reading {Path(edges).name}")
        edges = read_edge_list(edges)
    if params.algorithm == "poincare":
        return (yield from train_poincare(edges, params))
    return (yield from train_walks(edges, params))


# node2vec / DeepWalk ---------------------------------------------------------------------------
def make_walks(edges: EdgeList, params: GraphParams) -> Task[WalkCorpus]:
    """The walks Word2Vec trains on (progress per round)."""
    graph = build_graph(edges, directed=params.directed)
    uniform = params.algorithm == "deepwalk"
    rounds = walk_rounds(
        graph, params.walk_length, params.walks_per_node, params.p, params.q, params.seed, uniform
    )
    corpus = WalkCorpus(graph.nodes)
    name = "DeepWalk" if uniform else "node2vec"
    for i, walks in enumerate(rounds, start=1):
        corpus.add(walks)
        yield Progress(
            WALK_SHARE * i / params.walks_per_node,
            f"{name} walks: round {i} of {params.walks_per_node} ({len(corpus):,} walks)",
        )
    return corpus


class _Walks:
    """Re-iterable walks that count what Word2Vec has read and stop when asked to."""

    def __init__(self, walks: WalkCorpus, stop: threading.Event) -> None:
        self.walks, self.stop, self.read = walks, stop, 0

    def __iter__(self) -> Iterator[list[str]]:
        self.read = 0
        for walk in self.walks:
            if self.stop.is_set():
                return
            self.read += 1
            yield walk


def word2vec_on_walks(
    walks: WalkCorpus, params: GraphParams, stop: threading.Event, state: dict[str, Any]
) -> Any:
    """gensim Word2Vec (skip-gram, negative sampling, one worker) on ``walks``."""
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    corpus = _Walks(walks, stop)
    model = Word2Vec(
        vector_size=params.dims,
        window=params.window,
        min_count=0,
        sg=1,
        hs=0,
        negative=params.negative,
        seed=params.seed,
        workers=1,
        epochs=params.epochs,
    )
    done = {"epochs": 0}

    class Epochs(CallbackAny2Vec):  # type: ignore[misc]  # gensim ships no type hints
        def on_epoch_end(self, _model: Any) -> None:
            done["epochs"] += 1
            if stop.is_set():
                raise _Stop

    def watch() -> None:  # the share read of the current epoch, for the progress bar
        while not stop.wait(0.1) and not state.get("finished"):
            within = min(1.0, corpus.read / max(len(walks), 1))
            epoch = min(done["epochs"] + within, params.epochs)
            state["fraction"] = WALK_SHARE + (1 - WALK_SHARE) * epoch / params.epochs
            state["message"] = (
                f"Word2Vec on the walks: epoch {min(done['epochs'] + 1, params.epochs)} of {params.epochs}"
            )

    model.build_vocab(corpus)
    if stop.is_set():
        raise _Stop
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        model.train(
            corpus, total_examples=model.corpus_count, epochs=model.epochs, callbacks=[Epochs()]
        )
    finally:
        state["finished"] = True
        watcher.join()
    if stop.is_set():
        raise _Stop
    return model


def train_walks(edges: EdgeList, params: GraphParams) -> Task[GraphResult]:
    walks = yield from make_walks(edges, params)
    model = yield from in_thread(
        lambda stop, state: word2vec_on_walks(walks, params, stop, state),
        "Word2Vec on the walks",
    )
    result = GraphResult(
        edges, params, list(model.wv.index_to_key), model.wv.vectors, model, len(walks)
    )
    if edges.weights is not None and params.algorithm == "deepwalk":
        result.warnings.append("DeepWalk walks are uniform: the edge weights were not used.")
    return result


# Poincaré ---------------------------------------------------------------------------------------
def check_negatives(edges: EdgeList, negative: int) -> None:
    """gensim draws ``negative`` distinct nodes unrelated to each source; refuse at once when a
    source has too few (gensim would fail in the middle of training)."""
    nodes = edges.nodes()
    related: dict[str, set[str]] = {}
    for s, t in edges.relations:
        related.setdefault(s, set()).add(t)
    worst = max(related, key=lambda s: len(related[s]))
    room = len(nodes) - len(related[worst])
    if negative > room:
        raise EmbvizError(
            f"{edges.path}: node {worst!r} is related to {len(related[worst])} of the "
            f"{len(nodes)} nodes, so {negative} negative samples cannot be drawn for it. "
            f"Use at most {room} negative samples (--negative {room})."
        )


def fit_poincare(
    edges: EdgeList, params: GraphParams, stop: threading.Event, state: dict[str, Any]
) -> Any:
    from gensim.models.poincare import PoincareModel

    model = PoincareModel(
        edges.relations,
        size=params.dims,
        negative=params.negative,
        seed=params.seed,
        workers=1,
        burn_in=params.burn_in,
    )
    batches_per_epoch = -(-len(edges) // params.batch_size)
    total = batches_per_epoch * (params.burn_in + params.epochs)
    original = model._train_on_batch
    done = [0]

    def counted(relations: Any, check_gradients: bool = False) -> Any:
        if stop.is_set():
            raise _Stop
        done[0] += 1
        if done[0] % 16 == 0 or done[0] == total:
            state["fraction"] = done[0] / total
            epoch = (done[0] - 1) // batches_per_epoch + 1
            state["message"] = (
                f"Poincaré: burn-in epoch {epoch} of {params.burn_in}"
                if epoch <= params.burn_in
                else f"Poincaré: epoch {epoch - params.burn_in} of {params.epochs}"
            )
        return original(relations, check_gradients=check_gradients)

    model._train_on_batch = counted  # counts batches and stops a cancelled training
    try:
        model.train(epochs=params.epochs, batch_size=params.batch_size)
    finally:
        del model._train_on_batch  # the model pickles (saves) without it
    return model


def train_poincare(edges: EdgeList, params: GraphParams) -> Task[GraphResult]:
    check_negatives(edges, params.negative)
    model = yield from in_thread(
        lambda stop, state: fit_poincare(edges, params, stop, state), "Poincaré embedding"
    )
    result = GraphResult(edges, params, list(model.kv.index_to_key), model.kv.vectors, model)
    if edges.weights is not None:
        result.warnings.append(
            "Poincaré embeddings use no weights: the weight column was not used."
        )
    return result
