"""The parameters of a graph embedding, declared once for the CLI flags and the window's form."""

from __future__ import annotations

from dataclasses import dataclass, replace

from embviz.core.params import param

ALGORITHMS = ("node2vec", "deepwalk", "poincare")
# what 0 ("auto") stands for: the reference implementations' defaults (node2vec's main.py:
# 128 dims, 1 epoch, gensim's 5 negatives; a Poincaré disk of 2 dims that is drawn as it is,
# gensim PoincareModel's 10 negatives, 50 epochs)
AUTO = {
    "node2vec": {"dims": 128, "epochs": 1, "negative": 5},
    "deepwalk": {"dims": 128, "epochs": 1, "negative": 5},
    "poincare": {"dims": 2, "epochs": 50, "negative": 10},
}


@dataclass
class GraphParams:
    algorithm: str = param("node2vec", "graph embedding", choices=ALGORITHMS)
    dims: int = param(0, "dimensions", low=0, high=2000, zero_means="auto (128; Poincaré: 2)")
    epochs: int = param(0, "passes", low=0, high=100_000, zero_means="auto (1; Poincaré: 50)")
    negative: int = param(
        0, "negative samples", low=0, high=1000, zero_means="auto (5; Poincaré: 10)"
    )
    seed: int = param(
        1, "random seed (walks, Word2Vec and Poincaré: the same seed, the same vectors)", low=0
    )
    walk_length: int = param(80, "walks: nodes per walk, the start included", low=2, high=100_000)
    walks_per_node: int = param(10, "walks: walks started from every node", low=1, high=10_000)
    p: float = param(1.0, "node2vec: return parameter (low: walks step back)", low=1e-6, high=1e6)
    q: float = param(
        1.0, "node2vec: in-out parameter (low: walks move outward, high: stay local)",
        low=1e-6, high=1e6,
    )  # fmt: skip
    window: int = param(10, "walks: context nodes each side (Word2Vec window)", low=1, high=1000)
    directed: bool = param(False, "walks follow edges from source to target only")
    batch_size: int = param(10, "Poincaré: relations per batch", low=1, high=1_000_000)
    burn_in: int = param(10, "Poincaré: burn-in epochs (gensim's default 10)", low=0, high=100_000)


def resolved(params: GraphParams) -> GraphParams:
    """``params`` with every 0 ("auto") replaced by the algorithm's default."""
    auto = AUTO[params.algorithm]
    return replace(
        params,
        dims=params.dims or auto["dims"],
        epochs=params.epochs or auto["epochs"],
        negative=params.negative or auto["negative"],
    )
