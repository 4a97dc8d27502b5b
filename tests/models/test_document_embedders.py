"""Averaged word vectors, TF-IDF-weighted averages, TF-IDF/LSA and Doc2Vec on a real corpus
(gensim's Pang & Lee polarity sentences), each checked against the library run directly."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task
from embviz.io.sample_corpora import sample_rows
from embviz.models.documents.doc2vec import Doc2VecParams
from embviz.models.documents.lsa import LsaParams
from embviz.models.documents.registry import document_embedders, get_document_embedder
from embviz.models.documents.word_average import AverageParams

TEXTS = [row["text"] for row in sample_rows("pang-lee")]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def word_set():
    """Random vectors for the corpus's frequent words, some upper-cased (found by the
    lower-case fallback only when the set has the lower-case form) and some left out."""
    from gensim.utils import tokenize

    counts = Counter(t for text in TEXTS for t in tokenize(text, lowercase=True))
    words = sorted(w for w, n in counts.items() if n >= 2)
    rng = np.random.default_rng(3)
    return EmbeddingSet(words, rng.normal(size=(len(words), 16)).astype(np.float32), name="w")


def test_registry_lists_the_embedders():
    assert {"sentence", "average", "tfidf-average", "lsa", "doc2vec"} <= set(
        document_embedders.names()
    )


def _reference_average(texts, eset, idf=None, unseen=0.0):
    from gensim.utils import tokenize

    result = np.zeros((len(texts), eset.dims))
    for r, text in enumerate(texts):
        total, weight_sum = np.zeros(eset.dims), 0.0
        for token in tokenize(text, lowercase=False):
            word = token if token in eset else token.lower() if token.lower() in eset else None
            if word is None:
                continue
            weight = 1.0 if idf is None else idf.get(token, unseen)
            total += weight * eset.vectors[eset.labels.index(word)].astype(np.float64)
            weight_sum += weight
        if weight_sum:
            result[r] = total / weight_sum
    return result


def test_average_equals_numpy(word_set):
    texts = [*TEXTS[:40], "Xyzzy qwerty", "The FILM is SILLY"]
    result = run_task(
        get_document_embedder("average").embed(texts, AverageParams(word_set=word_set))
    )
    np.testing.assert_allclose(result.vectors, _reference_average(texts, word_set), atol=1e-5)
    assert not result.vectors[40].any() and "1 document(s) hold no word" in result.warnings[0]
    np.testing.assert_allclose(
        result.model.embed_queries(["silly film"]),
        _reference_average(["silly film"], word_set),
        atol=1e-5,
    )


def test_tfidf_average_equals_numpy_with_sklearn_idf(word_set):
    from gensim.utils import tokenize
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = TEXTS[:60]
    vectorizer = TfidfVectorizer(
        tokenizer=lambda t: list(tokenize(t, lowercase=False)), lowercase=False, token_pattern=None
    )
    vectorizer.fit(texts)
    idf = dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_, strict=True))
    params = AverageParams(word_set=word_set)
    result = run_task(get_document_embedder("tfidf-average").embed(texts, params))
    np.testing.assert_allclose(result.vectors, _reference_average(texts, word_set, idf), atol=1e-5)
    plain = run_task(get_document_embedder("average").embed(texts, params))
    assert not np.allclose(plain.vectors, result.vectors)  # the weights do change the vectors


def test_lsa_equals_sklearn_and_reopens_from_the_cache():
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = LsaParams(components=20, min_df=2, max_df=0.9, seed=5)
    vectorizer = TfidfVectorizer(
        max_features=params.max_features,
        min_df=2,
        max_df=0.9,
        stop_words="english",
        sublinear_tf=True,
    )
    svd = TruncatedSVD(n_components=20, random_state=5)
    expected = svd.fit_transform(vectorizer.fit_transform(TEXTS))
    embedder = get_document_embedder("lsa")
    result = run_task(embedder.embed(TEXTS, params))
    np.testing.assert_allclose(result.vectors, expected, atol=1e-5)
    query = ["a funny and moving film"]
    expected_query = svd.transform(vectorizer.transform(query))
    np.testing.assert_allclose(result.model.embed_queries(query), expected_query, atol=1e-5)
    again = run_task(embedder.embed(TEXTS, params))  # vocabulary, idf, components from disk
    assert again.from_cache
    np.testing.assert_allclose(again.model.embed_queries(query), expected_query, atol=1e-5)


def test_doc2vec_equals_gensim_trained_directly():
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument
    from gensim.utils import simple_preprocess

    params = Doc2VecParams(vector_size=16, epochs=5, min_count=2, seed=11)
    documents = [TaggedDocument(simple_preprocess(t), [i]) for i, t in enumerate(TEXTS)]
    direct = Doc2Vec(
        documents, vector_size=16, epochs=5, window=5, min_count=2, dm=1, seed=11, workers=1
    )
    embedder = get_document_embedder("doc2vec")
    result = run_task(embedder.embed(TEXTS, params))
    np.testing.assert_allclose(result.vectors, direct.dv.vectors, atol=1e-6)
    first = result.model.embed_queries(["a funny film"])
    np.testing.assert_array_equal(first, result.model.embed_queries(["a funny film"]))
    assert first.shape == (1, 16)
    # gensim's own infer_vector, started from the same (CRC-32 seeded) vector
    import zlib

    import gensim.models.doc2vec as gensim_doc2vec
    from gensim.models.keyedvectors import pseudorandom_weak_vector

    def crc_start(size, seed_string=None):
        return pseudorandom_weak_vector(
            size, seed_string, hashfxn=lambda s: zlib.crc32(s.encode("utf-8"))
        )

    original = gensim_doc2vec.pseudorandom_weak_vector
    gensim_doc2vec.pseudorandom_weak_vector = crc_start
    try:
        direct.random = np.random.RandomState(11)
        expected = direct.infer_vector(simple_preprocess("a funny film"))
    finally:
        gensim_doc2vec.pseudorandom_weak_vector = original
    np.testing.assert_allclose(first[0], expected, atol=1e-6)
    again = run_task(embedder.embed(TEXTS, params))
    assert again.from_cache
    np.testing.assert_array_equal(np.asarray(again.vectors), result.vectors)


def test_doc2vec_cancel_stops_training():
    """4,000 documents x 200 epochs take half a minute; Cancel after the first epoch ends the
    training thread at the end of the epoch under way."""
    import threading
    import time

    texts = [f"{t} {i}" for i in range(20) for t in TEXTS]
    params = Doc2VecParams(epochs=200, vector_size=8)
    task = get_document_embedder("doc2vec").embed(texts, params, cache=False)
    for progress in task:
        if progress.fraction:  # the first epoch finished
            break
    started = time.perf_counter()
    task.close()

    def training() -> bool:
        return any(t.name == "embviz-doc2vec" for t in threading.enumerate())

    while training() and time.perf_counter() - started < 10:
        time.sleep(0.05)
    assert not training()
    assert time.perf_counter() - started < 5
