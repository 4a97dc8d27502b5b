"""The walk sampler against the papers' definitions, computed by hand on a small graph.

node2vec (Grover & Leskovec 2016, eq. 2 and section 3.2.2): after t -> v the walk goes to a
neighbour x of v with probability alpha_pq(t, x) * w_vx / Z, alpha = 1/p if x == t, 1 if x is a
neighbour of t, 1/q otherwise; a walk's first step is w_vx / Z. DeepWalk: uniform.
"""

from __future__ import annotations

import numpy as np
import pytest

from embviz.io.edge_list import EdgeList
from embviz.models.graph.graph import build_graph
from embviz.models.graph.walks import WalkSampler, random_walks, walk_rounds

# a small weighted graph:  t - v (2.0), v - a (1.0), v - b (3.0), t - a (1.0), v - v (0.5),
# b - c (1.0); seen from v: t (back), a (a neighbour of t), b (two steps from t), v itself
EDGES = [("t", "v", 2.0), ("v", "a", 1.0), ("v", "b", 3.0), ("t", "a", 1.0), ("v", "v", 0.5),
         ("b", "c", 1.0)]  # fmt: skip
N_DRAWS = 200_000


def small_graph(directed: bool = False):
    edges = EdgeList(
        "small.tsv",
        [s for s, _, _ in EDGES],
        [t for _, t, _ in EDGES],
        np.array([w for _, _, w in EDGES]),
        "\t",
    )
    return build_graph(edges, directed=directed)


def by_hand(p: float, q: float) -> dict[str, float]:
    """The paper's transition probabilities from v after t -> v, by hand for this graph.

    v's neighbours and weights: t 2.0, a 1.0, b 3.0, v 0.5. d(t, t) = 0 -> 1/p; a and v are
    neighbours of t (t - a, t - v) -> 1; b is not -> 1/q."""
    unnormalised = {"t": 2.0 / p, "a": 1.0 * 1, "b": 3.0 / q, "v": 0.5 * 1}
    z = sum(unnormalised.values())
    return {x: value / z for x, value in unnormalised.items()}


def frequencies(graph, draws: np.ndarray) -> dict[str, float]:
    counts = np.bincount(draws, minlength=len(graph))
    return {graph.nodes[i]: counts[i] / len(draws) for i in range(len(graph)) if counts[i]}


def assert_close(found: dict[str, float], expected: dict[str, float], n: int) -> None:
    assert set(found) == {x for x, p in expected.items() if p > 0}
    for x, p in expected.items():
        sigma = np.sqrt(p * (1 - p) / n)
        assert abs(found.get(x, 0.0) - p) < 5 * sigma + 1e-12, (x, found.get(x), p)


@pytest.mark.parametrize(("p", "q"), [(1.0, 1.0), (0.25, 4.0), (4.0, 0.5), (2.0, 2.0)])
def test_second_order_step_follows_the_paper(p, q):
    graph = small_graph()
    sampler = WalkSampler(graph, p, q)
    t, v = graph.nodes.index("t"), graph.nodes.index("v")
    rng = np.random.default_rng(0)
    draws = sampler.step(np.full(N_DRAWS, t), np.full(N_DRAWS, v), rng)
    assert_close(frequencies(graph, draws), by_hand(p, q), N_DRAWS)


def test_first_step_is_proportional_to_weight_and_deepwalk_is_uniform():
    graph = small_graph()
    v = graph.nodes.index("v")
    rng = np.random.default_rng(1)
    first = WalkSampler(graph, 0.25, 4.0).step(None, np.full(N_DRAWS, v), rng)
    assert_close(
        frequencies(graph, first),
        {"t": 2 / 6.5, "a": 1 / 6.5, "b": 3 / 6.5, "v": 0.5 / 6.5},
        N_DRAWS,
    )
    uniform = WalkSampler(graph, uniform=True).step(None, np.full(N_DRAWS, v), rng)
    assert_close(frequencies(graph, uniform), dict.fromkeys("tabv", 0.25), N_DRAWS)


def test_whole_walks_make_the_same_second_order_steps():
    """Counted inside generated walks (the round's bookkeeping of t and v), not one step."""
    graph = small_graph()
    p, q = 0.5, 3.0
    walks = np.concatenate(list(walk_rounds(graph, 40, 300, p, q, seed=3)))
    t, v = graph.nodes.index("t"), graph.nodes.index("v")
    after = walks[:, 2:][(walks[:, :-2] == t) & (walks[:, 1:-1] == v)]
    assert len(after) > 5_000
    assert_close(frequencies(graph, np.array(after)), by_hand(p, q), len(after))


def test_walks_deterministic_for_a_seed_and_shaped_as_asked():
    graph = small_graph()
    one = random_walks(graph, walk_length=7, walks_per_node=3, p=0.5, q=2.0, seed=11)
    assert one == random_walks(graph, walk_length=7, walks_per_node=3, p=0.5, q=2.0, seed=11)
    assert one != random_walks(graph, walk_length=7, walks_per_node=3, p=0.5, q=2.0, seed=12)
    assert len(one) == 3 * len(graph) and all(len(w) == 7 for w in one)
    for r in range(3):  # each round starts one walk from every node
        assert sorted(w[0] for w in one[r * len(graph) : (r + 1) * len(graph)]) == sorted(
            graph.nodes
        )
    edges = {(s, t) for s, t, _ in EDGES} | {(t, s) for s, t, _ in EDGES}
    assert all(
        (a, b) in edges for w in one for a, b in zip(w, w[1:], strict=False)
    )  # steps follow edges


def test_directed_walks_follow_edges_and_end_at_sinks():
    graph = small_graph(directed=True)
    walks = random_walks(graph, walk_length=6, walks_per_node=2, seed=2)
    edges = {(s, t) for s, t, _ in EDGES}
    assert all((a, b) in edges for w in walks for a, b in zip(w, w[1:], strict=False))
    assert ["c"] in walks  # c has no out-edges: its walks are the node alone
