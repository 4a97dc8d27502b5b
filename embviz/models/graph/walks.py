"""Random walks over a graph: DeepWalk (uniform) and node2vec (biased by p and q).

node2vec (Grover & Leskovec 2016, section 3.2.2): a walk that just went t -> v steps to a
neighbour x of v with probability proportional to ``alpha_pq(t, x) * w_vx``, where
``alpha = 1/p`` if x is t (d_tx = 0), ``1`` if x is a neighbour of t (d_tx = 1) and ``1/q``
otherwise (d_tx = 2); the first step of a walk (no t yet) is proportional to ``w_vx``. DeepWalk
(Perozzi et al. 2014) steps to a neighbour chosen uniformly at random.

Each round starts one walk from every node, in a shuffled order (as both reference
implementations do), and ``walks_per_node`` rounds are made. All walks of a round advance
together, one vectorised step at a time: a next node is proposed with probability proportional
to ``w_vx`` and accepted with probability ``alpha / max(alpha)`` (rejection sampling), which
gives exactly the node2vec distribution without a table per edge (several candidates per walk
are drawn at once when few are accepted; the first accepted one is the step). A walk has ``walk_length``
nodes, its start included; in a directed graph a walk ends early at a node without out-edges.
Everything is drawn from one ``numpy.random.Generator(seed)``: the same seed, the same walks.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from embviz.models.graph.graph import Graph

END = -1  # padding after a walk that ended early


class WalkSampler:
    def __init__(self, graph: Graph, p: float = 1.0, q: float = 1.0, uniform: bool = False):
        if p <= 0 or q <= 0:
            raise ValueError("p and q must be positive")
        self.graph, self.p, self.q, self.uniform = graph, float(p), float(q), uniform
        self.degree = graph.degree()
        self.cumulative = np.cumsum(graph.weights)
        starts = graph.indptr[:-1]
        before = np.concatenate([[0.0], self.cumulative])
        self.row_base = before[starts]  # cumulative weight before each row
        self.row_total = before[graph.indptr[1:]] - self.row_base
        self.keys = graph.edge_keys()
        # equal weights (an edge list without weights): proportional to weight is uniform, and
        # an index is cheaper to draw than a binary search in the cumulative weights
        w = graph.weights
        self.uniform_proposals = uniform or not len(w) or bool(np.all(w == w[0]))
        self.biased = not uniform and not (self.p == 1.0 and self.q == 1.0)

    def propose(self, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One neighbour of each v: uniform (DeepWalk) or proportional to the edge weight."""
        g = self.graph
        u = rng.random(len(v))
        lo, hi = g.indptr[v], g.indptr[v + 1] - 1
        if self.uniform_proposals:
            at = lo + np.minimum((u * self.degree[v]).astype(np.int64), self.degree[v] - 1)
        else:
            target = self.row_base[v] + u * self.row_total[v]
            at = np.clip(np.searchsorted(self.cumulative, target, side="right"), lo, hi)
        chosen: np.ndarray = g.indices[at]
        return chosen

    def alpha(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """node2vec's search bias alpha_pq(t, x) for candidates x after the step t -> v."""
        near = self.graph.has_edges(t, x, self.keys)
        return np.where(x == t, 1.0 / self.p, np.where(near, 1.0, 1.0 / self.q))

    def accepts(self, t: np.ndarray, x: np.ndarray, r: np.ndarray) -> np.ndarray:
        """``r < alpha(t, x)``, looking up whether x is a neighbour of t only where it matters
        (r between 1 and 1/q): the lookup is most of a step's cost."""
        back = x == t
        out = np.where(back, r < 1.0 / self.p, r < min(1.0, 1.0 / self.q))
        unsure = ~back & (r >= min(1.0, 1.0 / self.q)) & (r < max(1.0, 1.0 / self.q))
        if unsure.any():
            near = self.graph.has_edges(t[unsure], x[unsure], self.keys)
            out[unsure] = near == (self.q > 1.0)  # q > 1: only neighbours (alpha 1) pass here
        return out

    def step(self, t: np.ndarray | None, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The next node of walks at ``v`` that came from ``t`` (None: the walks' first step)."""
        if t is None or not self.biased:
            return self.propose(v, rng)
        top = max(1.0 / self.p, 1.0, 1.0 / self.q)
        out = np.empty(len(v), dtype=np.int64)
        pending = np.arange(len(v))
        tries = 1  # candidates per walk at once: the first accepted one is the step (the same
        # law as one at a time); more when few are accepted, so the loop ends in a few passes
        while pending.size:
            vv, tt = np.repeat(v[pending], tries), np.repeat(t[pending], tries)
            x = self.propose(vv, rng)
            accept = self.accepts(tt, x, rng.random(len(x)) * top).reshape(-1, tries)
            done = accept.any(axis=1)
            first = accept.argmax(axis=1)
            out[pending[done]] = x.reshape(-1, tries)[done, first[done]]
            pending = pending[~done]
            rate = max(float(accept.mean()), 1.0 / 64)
            tries = int(min(32, np.ceil(2.0 / rate)))
        return out

    def round(self, length: int, rng: np.random.Generator) -> np.ndarray:
        """One walk from every node, starts in a shuffled order: (N x length), END-padded."""
        n = len(self.graph)
        walks = np.full((n, length), END, dtype=np.int64)
        walks[:, 0] = rng.permutation(n)
        alive = np.arange(n)
        prev: np.ndarray | None = None
        for i in range(1, length):
            cur = walks[alive, i - 1]
            going = self.degree[cur] > 0
            alive, cur = alive[going], cur[going]
            if prev is not None:
                prev = prev[going]
            if not alive.size:
                break
            nxt = self.step(prev, cur, rng)
            walks[alive, i] = nxt
            prev = cur
        return walks


def walk_rounds(
    graph: Graph,
    walk_length: int,
    walks_per_node: int,
    p: float = 1.0,
    q: float = 1.0,
    seed: int = 1,
    uniform: bool = False,
) -> Iterator[np.ndarray]:
    """``walks_per_node`` rounds of walks (each N x walk_length node ids, END-padded)."""
    sampler = WalkSampler(graph, p, q, uniform)
    rng = np.random.default_rng(seed)
    for _ in range(walks_per_node):
        yield sampler.round(walk_length, rng)


def as_sentences(graph: Graph, walks: np.ndarray) -> list[list[str]]:
    """Walks as lists of node names (what Word2Vec trains on)."""
    return list(WalkCorpus(graph.nodes, [walks]))


class WalkCorpus:
    """Walks kept compact (node ids, int32 where they fit: 4 bytes a step instead of a list
    slot and a reference), read as lists of node names each time they are iterated, which is
    what gensim's Word2Vec reads: once for the vocabulary, once per epoch."""

    def __init__(self, names: list[str], rounds: list[np.ndarray] | None = None) -> None:
        self.names = np.array(names, dtype=object)
        self.rounds: list[np.ndarray] = []
        for walks in rounds or []:
            self.add(walks)

    def add(self, walks: np.ndarray) -> None:
        small = len(self.names) < np.iinfo(np.int32).max
        self.rounds.append(walks.astype(np.int32) if small else walks)

    def __len__(self) -> int:
        return sum(len(walks) for walks in self.rounds)

    def __iter__(self) -> Iterator[list[str]]:
        for walks in self.rounds:
            lengths = (walks != END).sum(axis=1)  # a walk ends early only at its tail
            named = self.names[np.where(walks == END, 0, walks)]
            for row, n in zip(named.tolist(), lengths.tolist(), strict=True):
                yield row[:n]


def random_walks(
    graph: Graph,
    walk_length: int = 80,
    walks_per_node: int = 10,
    p: float = 1.0,
    q: float = 1.0,
    seed: int = 1,
    uniform: bool = False,
) -> list[list[str]]:
    """Every walk, as node names, in the order Word2Vec sees them."""
    rounds = walk_rounds(graph, walk_length, walks_per_node, p, q, seed, uniform)
    return list(WalkCorpus(graph.nodes, list(rounds)))
