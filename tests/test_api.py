"""The public API gives what gensim and scikit-learn compute on the same vectors, and what the CLI
prints with --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz import EmbeddingSet, EmbvizError

VECTORS = datapath("euclidean_vectors.bin")  # 2,747 words x 10 dims, word2vec binary
QUESTIONS = datapath("questions-words.txt")
PAIRS = datapath("wordsim353.tsv")
WORDS = ["man", "king", "paris", "good", "australia", "said"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def eset() -> EmbeddingSet:
    return embviz.load(VECTORS)


@pytest.fixture(scope="module")
def kv() -> KeyedVectors:
    """gensim's own reading of the same file: nothing of ours in between."""
    return KeyedVectors.load_word2vec_format(VECTORS, binary=True)


@pytest.fixture(scope="module")
def questions(tmp_path_factory) -> Path:
    """The first 25 questions of every section (gensim answers one at a time, slowly)."""
    path = tmp_path_factory.mktemp("api") / "questions.txt"
    out, count = [], 0
    for line in open(QUESTIONS, encoding="utf-8"):
        count = 0 if line.startswith(": ") else count + 1
        if count <= 25:
            out.append(line)
    path.write_text("".join(out), encoding="utf-8")
    return path


def _cli(*args: str) -> str:
    """What `embviz ARGS` prints (a fresh process, as a person runs it)."""
    done = subprocess.run(
        [sys.executable, "-m", "embviz", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _same_ranking(ours: list[tuple[str, float]], theirs: list[tuple[str, float]]) -> None:
    assert [label for label, _ in ours] == [label for label, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5, rtol=0)


# neighbours and analogies ------------------------------------------------------------------------
@pytest.mark.parametrize("word", WORDS)
def test_neighbors_of_a_label_equal_gensim_most_similar(eset, kv, word):
    _same_ranking(embviz.neighbors(eset, word, k=10), kv.most_similar(word, topn=10))


def test_neighbors_of_an_expression_equal_gensim_positive_negative(eset, kv):
    ours = embviz.neighbors(eset, "king - man + woman", k=8)
    _same_ranking(ours, kv.most_similar(positive=["king", "woman"], negative=["man"], topn=8))


def test_euclidean_neighbors_are_the_nearest_by_distance(eset, kv):
    vectors = kv.vectors.astype(np.float64)
    row = kv.key_to_index["paris"]
    dist = np.linalg.norm(vectors - vectors[row], axis=1)
    dist[row] = np.inf  # the query word is left out
    order = np.argsort(dist, kind="stable")[:10]
    expected = [(kv.index_to_key[i], float(dist[i])) for i in order]
    _same_ranking(embviz.neighbors(eset, "paris", k=10, metric="euclidean"), expected)


@pytest.mark.parametrize(
    ("a", "b", "c"), [("man", "king", "woman"), ("france", "paris", "england")]
)
def test_analogy_equals_gensim(eset, kv, a, b, c):
    _same_ranking(
        embviz.analogy(eset, a, b, c, k=5),
        kv.most_similar(positive=[b, c], negative=[a], topn=5),
    )
    _same_ranking(
        embviz.analogy(eset, a, b, c, k=5, method="3cosmul"),
        kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5),
    )


# projections -------------------------------------------------------------------------------------
def test_pca_equals_scikit_learn_up_to_sign(eset, kv):
    from sklearn.decomposition import PCA

    for dims in (2, 3):
        ours = embviz.project(eset, "pca", dims=dims)
        assert ours.shape == (len(eset), dims) and ours.dtype == np.float32
        theirs = PCA(n_components=dims).fit_transform(kv.vectors.astype(np.float64))
        signs = np.sign((ours * theirs).sum(axis=0))
        assert np.all(signs != 0)
        np.testing.assert_allclose(ours, theirs * signs, atol=1e-4 * np.abs(theirs).max())


def test_a_layout_is_kept_with_its_set_and_never_outlives_its_vectors(kv):
    from sklearn.decomposition import PCA

    from embviz.core.params import as_dict
    from embviz.core.projection import cached_projection
    from embviz.reduce.pca import PCAParams

    vectors = kv.vectors[:300].astype(np.float32)
    own = EmbeddingSet(kv.index_to_key[:300], vectors.copy(), name="own")
    first = embviz.project(own, "pca")
    kept = cached_projection(own, "pca", as_dict(PCAParams()), 2)
    assert kept is not None and np.array_equal(kept.coords, first)
    first[:] = 0  # the caller's copy: the kept layout is not touched
    again = embviz.project(own, "pca")
    expected = PCA(2).fit_transform(vectors.astype(np.float64))
    np.testing.assert_allclose(np.abs(again), np.abs(expected), atol=1e-4)
    rolled = np.roll(vectors, 1, axis=0)  # each row gets another row's vector
    own.replace_vectors(rolled)
    changed = embviz.project(own, "pca")
    expected = PCA(2).fit_transform(rolled.astype(np.float64))
    np.testing.assert_allclose(np.abs(changed), np.abs(expected), atol=1e-3)
    assert not np.allclose(np.abs(changed), np.abs(again), atol=1e-2)


@pytest.fixture(scope="module")
def small(eset) -> EmbeddingSet:
    """600 rows: enough structure for a trustworthiness figure, small enough for a test."""
    return EmbeddingSet(eset.labels[:600], eset.vectors[:600], name="first 600")


@pytest.mark.parametrize(
    ("method", "params"),
    [("tsne", {"perplexity": 20, "iterations": 250}), ("umap", {"n_neighbors": 15})],
)
def test_tsne_and_umap_keep_neighbourhoods(small, method, params):
    from sklearn.decomposition import PCA
    from sklearn.manifold import trustworthiness

    coords = embviz.project(small, method, seed=1, **params)
    assert coords.shape == (len(small), 2) and coords.dtype == np.float32
    assert np.isfinite(coords).all()
    x = small.vectors.astype(np.float64)
    trust = trustworthiness(x, coords, n_neighbors=10, metric="cosine")
    pca_trust = trustworthiness(x, PCA(2).fit_transform(x), n_neighbors=10, metric="cosine")
    # A neighbourhood-preserving layout of 10-D data keeps clearly more neighbours than the
    # linear 2-D PCA shadow does, and far more than chance (about 0.5).
    assert trust > max(0.8, pca_trust + 0.02), (trust, pca_trust)


# benchmarks --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> tuple[EmbeddingSet, KeyedVectors]:
    """The bundled demo (21,721 words x 384), read by us and, for gensim, by numpy directly:
    10-D vectors answer no analogy right, these answer many."""
    from embviz.core.paths import demo_path

    arrays = np.load(demo_path(), allow_pickle=False)
    kv = KeyedVectors(arrays["vectors"].shape[1])
    kv.add_vectors([str(w) for w in arrays["labels"]], arrays["vectors"].astype(np.float32))
    return embviz.load(demo_path()), kv


def test_evaluate_analogies_equals_gensim(demo, questions):
    eset, kv = demo
    ours = embviz.evaluate(eset, analogies=questions)
    score, sections = kv.evaluate_word_analogies(str(questions))
    assert ours["accuracy"] == pytest.approx(score, abs=1e-12)
    assert ours["total"] == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert ours["correct"] == len(sections[-1]["correct"]) > 0
    assert [s["name"] for s in ours["sections"]] == [s["section"] for s in sections[:-1]]
    for mine, theirs in zip(ours["sections"], sections[:-1], strict=True):
        assert mine["correct"] == len(theirs["correct"])
        assert mine["total"] == len(theirs["correct"]) + len(theirs["incorrect"])


def test_evaluate_similarity_equals_gensim(eset, kv):
    ours = embviz.evaluate(eset, similarity=PAIRS)
    pearson, spearman, oov = kv.evaluate_word_pairs(PAIRS)
    assert ours["pearson"] == pytest.approx(pearson.statistic, abs=1e-5)
    assert ours["spearman"] == pytest.approx(spearman.statistic, abs=1e-5)
    asked = ours["pairs"] + ours["skipped"]
    assert 100.0 * ours["skipped"] / asked == pytest.approx(oov)


# the same numbers as the CLI ----------------------------------------------------------------------
def test_api_equals_what_the_cli_prints(eset, demo, questions, tmp_path):
    printed = json.loads(_cli("neighbors", VECTORS, "king - man + woman", "-k", "7", "--json"))
    assert [(n["label"], n["score"]) for n in printed["neighbors"]] == embviz.neighbors(
        eset, "king - man + woman", k=7
    )
    printed = json.loads(
        _cli("analogy", VECTORS, "man", "king", "woman", "-k", "4", "--method", "3cosmul", "--json")
    )
    assert [(r["label"], r["score"]) for r in printed["results"]] == embviz.analogy(
        eset, "man", "king", "woman", k=4, method="3cosmul"
    )
    demo_file = demo[0].source.path
    printed = json.loads(_cli("evaluate", demo_file, "--analogies", str(questions), "--json"))
    assert printed == embviz.evaluate(demo[0], analogies=questions)
    assert printed["correct"] > 0
    printed = json.loads(_cli("evaluate", VECTORS, "--similarity", PAIRS, "--json"))
    assert printed == embviz.evaluate(eset, similarity=PAIRS)
    out = tmp_path / "xy.npy"
    _cli("project", VECTORS, "--method", "pca", "--param", "y_component=3", "-o", str(out))
    np.testing.assert_array_equal(np.load(out), embviz.project(eset, "pca", y_component=3))


# bad arguments -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: embviz.neighbors("vectors.bin", "king"), "Expected an EmbeddingSet"),
        (lambda e: embviz.neighbors(e, "king", k=0), "k must be between 1"),
        (lambda e: embviz.neighbors(e, "king", k="5"), "k must be a whole number"),
        (lambda e: embviz.neighbors(e, "", k=5), "query must be a non-empty string"),
        (lambda e: embviz.neighbors(e, "king", metric="manhattan"), "Unknown metric"),
        (lambda e: embviz.neighbors(e, "kingg"), "kingg"),
        (lambda e: embviz.analogy(e, "man", "king", "wommman"), "'wommman' is not a label"),
        (lambda e: embviz.analogy(e, "man", "king", "woman", method="add"), "Unknown method"),
        (lambda e: embviz.project(e, "pcaa"), "pcaa"),
        (lambda e: embviz.project(e, "pca", dims=4), "dims must be 2 or 3"),
        (lambda e: embviz.project(e, "tsne", perplexty=5), "no parameter 'perplexty'"),
        (lambda e: embviz.project(e, "tsne", perplexity=0.5), "perplexity must be at least 2"),
        (lambda e: embviz.evaluate(e), "exactly one benchmark file"),
        (lambda e: embviz.evaluate(e, analogies=QUESTIONS, similarity=PAIRS), "exactly one"),
        (lambda e: embviz.evaluate(e, analogies="/no/such/file.txt"), "/no/such/file.txt"),
    ],
)
def test_bad_arguments_raise_a_clear_error(eset, call, message):
    with pytest.raises(EmbvizError, match=message.replace("(", r"\(")):
        call(eset)


def test_import_embviz_stays_light():
    code = (
        "import sys, embviz; embviz.neighbors, embviz.project; "
        "print(sorted(m for m in ('PySide6', 'shiboken6', 'pyqtgraph', 'torch', 'umap', "
        "'openTSNE', 'sklearn', 'transformers', 'numba') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
