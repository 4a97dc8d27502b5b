"""The neighbour-list entries that share no neighbour with their row (umap_graph.shared_neighbours,
drop_unshared): counts against a sparse product and a hand count, the graph without them
against umap-learn's own fuzzy_simplicial_set given the same lists with those entries marked -1
(its convention for a missing neighbour), and the layout against umap-learn's."""

import numpy as np
import scipy.sparse
from sklearn.manifold import trustworthiness

from embviz.reduce import umap_graph
from embviz.reduce.knn import exact_knn


def _shared_by_product(indices):
    """|N(i) & N(j)| for every listed (i, j), as the (i, j) entry of A A^T with A the lists'
    0/1 matrix: an independent count."""
    n, k = indices.shape
    rows = np.repeat(np.arange(n), k)
    a = scipy.sparse.csr_matrix((np.ones(n * k), (rows, indices.ravel())), shape=(n, n))
    product = (a @ a.T).tocsr()
    return np.asarray(product[rows, indices.ravel()]).reshape(n, k).astype(int)


def test_shared_neighbours_by_hand_and_by_a_sparse_product(words):
    # rows 0-3 list themselves first; 0 and 1 list each other; 3 lists 0, which lists neither
    # 3 nor anything of 3's
    lists = np.array([[0, 1, 2], [1, 0, 2], [2, 1, 0], [3, 0, 1]])
    assert umap_graph.shared_neighbours(lists).tolist() == [
        [3, 3, 3],  # 0 and 1: {0, 1, 2} both; 0 and 2: {0, 1, 2} both
        [3, 3, 3],
        [3, 3, 3],
        [3, 2, 2],  # 3 and 0: {0, 1} of {3, 0, 1}; 3 and 1: the same
    ]
    x = np.asarray(words.vectors, dtype=np.float32)
    indices, _ = exact_knn(x, 15, "cosine")
    ours = umap_graph.shared_neighbours(indices, chunk=37)  # several chunks, one short
    assert np.array_equal(ours, _shared_by_product(indices))
    assert (ours[:, 1:] == 1).any()  # the real lists hold some entries that share nothing


def test_the_graph_without_unshared_entries_is_umap_learns_for_those_lists(words):
    from umap.umap_ import fuzzy_simplicial_set

    x = np.asarray(words.vectors, dtype=np.float32)
    indices, distances = exact_knn(x, 15, "cosine")
    kept = umap_graph.drop_unshared(indices)
    weak = _shared_by_product(indices) < 2
    weak[:, 0] = False
    assert np.array_equal(kept < 0, weak) and weak.any()
    assert np.array_equal(kept[~weak], indices[~weak]) and np.array_equal(
        kept[:, 0], np.arange(len(x))
    )
    ours = umap_graph.fuzzy_graph(kept, distances)
    theirs = fuzzy_simplicial_set(x, 15, 0, "cosine", knn_indices=kept, knn_dists=distances)[0]
    assert ours.nnz == theirs.nnz and abs(ours - theirs).max() < 1e-5
    assert ours.nnz < umap_graph.fuzzy_graph(indices, distances).nnz


def test_dropping_unshared_entries_keeps_the_layout_as_trustworthy_as_umap_learns(words):
    """umap-learn (its own graph of every exact neighbour, its own optimiser) against embviz's
    fit, which leaves the unshared entries out: 400 demo words, seeds 0-2, scikit-learn's
    trustworthiness at k = 10. (The gain this buys at 10,000 rows is measured by
    benchmarks/umap_trust.py; at 400 rows the test asks only that nothing is lost.)"""
    import warnings

    import umap

    from embviz.reduce.umap_fit import fit

    x = np.asarray(words.vectors, dtype=np.float32)
    knn = exact_knn(x, 15, "cosine")
    theirs, ours = [], []
    for seed in (0, 1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = umap.UMAP(metric="cosine", random_state=seed, precomputed_knn=(*knn, None))
            theirs.append(trustworthiness(x, model.fit_transform(x), n_neighbors=10))
        coords, _ = fit(x, {"metric": "cosine", "random_state": seed}, lambda _: None)
        ours.append(trustworthiness(x, coords, n_neighbors=10))
    assert min(theirs) > 0.75  # a real layout (shuffled: about 0.5)
    assert np.mean(ours) >= np.mean(theirs) - 0.005, (ours, theirs)
