"""Aligned layouts: a word sits in the same place in every layout of a sequence."""

from __future__ import annotations

import importlib
import multiprocessing
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from embviz.core.compare.sequence import sequence_from_arrays, sequence_from_sets
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task
from embviz.reduce.aligned import aligned_layouts, procrustes_onto


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1):
        yield


def _rotation(dims, seed=0):
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dims, dims)))
    return q * np.sign(np.diag(r))


def _rotated_shuffled(words, seed=0):
    """The same words rotated by a random orthogonal matrix, listed in another order."""
    order = np.random.default_rng(seed).permutation(len(words))
    vectors = (words.vectors.astype(np.float64) @ _rotation(words.dims, seed))[order]
    return EmbeddingSet([words.labels[i] for i in order], vectors.astype(np.float32))


def _spread(layout):
    return float(np.sqrt(((layout - layout.mean(axis=0)) ** 2).sum(axis=1).mean()))


def test_procrustes_pca_layouts_of_a_rotated_copy_coincide(words):
    other = _rotated_shuffled(words)
    sequence = sequence_from_sets([words, other])
    first, second = run_task(sequence.layouts("pca"))
    rows = [other.index_of(label) for label in words.labels]
    np.testing.assert_allclose(second[rows], first, atol=1e-3 * _spread(first))
    # without the alignment they do not coincide (the rotated set's PCA axes flip)
    from embviz.reduce.pca import pca_components

    mean, comps, _ = pca_components(other.vectors, 2)
    own = ((other.vectors - mean) @ comps.T)[rows]
    assert np.abs(own - first).max() > 0.1 * _spread(first)


def test_procrustes_onto_undoes_a_2d_rotation_and_shift():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=(50, 2))
    angle = 1.1
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = ref @ rot * np.array([1, -1]) + 5.0  # rotated, reflected, shifted
    aligned = procrustes_onto(moved, ref, {i: i for i in range(50)})
    np.testing.assert_allclose(aligned, ref, atol=1e-5)


def test_tsne_sequence_starts_from_the_previous_layout(words):
    """A next "epoch" (the same words, a little noise, rotated and reordered): started from the
    previous layout, words stay much closer to where they were than with an independent t-SNE
    aligned afterwards, and far closer than two random words."""
    from embviz.reduce.aligned import _tsne

    rng = np.random.default_rng(3)
    a = EmbeddingSet(words.labels[:200], words.vectors[:200])
    noise = rng.normal(0, 0.02, a.vectors.shape).astype(np.float32)
    b = _rotated_shuffled(EmbeddingSet(a.labels, a.vectors + noise), seed=2)
    sequence = sequence_from_sets([a, b])
    shared = sequence.relations[0]
    src, dst = np.fromiter(shared, int), np.fromiter(shared.values(), int)
    params = {"perplexity": 10, "early_iterations": 100, "iterations": 100}
    progress = []
    first, second = run_task(sequence.layouts("tsne", seed=0, **params), progress.append)
    assert first.shape == second.shape == (200, 2)
    assert any("t-SNE iteration" in p.message for p in progress)
    gap = np.median(np.linalg.norm(first[src] - second[dst], axis=1))
    shuffled = np.random.default_rng(0).permutation(src)
    random_gap = np.median(np.linalg.norm(first[src] - first[shuffled], axis=1))
    alone = procrustes_onto(run_task(_tsne(b.vectors, None, params, 0, "b")), first, shared)
    alone_gap = np.median(np.linalg.norm(first[src] - alone[dst], axis=1))
    assert gap < 0.25 * random_gap
    assert gap < 0.6 * alone_gap


