"""Graph embeddings equal gensim's own models trained on the same input with the same seed."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.test.utils import datapath

from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task
from embviz.io.edge_list import read_edge_list
from embviz.models.graph.graph import build_graph
from embviz.models.graph.graph_set import COMMUNITY, graph_of, to_set
from embviz.models.graph.params import GraphParams, resolved
from embviz.models.graph.train import make_walks, train_graph
from embviz.models.graph.walks import random_walks

LARGE = datapath("poincare_hypernyms_large.tsv")
SMALL = datapath("poincare_hypernyms.tsv")


@pytest.mark.parametrize("algorithm", ["node2vec", "deepwalk"])
def test_walk_embeddings_equal_gensim_word2vec_on_the_same_walks(algorithm):
    from gensim.models import Word2Vec

    params = GraphParams(
        algorithm=algorithm, dims=8, epochs=2, negative=4, window=3, walk_length=12,
        walks_per_node=3, p=0.5, q=2.0, seed=7,
    )  # fmt: skip
    result = run_task(train_graph(LARGE, params))
    walks = random_walks(
        build_graph(read_edge_list(LARGE)), 12, 3, 0.5, 2.0, seed=7, uniform=algorithm == "deepwalk"
    )
    assert walks == list(run_task(make_walks(read_edge_list(LARGE), resolved(params))))
    reference = Word2Vec(
        walks, vector_size=8, window=3, min_count=0, sg=1, negative=4, seed=7, workers=1, epochs=2
    )
    assert result.labels == reference.wv.index_to_key
    assert result.vectors.dtype == reference.wv.vectors.dtype
    assert np.array_equal(result.vectors, reference.wv.vectors)  # bit for bit
    assert result.walks == len(walks)


@pytest.mark.parametrize(
    ("path", "dims", "negative", "batch"), [(SMALL, 2, 2, 10), (LARGE, 5, 3, 7)]
)
def test_poincare_equals_gensim_poincare_model(path, dims, negative, batch):
    from gensim.models.poincare import PoincareModel, PoincareRelations

    params = GraphParams(algorithm="poincare", dims=dims, epochs=4, negative=negative, seed=3,
                         batch_size=batch)  # fmt: skip
    result = run_task(train_graph(path, params))
    reference = PoincareModel(
        PoincareRelations(path), size=dims, negative=negative, seed=3, workers=1
    )
    reference.train(epochs=4, batch_size=batch)
    assert result.labels == reference.kv.index_to_key
    assert np.array_equal(result.vectors, reference.kv.vectors)
    # and neighbours by the Poincaré distance are gensim's own
    node = result.labels[0]
    ours = result.model.kv.distances(node)
    np.testing.assert_array_equal(ours, reference.kv.distances(node))


def test_poincare_refuses_too_many_negatives(tmp_path):
    path = tmp_path / "tiny.tsv"
    path.write_text("a\tb\na\tc\nb\tc\n")
    with pytest.raises(EmbvizError, match=r"node 'a' is related to 2 of the 3 nodes.*at most 1"):
        run_task(train_graph(path, GraphParams(algorithm="poincare", negative=2)))


@pytest.mark.parametrize("algorithm", ["poincare", "node2vec"])
def test_cancel_stops_the_training_thread(algorithm):
    import threading

    params = GraphParams(algorithm=algorithm, dims=4, epochs=100_000, walks_per_node=1)
    task = train_graph(LARGE, params)
    for progress in task:
        if progress.message.startswith(("Poincaré", "Word2Vec")):
            break
    task.close()  # what the GUI's Cancel does: the task is closed at its yield
    assert not any(t.name == "embviz-graph" for t in threading.enumerate())


def test_set_has_communities_and_edges():
    """Two 5-cliques joined by one edge: Louvain puts each clique in its own community."""
    from embviz.io.edge_list import EdgeList

    left, right = [f"l{i}" for i in range(5)], [f"r{i}" for i in range(5)]
    pairs = [(a, b) for group in (left, right) for i, a in enumerate(group) for b in group[i + 1 :]]
    pairs.append(("l0", "r0"))
    edges = EdgeList("cliques.tsv", [a for a, _ in pairs], [b for _, b in pairs], None, "\t")
    params = GraphParams(dims=4, walk_length=10, walks_per_node=2, seed=5)
    eset = to_set(run_task(train_graph(edges, params)))
    column = eset.metadata[COMMUNITY]
    side = {label: column[i] for i, label in enumerate(eset.labels)}
    assert len({side[n] for n in left}) == 1 and len({side[n] for n in right}) == 1
    assert side["l0"] != side["r0"]
    info = graph_of(eset)
    assert info is not None and len(info.pairs) == len(pairs)
    l0 = eset.index_of("l0")
    touching = {(eset.labels[a], eset.labels[b]) for a, b in info.edges_of(np.array([l0]))}
    assert touching == {p for p in pairs if "l0" in p}
