"""Unseen words of a fastText model get gensim's composed vectors everywhere: neighbours,
expressions, analogies, custom axes, the API and the CLI; the results say so."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gensim.models.fasttext import load_facebook_model
from gensim.test.utils import datapath

import embviz
from embviz.cli import main
from embviz.core.analogy import solve
from embviz.core.errors import EmbvizError
from embviz.core.neighbors import neighbors

BIN = datapath("lee_fasttext.bin")
UNSEEN = "governmentt"


@pytest.fixture(scope="module")
def eset():
    return embviz.load(BIN)


@pytest.fixture(scope="module")
def wv():
    return load_facebook_model(BIN).wv  # gensim's own loader and most_similar: the reference


def _same(labels, scores, expected):
    assert labels == [w for w, _ in expected]
    np.testing.assert_allclose(scores, [s for _, s in expected], atol=1e-5)


def test_unseen_word_neighbours_equal_gensim(eset, wv):
    assert UNSEEN not in eset and UNSEEN not in wv.key_to_index
    result = neighbors(eset, UNSEEN, k=10)
    _same(result.labels, result.scores, wv.most_similar(UNSEEN, topn=10))
    assert result.composed == [UNSEEN]
    assert result.query_rows == []
    assert result.title == f"{UNSEEN} (composed from sub-words)"
    assert result.to_json()["composed"] is True


def test_expressions_with_unseen_words_equal_gensim(eset, wv):
    result = neighbors(eset, f"{UNSEEN} - military + peoplee", k=8)
    expected = wv.most_similar(positive=[UNSEEN, "peoplee"], negative=["military"], topn=8)
    _same(result.labels, result.scores, expected)
    assert result.composed == [UNSEEN, "peoplee"]
    assert result.query_rows == [eset.index_of("military")]
    assert "'peoplee' (composed from sub-words)" in result.describe()


def test_euclidean_and_centred_queries_use_the_raw_composed_vector(eset, wv):
    composed = wv.get_vector(UNSEEN).astype(np.float64)
    vectors = eset.vectors.astype(np.float64)
    result = neighbors(eset, UNSEEN, k=5, metric="euclidean")
    distances = np.linalg.norm(vectors - composed, axis=1)
    order = np.argsort(distances)[:5]
    assert result.labels == [eset.labels[i] for i in order]
    np.testing.assert_allclose(result.scores, distances[order], atol=1e-4)
    centred = neighbors(eset, UNSEEN, k=5, center=True)
    mean = vectors.mean(axis=0)
    rows, q = vectors - mean, composed - mean
    cos = rows @ q / (np.linalg.norm(rows, axis=1) * np.linalg.norm(q))
    order = np.argsort(-cos)[:5]
    assert centred.labels == [eset.labels[i] for i in order]


@pytest.mark.parametrize(
    ("a", "b", "c"), [("military", UNSEEN, "people"), (UNSEEN, "army", "peoplee")]
)
def test_analogies_with_unseen_words_equal_gensim(eset, wv, a, b, c):
    add = solve(eset, a, b, c, k=10)
    _same(add.labels, add.scores, wv.most_similar(positive=[b, c], negative=[a], topn=10))
    mul = solve(eset, a, b, c, k=10, method="3cosmul")
    _same(mul.labels, mul.scores, wv.most_similar_cosmul(positive=[b, c], negative=[a], topn=10))
    assert add.composed == [w for w in (a, b, c) if w not in eset]
    assert -1 in add.input_rows
    assert add.to_json()["composed"] is True


def test_api_marks_composed_results(eset, wv):
    pairs = embviz.neighbors(eset, UNSEEN, k=3)
    assert pairs.composed == [UNSEEN]
    _same([w for w, _ in pairs], [s for _, s in pairs], wv.most_similar(UNSEEN, topn=3))
    assert embviz.neighbors(eset, "government", k=3).composed == []
    assert embviz.analogy(eset, "military", UNSEEN, "people", k=2).composed == [UNSEEN]


def test_custom_axes_with_an_unseen_word(eset, wv):
    coords = embviz.project(eset, "custom", x_axis=f"{UNSEEN} - military", y_axis="army - people")
    unit = eset.unit_vectors().astype(np.float64)
    composed = wv.get_vector(UNSEEN).astype(np.float64)
    direction = composed / np.linalg.norm(composed) - unit[eset.index_of("military")]
    direction /= np.linalg.norm(direction)
    np.testing.assert_allclose(coords[:, 0], unit @ direction, atol=1e-5)


def test_sets_without_subwords_still_refuse_unknown_words():
    plain = embviz.load(datapath("lee_fasttext.vec"))
    with pytest.raises(EmbvizError, match="not a label"):
        neighbors(plain, UNSEEN)
    with pytest.raises(EmbvizError, match="not a label"):
        solve(plain, "military", UNSEEN, "people")


def test_cli_neighbours_and_analogy_say_composed(capsys, wv):
    assert main(["neighbors", BIN, UNSEEN, "-k", "5"]) == 0
    text = capsys.readouterr().out
    assert "(composed from sub-words)" in text
    assert main(["neighbors", BIN, UNSEEN, "-k", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["composed"] is True
    expected = wv.most_similar(UNSEEN, topn=5)
    _same([x["label"] for x in out["neighbors"]], [x["score"] for x in out["neighbors"]], expected)
    assert main(["analogy", BIN, "military", UNSEEN, "people", "-k", "3"]) == 0
    assert "(composed from sub-words)" in capsys.readouterr().out
    assert main(["analogy", BIN, "military", UNSEEN, "people", "-k", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["composed"] is True


def test_cli_pieces_of_a_fasttext_model(capsys, wv):
    from gensim.models.fasttext import ft_ngram_hashes

    assert main(["pieces", UNSEEN, "--model", BIN, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ids"] == list(ft_ngram_hashes(UNSEEN, wv.min_n, wv.max_n, wv.bucket))
    assert out["words"][0]["composed"] is True and len(out["pieces"]) == len(out["ids"])
    assert main(["pieces", UNSEEN, "--model", BIN]) == 0
    assert "composed from sub-words" in capsys.readouterr().out
    assert main(["pieces", UNSEEN, "--model", datapath("lee_fasttext.vec")]) == 2
    assert "n-gram vectors" in capsys.readouterr().err


def test_plain_word_search_composes_unseen_words_as_gensim_does(eset, wv):
    """The search-in-plain-words panel's core: a fastText set searches an unseen word by its
    composed vector (gensim's most_similar is the reference), and a two-word query by the mean
    of the words' unit vectors, as fastText's sentence vectors are made."""
    from embviz.core.semantic_search import find_query_embedder, semantic_search_task
    from embviz.core.tasks import run_task

    result = run_task(semantic_search_task(eset, UNSEEN, k=10))
    _same([eset.labels[r] for r in result.rows], result.scores, wv.most_similar(UNSEEN, topn=10))
    embedder = find_query_embedder(eset)
    assert embedder is not None
    embedder.embed_queries([f"{UNSEEN} police"])
    assert embedder.composed == [UNSEEN]  # the word that had no row

    two = run_task(semantic_search_task(eset, f"{UNSEEN} police", k=5))
    unit = [wv.get_vector(w) / np.linalg.norm(wv.get_vector(w)) for w in (UNSEEN, "police")]
    expected = wv.similar_by_vector(np.mean(unit, axis=0), topn=5)
    _same([eset.labels[r] for r in two.rows], two.scores, expected)
    assert find_query_embedder(embviz.load(datapath("lee_fasttext.vec"))) is None
