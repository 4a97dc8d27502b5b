"""Edge lists as graph tools write them, and clear messages for bad lines."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.errors import LoadError
from embviz.io.edge_list import read_edge_list, sniff_edge_list


def test_gensim_hypernyms_read_as_gensim_reads_them():
    from gensim.models.poincare import PoincareRelations
    from gensim.test.utils import datapath

    for name in ("poincare_hypernyms.tsv", "poincare_hypernyms_large.tsv"):
        path = datapath(name)
        edges = read_edge_list(path)
        assert edges.relations == list(PoincareRelations(path))
        assert edges.weights is None and edges.delimiter == "\t"


def test_networkx_weighted_edgelist_and_comments(tmp_path):
    import networkx as nx

    graph = nx.Graph()
    graph.add_weighted_edges_from([("a", "b", 0.5), ("b", "c", 2.0), ("c", "d", 1e-3)])
    path = tmp_path / "g.edges"
    nx.write_weighted_edgelist(graph, path)  # "a b 0.5" lines
    path.write_text("# written by networkx\n\n" + path.read_text())
    edges = read_edge_list(path)
    expected = list(graph.edges(data="weight"))
    assert [(s, t) for s, t, _ in expected] == edges.relations
    np.testing.assert_array_equal(edges.weights, [w for _, _, w in expected])


def test_csv_with_header_and_quotes(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text('source,target,weight\n"New York, NY",Boston,3\nBoston,Albany,1.5\n')
    edges = read_edge_list(path)
    assert edges.header == ["source", "target", "weight"]
    assert edges.relations == [("New York, NY", "Boston"), ("Boston", "Albany")]
    np.testing.assert_array_equal(edges.weights, [3.0, 1.5])


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a\tb\nc\n", 2, "only one field"),
        ("a\tb\nc\td\te\tf\n", 2, "4 fields"),
        ("a\tb\t1\nc\td\n", 2, "no weight but the first edge has a weight"),
        ("a\tb\t1\nc\td\theavy\n", 2, "'heavy' is not a number"),
        ("# c\na\tb\t1\nc\td\t-2\n", 3, "not a positive finite number"),
        ("a\tb\t1\nc\td\tnan\n", 2, "not a positive finite number"),
        ("a\tb\n\tx\n", 2, "empty node name"),
    ],
)
def test_bad_lines_name_file_line_and_fix(tmp_path, text, line, words):
    path = tmp_path / "bad.tsv"
    path.write_text(text)
    with pytest.raises(LoadError) as info:
        read_edge_list(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}: ") and words in message
    assert info.value.hint  # what to do


def test_unreadable_files(tmp_path):
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing\n\n")
    with pytest.raises(LoadError, match="holds no edges"):
        read_edge_list(empty)
    binary = tmp_path / "latin.tsv"
    binary.write_bytes(b"a\tb\ncaf\xe9\td\n")
    with pytest.raises(LoadError, match=r"line 2: byte 4 is not UTF-8"):
        read_edge_list(binary)
    with pytest.raises(LoadError, match="does not exist"):
        read_edge_list(tmp_path / "nope.tsv")


def test_sniff_tells_edges_from_vectors(tmp_path):
    from gensim.test.utils import datapath

    assert sniff_edge_list(datapath("poincare_hypernyms_large.tsv"))
    ids = tmp_path / "snap.txt"
    ids.write_text("# FromNodeId\tToNodeId\n0\t1\n0\t2\n1\t2\n")
    assert sniff_edge_list(ids)
    coords = tmp_path / "coords.csv"
    coords.write_text("label,x,y\ncat,0.25,1.5\ndog,0.5,-2.0\n")
    assert not sniff_edge_list(coords)
    vectors = tmp_path / "vectors.tsv"
    vectors.write_text("0.1\t0.2\t0.3\t0.4\n0.5\t0.6\t0.7\t0.8\n")
    assert not sniff_edge_list(vectors)