def test_sequence_from_arrays_and_bad_input():
    rng = np.random.default_rng(0)
    labels = [f"w{i}" for i in range(20)]
    layers = [rng.normal(size=(20, 5)) for _ in range(3)]
    sequence = sequence_from_arrays(labels, layers, ["layer 0", "layer 1", "layer 2"])
    assert len(sequence) == 3 and sequence.relations[1] == {i: i for i in range(20)}
    layouts = run_task(sequence.layouts("pca"))
    assert [x.shape for x in layouts] == [(20, 2)] * 3
    with pytest.raises(EmbvizError, match="share no labels"):
        sequence_from_arrays([labels, [f"x{i}" for i in range(20)]], layers[:2])
    with pytest.raises(EmbvizError, match="need 1 relations"):
        run_task(aligned_layouts(layers[:2], [], "pca"))
    with pytest.raises(EmbvizError, match="Unknown aligned layout"):
        run_task(aligned_layouts(layers[:2], [{0: 0}], "mds"))


class _InProcess:
    """ChildCall's interface, the call made here: the fit's numba code (uncached) is compiled
    once in this process for both sides, not again in a child (~50 s). The child itself is
    checked by test_cancelling_aligned_umap_kills_its_work."""

    def __init__(self, module: str, *, warm=()) -> None:
        self.module = importlib.import_module(module)

    def run(self, function, *args, message="", fraction=None, timed=False, **kwargs):
        return getattr(self.module, function)(*args, **kwargs)
        yield  # a task, as ChildCall.run's


@pytest.mark.slow
def test_aligned_umap_wrapper_equals_umap_aligned_umap(words, monkeypatch):
    """Slow: umap-learn compiles AlignedUMAP's numba functions (uncached) on first use."""
    umap = pytest.importorskip("umap")
    monkeypatch.setattr("embviz.core.child_call.ChildCall", _InProcess)
    a = EmbeddingSet(words.labels[:120], words.vectors[:120])
    b = EmbeddingSet(words.labels[60:200], words.vectors[60:200] * 2.0)
    sequence = sequence_from_sets([a, b])
    ours = run_task(sequence.layouts("aligned-umap", seed=4, n_neighbors=10))
    relations = [{i: i - 60 for i in range(60, 120)}]
    assert sequence.relations == relations
    direct = umap.AlignedUMAP(n_neighbors=10, metric="cosine", random_state=4).fit(
        [a.vectors, b.vectors], relations=relations
    )
    for mine, theirs in zip(ours, direct.embeddings_, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-6)


def test_cancelling_aligned_umap_kills_its_work(words):
    """AlignedUMAP's numba code cannot be interrupted: the fit runs in a child process, and
    closing the task (Cancel) ends it at once instead of leaving it busy on the cores."""
    pytest.importorskip("umap")
    a = EmbeddingSet(words.labels[:120], words.vectors[:120])
    b = EmbeddingSet(words.labels[60:200], words.vectors[60:200])
    task = sequence_from_sets([a, b]).layouts("aligned-umap", seed=0)
    before = set(multiprocessing.active_children())
    messages = [next(task).message for _ in range(12)]  # the child is started and waited on
    working = [p for p in multiprocessing.active_children() if p not in before]
    assert len(working) == 1 and working[0].is_alive()
    assert messages[-1].startswith("AlignedUMAP: fitting 2 sets (") and messages[-1].endswith(" s)")
    started = time.perf_counter()
    task.close()
    assert time.perf_counter() - started < 2.0
    assert not working[0].is_alive()


def test_a_sequence_linked_through_a_pairs_file():
    """English and Italian vectors linked by gensim's EN-IT dictionary: the relation maps each
    English row to its Italian row, and the aligned layouts come out one per language."""
    gensim_utils = pytest.importorskip("gensim.test.utils")
    import embviz
    from embviz.core.compare import pair_sets

    en = embviz.load(gensim_utils.datapath("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt"))
    it = embviz.load(gensim_utils.datapath("IT.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt"))
    pairing = pair_sets(en, it, gensim_utils.datapath("OPUS_en_it_europarl_train_one2ten.txt"))
    sequence = sequence_from_sets([en, it], pairings=[pairing])
    relation = sequence.relations[0]
    assert len(relation) == 20
    assert it.labels[relation[en.index_of("dog")]] == "cane"
    first, second = run_task(sequence.layouts("pca"))
    assert first.shape == second.shape == (20, 2)
    with pytest.raises(EmbvizError, match="need 1 pairings"):
        sequence_from_sets([en, it], pairings=[])
