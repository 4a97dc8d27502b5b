"""c-TF-IDF against a hand computation and word counts against scikit-learn's CountVectorizer."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from embviz.core.tasks import run_task
from embviz.core.topics.ctfidf import (
    ADDRESS_PATTERN,
    TOKEN_PATTERN,
    class_counts,
    count_terms,
    ctfidf,
    top_terms,
)
from embviz.core.topics.stopwords import StopWordsError, stop_words_for


def test_ctfidf_equals_the_hand_computation() -> None:
    # class 0: apple x2, banana; class 1: banana, cherry; class 2: cherry x2, durian
    texts = ["apple banana", "apple", "banana cherry", "cherry durian cherry"]
    terms = run_task(count_terms(texts))
    ids, counts = class_counts(terms.counts, np.array([0, 0, 1, 2]))
    scores = ctfidf(counts).toarray()
    column = {w: i for i, w in enumerate(terms.vocabulary)}
    average_words = (3 + 2 + 3) / 3  # A: words per class, averaged over the classes
    frequency = {"apple": 2, "banana": 2, "cherry": 3, "durian": 1}  # f(t) over all classes
    expected = {
        (0, "apple"): 2 / 3 * math.log(1 + average_words / frequency["apple"]),
        (0, "banana"): 1 / 3 * math.log(1 + average_words / frequency["banana"]),
        (1, "banana"): 1 / 2 * math.log(1 + average_words / frequency["banana"]),
        (1, "cherry"): 1 / 2 * math.log(1 + average_words / frequency["cherry"]),
        (2, "cherry"): 2 / 3 * math.log(1 + average_words / frequency["cherry"]),
        (2, "durian"): 1 / 3 * math.log(1 + average_words / frequency["durian"]),
    }
    assert ids.tolist() == [0, 1, 2]
    for c in range(3):
        for word, j in column.items():
            assert scores[c, j] == pytest.approx(expected.get((c, word), 0.0), rel=1e-12)
    best = top_terms(ctfidf(counts), terms.vocabulary, n_words=1)
    hand_best = [max((v, w) for (k, w), v in expected.items() if k == c)[1] for c in range(3)]
    assert [words[0][0] for words in best] == hand_best == ["apple", "banana", "durian"]


def test_reduce_frequent_words_takes_the_root_of_tf() -> None:
    # BERTopic's reduce_frequent_words: sqrt(tf(t, c)) * log(1 + A / f(t))
    counts = sp.csr_matrix(np.array([[4.0, 0.0, 5.0], [1.0, 9.0, 0.0]]))
    average_words = (9 + 10) / 2
    frequency = [5.0, 9.0, 5.0]
    hand = [
        [math.sqrt(c / sum(row)) * math.log(1 + average_words / f) if c else 0.0
         for c, f in zip(row, frequency, strict=True)]
        for row in ([4, 0, 5], [1, 9, 0])
    ]  # fmt: skip
    scores = ctfidf(counts, reduce_frequent_words=True).toarray()
    assert np.allclose(scores, hand, rtol=1e-12, atol=0)


def test_word_counts_equal_countvectorizer() -> None:
    texts = [
        "The Shuttle's launch was delayed; NASA's shuttle flies in 1993!",
        "Über-große Straßen und café crème, naïve résumé",
        "Mail jo@cs.example.edu or see https://www.example.com/space today",
        "",
        "x y z 42 foo_bar launch LAUNCH",
    ]
    stop = stop_words_for("english")
    ours = run_task(count_terms(texts, stop))
    reference = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(stop),
        preprocessor=lambda t: re.sub(ADDRESS_PATTERN, " ", t.lower()),
    )
    counts = reference.fit_transform(texts).toarray()
    assert not {"edu", "com", "www", "https"} & set(ours.vocabulary)
    names = list(reference.get_feature_names_out())
    assert sorted(ours.vocabulary.tolist()) == sorted(names)
    order = [list(ours.vocabulary).index(name) for name in names]
    assert np.array_equal(ours.counts.toarray()[:, order], counts)


def test_max_df_drops_words_in_most_documents() -> None:
    texts = ["writes space", "writes god", "writes space orbit", "god church"]
    terms = run_task(count_terms(texts, max_df=0.5))
    assert "writes" not in terms.vocabulary  # in 3 of 4 documents
    assert {"space", "god", "orbit", "church"} <= set(terms.vocabulary)


def test_near_repeats_are_not_both_chosen() -> None:
    vocabulary = np.array(["launch", "launches", "economy", "economic", "orbit"], dtype=object)
    scores = sp.csr_matrix(np.array([[5.0, 4.0, 3.0, 2.0, 1.0]]))
    assert [w for w, _ in top_terms(scores, vocabulary, 3)[0]] == ["launch", "economy", "orbit"]


def test_stop_words_in_several_languages() -> None:
    assert {"the", "and", "don"} <= stop_words_for("english")
    assert {"und", "der", "nicht"} <= stop_words_for("german")
    assert {"und", "der"} <= stop_words_for("de")
    assert {"les", "avec"} <= stop_words_for("french")
    assert stop_words_for("none") == frozenset()
    with pytest.raises(StopWordsError, match="Choose one of"):
        stop_words_for("klingon")
