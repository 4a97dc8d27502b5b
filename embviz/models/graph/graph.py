"""An edge list as a compressed adjacency: what the random walks step through.

Nodes are numbered in order of first appearance in the file. An undirected graph (the default for
walks, as DeepWalk and node2vec use their graphs) holds each edge in both directions, a self-loop
once. A repeated edge adds its weight (a multigraph's parallel edges, collapsed); an edge list
without weights gives every edge weight 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embviz.io.edge_list import EdgeList


@dataclass
class Graph:
    nodes: list[str]
    indptr: np.ndarray  # int64, N + 1: row v's neighbours are indices[indptr[v]:indptr[v+1]]
    indices: np.ndarray  # int64, sorted within each row
    weights: np.ndarray  # float64, one per stored (directed) edge
    directed: bool

    def __len__(self) -> int:
        return len(self.nodes)

    def degree(self) -> np.ndarray:
        """Neighbours per node (out-neighbours when directed)."""
        degree: np.ndarray = np.diff(self.indptr)
        return degree

    def neighbours(self, v: int) -> np.ndarray:
        return self.indices[self.indptr[v] : self.indptr[v + 1]]

    def edge_keys(self) -> np.ndarray:
        """``v * N + x`` for every stored edge v -> x, sorted (rows in order, sorted within)."""
        rows = np.repeat(np.arange(len(self), dtype=np.int64), self.degree())
        keys: np.ndarray = rows * len(self) + self.indices
        return keys

    def has_edges(self, v: np.ndarray, x: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
        """Whether each v -> x is an edge (vectorised: a binary search in the sorted keys, with
        the queries sorted first, which makes the search several times faster)."""
        keys = self.edge_keys() if keys is None else keys
        wanted = np.asarray(v, dtype=np.int64) * len(self) + np.asarray(x, dtype=np.int64)
        found = np.zeros(len(wanted), dtype=bool)
        if not len(keys) or not len(wanted):
            return found
        order = np.argsort(wanted)
        ordered = wanted[order]
        at = np.minimum(np.searchsorted(keys, ordered), len(keys) - 1)
        found[order] = keys[at] == ordered
        return found


def build_graph(edges: EdgeList, directed: bool = False) -> Graph:
    from scipy import sparse

    nodes = edges.nodes()
    index = {name: i for i, name in enumerate(nodes)}
    src = np.fromiter((index[s] for s in edges.sources), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[t] for t in edges.targets), dtype=np.int64, count=len(edges))
    w = edges.weights if edges.weights is not None else np.ones(len(edges), dtype=np.float64)
    if not directed:
        back = src != dst  # a self-loop is one edge, not two
        src, dst, w = (
            np.concatenate([src, dst[back]]),
            np.concatenate([dst, src[back]]),
            np.concatenate([w, w[back]]),
        )
    n = len(nodes)
    matrix = sparse.csr_matrix((w.astype(np.float64), (src, dst)), shape=(n, n))
    matrix.sum_duplicates()  # repeated edges add their weights
    matrix.sort_indices()
    return Graph(
        nodes,
        matrix.indptr.astype(np.int64),
        matrix.indices.astype(np.int64),
        matrix.data.astype(np.float64),
        directed,
    )


def edge_pairs(edges: EdgeList, nodes: list[str]) -> np.ndarray:
    """The file's edges as (source row, target row) of ``nodes`` (E x 2), each pair once."""
    index = {name: i for i, name in enumerate(nodes)}
    pairs = np.array(
        [(index[s], index[t]) for s, t in edges.relations if s in index and t in index],
        dtype=np.int64,
    ).reshape(-1, 2)
    return np.unique(pairs, axis=0) if len(pairs) else pairs
