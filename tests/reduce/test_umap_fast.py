"""embviz's UMAP (exact neighbours, umap-learn's kernels from numba's disk cache, in a process)
is umap-learn's own fit on the same neighbours, number for number."""

import subprocess
import sys

import numpy as np

from embviz.core.tasks import run_task
from embviz.reduce import projection_task
from embviz.reduce.knn import exact_knn


def test_umap_equals_umap_learn_on_exact_neighbours(words, tmp_path):
    from sklearn.neighbors import NearestNeighbors

    projection = run_task(projection_task(words, "umap", {"seed": 5}))
    ours = projection.coords
    x = np.asarray(words.vectors, dtype=np.float32)
    knn = exact_knn(x, 15, "cosine")
    ref_d, ref_i = NearestNeighbors(n_neighbors=15, metric="cosine").fit(x).kneighbors(x)
    assert np.mean(knn[0] == ref_i) > 0.99 and np.allclose(knn[1], ref_d, atol=2e-5)
    # umap-learn in a fresh process of its own, with the exact neighbours computed there, as
    # embviz's fit does. Computed in the test process after the polysemy lab's tests (torch
    # loaded: other BLAS threading), a few tied neighbours came out in another order, and the
    # layout from them differed; the neighbours themselves are checked against scikit-learn above.
    np.save(tmp_path / "x.npy", x)
    script = (
        "import sys, warnings, numpy as np, umap\n"
        "from embviz.reduce.knn import exact_knn\n"
        "warnings.simplefilter('ignore')\n"
        "x = np.load(sys.argv[1])\n"
        "model = umap.UMAP(metric='cosine', random_state=5,\n"
        "                  precomputed_knn=(*exact_knn(x, 15, 'cosine'), None))\n"
        "np.save(sys.argv[2], model.fit_transform(x))\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "x.npy"), str(tmp_path / "ref.npy")],
        check=True,
        timeout=600,
    )
    reference = np.load(tmp_path / "ref.npy")
    assert np.allclose(ours, reference, atol=1e-4)
    assert projection.info["neighbors"] == "exact neighbours" and not projection.sample_note


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
