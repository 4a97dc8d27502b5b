"""Graph embeddings: embviz's training next to gensim's own calls, in the same run.

- Poincaré on gensim's mammal hypernyms (``poincare_hypernyms_large.tsv``): embviz's task (a
  helper thread, progress, cancellable) vs ``PoincareModel(...).train(...)`` called directly; the
  vectors must be bit-equal.
- node2vec on a Barabási-Albert graph (networkx, N nodes, m = 5): the walks (embviz's vectorised
  sampler) and Word2Vec on them vs gensim ``Word2Vec`` on the same walks; the vectors must be
  bit-equal, so the ratio is the cost of the walks and the task around gensim.
- walk steps per second for DeepWalk, node2vec p = q = 1 and two biased settings.

Runs alternate (embviz, peer, embviz, peer); the load average is printed with the figures.

    python benchmarks/graph.py [--nodes 10000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def _best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def poincare(repeat: int) -> None:
    from gensim.models.poincare import PoincareModel, PoincareRelations
    from gensim.test.utils import datapath

    from embviz.core.tasks import run_task
    from embviz.models.graph.params import GraphParams
    from embviz.models.graph.train import train_graph

    path = datapath("poincare_hypernyms_large.tsv")
    params = GraphParams(algorithm="poincare", dims=10, epochs=300, negative=10, seed=1)

    def peer():
        model = PoincareModel(PoincareRelations(path), size=10, negative=10, seed=1, workers=1)
        model.train(epochs=300, batch_size=10)
        return model.kv.vectors

    ours_t, ours = [], None
    peer_t, theirs = [], None
    for _ in range(repeat):
        t, ours = _best(lambda: run_task(train_graph(path, params)), 1)
        ours_t.append(t)
        t, theirs = _best(peer, 1)
        peer_t.append(t)
    equal = np.array_equal(ours.vectors, theirs)  # type: ignore[union-attr]
    print(
        f"Poincaré, mammal hypernyms, 10 dims, 300 epochs: embviz {min(ours_t):.2f} s, "
        f"gensim {min(peer_t):.2f} s ({min(peer_t) / min(ours_t):.2f}x), bit-equal {equal}, "
        f"load {os.getloadavg()[0]:.1f}"
    )


def node2vec(nodes: int, repeat: int) -> None:
    import networkx as nx
    from gensim.models import Word2Vec

    from embviz.core.tasks import run_task
    from embviz.io.edge_list import EdgeList
    from embviz.models.graph.graph import build_graph
    from embviz.models.graph.params import GraphParams
    from embviz.models.graph.train import train_graph
    from embviz.models.graph.walks import random_walks, walk_rounds

    g = nx.barabasi_albert_graph(nodes, 5, seed=1)
    src, dst = zip(*g.edges(), strict=True)
    edges = EdgeList("ba.tsv", [str(s) for s in src], [str(t) for t in dst], None, "\t")
    graph = build_graph(edges)
    params = GraphParams(dims=64, walk_length=40, walks_per_node=5, p=0.5, q=2.0, seed=1)
    walks = random_walks(graph, 40, 5, 0.5, 2.0, seed=1)

    def peer():
        return Word2Vec(
            walks,
            vector_size=64,
            window=10,
            min_count=0,
            sg=1,
            negative=5,
            seed=1,
            workers=1,
            epochs=1,
        ).wv.vectors

    ours_t, peer_t = [], []
    for _ in range(repeat):
        t, ours = _best(lambda: run_task(train_graph(edges, params)), 1)
        ours_t.append(t)
        t, theirs = _best(peer, 1)
        peer_t.append(t)
    equal = np.array_equal(ours.vectors, theirs)  # type: ignore[union-attr]
    print(
        f"node2vec p=0.5 q=2, BA graph {nodes:,} nodes / {len(edges):,} edges, 5 walks x 40: "
        f"embviz walks + Word2Vec {min(ours_t):.2f} s, gensim Word2Vec on the same walks "
        f"{min(peer_t):.2f} s, bit-equal {equal}, load {os.getloadavg()[0]:.1f}"
    )
    for name, p, q, uniform in (
        ("DeepWalk", 1.0, 1.0, True),
        ("node2vec p=q=1", 1.0, 1.0, False),
        ("node2vec p=0.5 q=2", 0.5, 2.0, False),
        ("node2vec p=4 q=0.25", 4.0, 0.25, False),
    ):
        t, steps = _best(
            lambda p=p, q=q, u=uniform: sum(
                w.size for w in walk_rounds(graph, 80, 10, p, q, seed=1, uniform=u)
            ),
            repeat,
        )
        print(f"  {name}: {steps / t / 1e6:.1f} M walk steps/s ({steps:,} in {t:.2f} s)")
    print(f"  load average {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    poincare(args.repeat)
    node2vec(args.nodes, args.repeat)


if __name__ == "__main__":
    main()
