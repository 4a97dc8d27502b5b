"""embviz's own UMAP (umap_graph, umap_sgd, umap_fit) against umap-learn: the graph, its
schedule and spectral start number for number; the layout by trustworthiness on real vectors;
the layout reproducible for a seed whatever the number of threads."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from embviz.reduce import umap_graph
from embviz.reduce.knn import exact_knn


@pytest.fixture(scope="module")
def knn(words):
    x = np.asarray(words.vectors, dtype=np.float32)
    return x, *exact_knn(x, 15, "cosine")


def test_graph_schedule_and_start_equal_umap_learns(knn):
    from umap.spectral import spectral_layout
    from umap.umap_ import find_ab_params, fuzzy_simplicial_set, make_epochs_per_sample
    from umap.umap_ import smooth_knn_dist as their_smooth

    x, indices, distances = knn
    sigma, rho = umap_graph.smooth_knn_dist(distances)
    their_sigma, their_rho = their_smooth(distances, 15.0)
    assert np.allclose(rho, their_rho) and np.allclose(sigma, their_sigma, rtol=1e-4)
    ours = umap_graph.fuzzy_graph(indices, distances)
    theirs = fuzzy_simplicial_set(x, 15, 0, "cosine", knn_indices=indices, knn_dists=distances)[0]
    assert ours.nnz == theirs.nnz and abs(ours - theirs).max() < 1e-5
    weights = ours.tocoo().data.astype(np.float64)
    assert np.allclose(
        umap_graph.epochs_per_sample(weights, 200), make_epochs_per_sample(weights, 200)
    )
    assert np.allclose(umap_graph.find_ab_params(1.0, 0.1), find_ab_params(1.0, 0.1), rtol=1e-4)
    graph = umap_graph.prune(ours, 500)
    start = umap_graph.spectral_start(graph, 2, 0)
    reference = spectral_layout(x, graph, 2, np.random.RandomState(0))
    for axis in range(2):  # eigenvectors up to sign
        corr = np.corrcoef(start[:, axis], reference[:, axis])[0, 1]
        assert abs(corr) > 0.999


def test_layout_is_as_trustworthy_as_umap_learns(tmp_path):
    """1,500 demo words: embviz's layout against umap-learn's (same exact neighbours, seeds 0-1,
    umap-learn in a fresh process of its own), trustworthiness at k = 10 by scikit-learn."""
    from embviz.core.paths import demo_path
    from embviz.io import load
    from embviz.reduce.umap_fit import fit
    from embviz.reduce.umap_process import numba_cache_dir

    demo = load(demo_path())
    rows = np.sort(np.random.default_rng(1).choice(len(demo), 1500, replace=False))
    x = np.asarray(demo.vectors[rows], dtype=np.float32)
    np.save(tmp_path / "x.npy", x)
    script = (
        "import sys, warnings, numpy as np, umap\n"
        "from embviz.reduce.knn import exact_knn\n"
        "from embviz.reduce.umap_process import cache_kernels\n"
        "warnings.simplefilter('ignore')\n"
        "cache_kernels()  # umap-learn's own code, compiled once into numba's disk cache\n"
        "x = np.load(sys.argv[1])\n"
        "for seed in (0, 1):\n"
        "    model = umap.UMAP(metric='cosine', random_state=seed,\n"
        "                      precomputed_knn=(*exact_knn(x, 15, 'cosine'), None))\n"
        "    np.save(f'{sys.argv[2]}{seed}.npy', model.fit_transform(x))\n"
    )
    env = dict(os.environ, NUMBA_CACHE_DIR=numba_cache_dir())
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "x.npy"), str(tmp_path / "ref")],
        check=True,
        timeout=600,
        env=env,
    )
    theirs = [trustworthiness(x, np.load(tmp_path / f"ref{s}.npy"), n_neighbors=10) for s in (0, 1)]
    kwargs = {"metric": "cosine", "n_neighbors": 15, "min_dist": 0.1}
    ours = [
        trustworthiness(x, fit(x, kwargs | {"random_state": s}, lambda _: None)[0], n_neighbors=10)
        for s in (0, 1)
    ]
    assert min(theirs) > 0.8  # a real layout (random placement: about 0.5)
    assert np.mean(ours) >= np.mean(theirs) - 0.005, (ours, theirs)


@pytest.mark.parametrize("staged", [True, False], ids=["staged-every-core", "in-order"])
def test_layout_is_reproducible_for_a_seed_on_any_number_of_threads(knn, staged):
    import numba

    from embviz.reduce.umap_sgd import Optimiser

    x, indices, distances = knn
    graph = umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), 200)
    start = umap_graph.scaled_start(umap_graph.spectral_start(graph, 2, 0), 0)
    a, b = umap_graph.find_ab_params(1.0, 0.1)
    layouts = []
    threads_before = numba.get_num_threads()
    try:
        for threads, seed, chunks in ((1, 7, (200,)), (2, 7, (3, 50, 200)), (2, 8, (200,))):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            optimiser = Optimiser(graph, start, 200, a, b, seed, staged=staged)
            for stop in chunks:  # run in pieces (as partial layouts are sent) or at once
                optimiser.run(stop)
            layouts.append(optimiser.layout)
    finally:
        numba.set_num_threads(threads_before)
    assert np.array_equal(layouts[0], layouts[1])
    assert not np.allclose(layouts[0], layouts[2])  # another seed, another layout
    assert trustworthiness(x, layouts[0], n_neighbors=10) > 0.75  # shuffled: about 0.5


def test_kernels_are_swapped_for_cached_ones_with_the_same_code():
    import importlib

    from embviz.reduce import umap_process

    kernels = [
        (importlib.import_module(module), name)
        for module, names in umap_process.UNCACHED_KERNELS.items()
        for name in names
    ]
    before = {name: getattr(module, name) for module, name in kernels}
    assert not any(umap_process.cached(kernel) for kernel in before.values())  # umap-learn's own
    assert umap_process.cache_kernels() == len(kernels)
    for module, name in kernels:
        kernel = getattr(module, name)
        assert umap_process.cached(kernel) and kernel.py_func is before[name].py_func
        assert kernel.targetoptions == before[name].targetoptions  # parallel, fastmath as before
    assert umap_process.cache_kernels() == 0  # already swapped: nothing to do


def test_a_graph_in_pieces_starts_from_the_principal_axes():
    from sklearn.decomposition import PCA

    from embviz.reduce.umap_fit import principal_start, start_layout

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(600, 12)) * np.arange(1, 13)).astype(np.float32)
    ours = principal_start(x, 2, "euclidean", chunk=128)  # in pieces, as for a large matrix
    reference = PCA(2).fit_transform(x)
    assert np.allclose(np.abs(ours), np.abs(reference), atol=1e-3)
    blobs = np.vstack([x[:300] + 500.0, x[300:] - 500.0])  # two components, no spectral start
    indices, distances = exact_knn(blobs, 15, "euclidean")
    graph = umap_graph.prune(umap_graph.fuzzy_graph(indices, distances), 200)
    assert umap_graph.spectral_start(graph, 2, 0) is None
    start = start_layout(blobs, graph, 2, 0, "euclidean")
    assert start.min() >= 0 and start.max() <= 10.0 + 1e-4  # umap-learn's scaling
    assert abs(np.corrcoef(start[:, 0], principal_start(blobs, 2, "euclidean")[:, 0])[0, 1]) > 0.99


def test_a_fresh_process_loads_every_kernel_from_numbas_disk_cache(tmp_path):
    """The first fit after installing compiles the kernels and writes them to numba's disk cache;
    a later process (``embviz project``, a new worker) must load them all from there, compiling
    nothing: numba's own statistics of each kernel say which signatures came from the cache."""
    script = (
        "import json\n"
        "from embviz.reduce import knn, umap_process, umap_sgd\n"
        "umap_process._compile()  # the worker's warm-up fit: exact neighbours, staged epochs\n"
        "stats = {name: fn.stats for name, fn in (('merge', knn._kernel),"
        " ('epochs', umap_sgd._kernel))}\n"
        "print(json.dumps({name: [sum(s.cache_hits.values()), sum(s.cache_misses.values())]"
        " for name, s in stats.items()}))\n"
    )
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )  # fmt: skip
        for _ in range(2)
    ]
    first, second = (json.loads(run.stdout.strip().splitlines()[-1]) for run in runs)
    assert all(hits == 0 and misses >= 1 for hits, misses in first.values()), first  # compiled
    assert all(hits >= 1 and misses == 0 for hits, misses in second.values()), second  # loaded
