"""A graph embedding as a set: its nodes' vectors, their communities, and the graph's edges.

The edges are kept in the set's derived cache under :data:`KEY` as a :class:`GraphInfo` (the
edges as row pairs, which algorithm made the vectors): the map draws a selection's edges and the
Poincaré disk from it. A result written to a file keeps them in a side file ``OUT.graph.json``
(:func:`side_file`) that names the edge list; a set opened from ``OUT`` finds its edges again
through :func:`read_side_file`.

Communities: networkx's Louvain method (``louvain_communities`` with the training seed) on the
undirected weighted graph, as a metadata column ("community 1" is the largest) that any view can
colour by. (A graph of many small components has as many communities: the map's legend shows the
largest and groups the rest as "other".)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core import poincare
from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.io.edge_list import EdgeList, read_edge_list
from embviz.models.graph.graph import edge_pairs

KEY = ("graph",)
COMMUNITY = "community"
DEGREE = "degree"
SIDE_SUFFIX = ".graph.json"
SIDE_FORMAT = "embviz-graph"


@dataclass
class GraphInfo:
    algorithm: str  # node2vec | deepwalk | poincare
    pairs: np.ndarray  # E x 2 rows of the set: (source, target), each once
    edge_path: str = ""
    record: dict[str, Any] = field(default_factory=dict)  # the training parameters

    @property
    def poincare(self) -> bool:
        return self.algorithm == "poincare"

    def edges_of(self, rows: np.ndarray) -> np.ndarray:
        """The pairs (E' x 2) with at least one end among ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows) or not len(self.pairs):
            return np.empty((0, 2), dtype=np.int64)
        n = int(max(self.pairs.max(), rows.max())) + 1
        chosen = np.zeros(n, dtype=bool)
        chosen[rows[rows >= 0]] = True
        touching: np.ndarray = self.pairs[chosen[self.pairs[:, 0]] | chosen[self.pairs[:, 1]]]
        return touching


def communities(edges: EdgeList, nodes: list[str], seed: int = 1) -> np.ndarray:
    """Each node's Louvain community ("community 1" the largest, numbers zero-padded so that they
    sort; rows that are no node of the file: "none")."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    weights = edges.weights if edges.weights is not None else np.ones(len(edges))
    for (s, t), w in zip(edges.relations, weights.tolist(), strict=True):
        if s != t:
            graph.add_edge(s, t, weight=graph.get_edge_data(s, t, {"weight": 0.0})["weight"] + w)
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    found = sorted(found, key=lambda c: (-len(c), min(c)))
    width = len(str(len(found)))  # "community 02" sorts before "community 10"
    of = {
        node: f"community {i:0{width}d}"
        for i, members in enumerate(found, start=1)
        for node in members
    }
    return np.array([of.get(node, "none") for node in nodes], dtype=object)


def degrees(edges: EdgeList, nodes: list[str]) -> np.ndarray:
    """Edges per node in the file (a self-loop counts twice, as networkx counts it)."""
    index = {name: i for i, name in enumerate(nodes)}
    out = np.zeros(len(nodes), dtype=np.int64)
    for s, t in edges.relations:
        for name in (s, t):
            if name in index:
                out[index[name]] += 1
    return out


def graph_columns(edges: EdgeList, nodes: list[str], seed: int = 1) -> dict[str, np.ndarray]:
    return {COMMUNITY: communities(edges, nodes, seed), DEGREE: degrees(edges, nodes)}


def attach(eset: EmbeddingSet, info: GraphInfo) -> None:
    eset.store_derived(KEY, info, version=eset.version)


def graph_of(eset: EmbeddingSet | None) -> GraphInfo | None:
    """The set's graph, once known (trained here, or read with its side file)."""
    if eset is None:
        return None
    info = eset.peek_derived(KEY)
    return info if isinstance(info, GraphInfo) else None


def to_set(result: Any, name: str | None = None) -> EmbeddingSet:
    """A :class:`~embviz.models.graph.train.GraphResult` as a set, with its graph attached."""
    edges: EdgeList = result.edges
    algorithm = result.params.algorithm
    eset = EmbeddingSet(
        result.labels,
        np.asarray(result.vectors, dtype=np.float32),
        graph_columns(edges, result.labels, result.params.seed),
        source=Source(
            path=edges.path,
            format=f"graph-{algorithm}",
            warnings=[*edges.warnings, *result.warnings],
        ),
        name=name or f"{Path(edges.path).name} ({algorithm})",
        model=result.model,
    )
    attach(
        eset, GraphInfo(algorithm, edge_pairs(edges, result.labels), edges.path, result.record())
    )
    if algorithm == "poincare":
        poincare.mark(eset)  # neighbours by the Poincaré distance; the map draws the disk
    return eset


# the side file of a written result -------------------------------------------------------------
def side_file(out: str | Path) -> Path:
    return Path(str(out) + SIDE_SUFFIX)


def side_record(result: Any, out: str | Path) -> dict[str, Any]:
    edge_path = Path(result.edges.path).resolve()
    folder = side_file(out).resolve().parent
    return {
        "format": SIDE_FORMAT,
        "version": 1,
        "vectors": Path(out).name,
        "edges": str(edge_path),
        "edges_relative": os.path.relpath(edge_path, folder),
        "algorithm": result.params.algorithm,
        "params": result.record(),
    }


def read_side_file(path: str | Path) -> dict[str, Any] | None:
    """The side file of the vectors at ``path`` (None when there is none)."""
    side = side_file(path)
    if not side.is_file():
        return None
    try:
        record = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbvizError(
            f"{side}: not a readable graph record ({exc}). Delete it or write it again with "
            "embviz train --graph."
        ) from None
    if not isinstance(record, dict) or record.get("format") != SIDE_FORMAT:
        raise EmbvizError(f'{side}: not an embviz graph record (no "format": "{SIDE_FORMAT}").')
    return record


def edges_for(eset: EmbeddingSet) -> tuple[GraphInfo, dict[str, np.ndarray]] | None:
    """The graph of a set opened from a file that has a side file, and the community and degree
    columns of its rows (None: no side file).

    The edge list is found where the side file says, or beside it by the relative path."""
    if not eset.source.path:
        return None
    record = read_side_file(eset.source.path)
    if record is None:
        return None
    side = side_file(eset.source.path)
    candidates = [
        Path(str(record.get("edges", ""))),
        side.parent / str(record.get("edges_relative", "")),
    ]
    found = next((p for p in candidates if str(p) and p.is_file()), None)
    if found is None:
        raise EmbvizError(
            f"{side}: the edge list {record.get('edges')} is gone, so the graph's edges cannot be "
            "drawn. Put the edge list back there (or beside the vectors), or train again."
        )
    edges = read_edge_list(found)
    found_params = record.get("params")
    params: dict[str, Any] = found_params if isinstance(found_params, dict) else {}
    info = GraphInfo(
        str(record.get("algorithm", "")), edge_pairs(edges, list(eset.labels)), str(found), params
    )
    seed = params.get("seed", 1)
    return info, graph_columns(edges, list(eset.labels), seed if isinstance(seed, int) else 1)
