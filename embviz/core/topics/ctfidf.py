"""Class-based TF-IDF (c-TF-IDF), as BERTopic defines it, to name clusters of documents.

For class (cluster) c and term t (Grootendorst 2022, "BERTopic", eq. 1; BERTopic's
``ClassTfidfTransformer``)::

    W(t, c) = tf(t, c) * log(1 + A / f(t))

where ``tf(t, c)`` is the frequency of t in c's documents divided by the number of words in c (the
L1-normalised row, as BERTopic does), ``f(t)`` the frequency of t over all classes and ``A`` the
average number of words per class. BERTopic rounds ``A`` down to an integer; here it is the exact
mean, as the paper writes it.

The documents are counted once (a sparse documents x terms matrix) and every level of clusters is
named from that one matrix by summing rows per class, so naming a second level costs a sparse
product, not another pass over the text.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.tasks import Progress

if TYPE_CHECKING:  # SciPy is imported where it is used: the window's start does not pay for it
    import scipy.sparse as sp

# Words of two or more letters (no digits, no underscores): numbers and codes name nothing.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
# E-mail addresses and web addresses are removed before counting: their pieces ("edu", "com",
# "www", a host name) would otherwise name every cluster of mail, forum posts or web pages.
ADDRESS_PATTERN = r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+"


@dataclass(frozen=True)
class DocumentTerms:
    """Word counts of each document (CSR, documents x terms) and the vocabulary."""

    counts: sp.csr_matrix
    vocabulary: np.ndarray  # str object array, one per column


def count_terms(
    texts: Sequence[str],
    stop_words: Iterable[str] = (),
    *,
    max_df: float = 1.0,
    chunk: int = 5000,
) -> Generator[Progress, None, DocumentTerms]:
    """Lower-cased word counts per document, stop words removed (a task: yields per chunk).

    The same tokens as scikit-learn's ``CountVectorizer(token_pattern=TOKEN_PATTERN)`` once
    addresses (:data:`ADDRESS_PATTERN`) are blanked out; counted
    here in chunks so that a long run can be cancelled between them. ``max_df``: words found in
    more than this fraction of the documents are dropped (as CountVectorizer's ``max_df``): they
    describe the whole corpus (a newsgroup's "writes", "article", "edu"), not one topic.
    """
    import re

    find_words = re.compile(TOKEN_PATTERN).findall
    blank_addresses = re.compile(ADDRESS_PATTERN).sub
    stop = frozenset(stop_words)
    vocabulary: dict[str, int] = {}
    index = vocabulary.setdefault
    columns: list[int] = []
    values: list[int] = []
    indptr = [0]
    n = len(texts)
    for start in range(0, n, chunk):
        for text in texts[start : start + chunk]:
            counted = Counter(find_words(blank_addresses(" ", str(text).lower())))
            for word, count in counted.items():
                if word not in stop:
                    columns.append(index(word, len(vocabulary)))
                    values.append(count)
            indptr.append(len(columns))
        yield Progress(
            min(start + chunk, n) / max(n, 1), f"Counting words: {min(start + chunk, n):,} of {n:,}"
        )
    import scipy.sparse as sp

    counts = sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(columns, dtype=np.int64), indptr),
        shape=(n, len(vocabulary)),
    )
    words = np.empty(len(vocabulary), dtype=object)
    words[list(vocabulary.values())] = list(vocabulary.keys())
    if max_df < 1.0 and len(words):
        document_frequency = np.bincount(counts.indices, minlength=len(words))
        keep = np.flatnonzero(document_frequency <= max(1.0, max_df * n))
        if len(keep) < len(words):
            counts, words = sp.csr_matrix(counts[:, keep]), words[keep]
    return DocumentTerms(counts, words)


def class_counts(counts: sp.csr_matrix, classes: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
    """Sum the documents' rows per class: (the sorted class ids, classes x terms counts)."""
    import scipy.sparse as sp

    classes = np.asarray(classes)
    ids, index = np.unique(classes, return_inverse=True)
    member = sp.csr_matrix(
        (np.ones(len(classes)), (index, np.arange(len(classes)))), shape=(len(ids), len(classes))
    )
    summed: sp.csr_matrix = sp.csr_matrix(member @ counts)
    return ids, summed


def ctfidf(class_term_counts: sp.spmatrix, *, reduce_frequent_words: bool = False) -> sp.csr_matrix:
    """W(t, c) = tf(t, c) * log(1 + A / f(t)) for a classes x terms count matrix.

    ``reduce_frequent_words``: BERTopic's option of the same name, the square root of tf, which
    keeps words frequent in every class of a corpus ("said" in news) from naming its topics.
    """
    import scipy.sparse as sp

    counts = sp.csr_matrix(class_term_counts, dtype=np.float64)
    words_per_class = np.asarray(counts.sum(axis=1)).ravel()
    term_frequency = np.asarray(counts.sum(axis=0)).ravel()
    average_words = float(words_per_class.mean()) if len(words_per_class) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        idf = np.where(term_frequency > 0, np.log1p(average_words / term_frequency), 0.0)
        row_scale = np.where(words_per_class > 0, 1.0 / words_per_class, 0.0)
    tf = sp.csr_matrix(sp.diags(row_scale) @ counts)
    if reduce_frequent_words:
        tf.data = np.sqrt(tf.data)
    scores: sp.csr_matrix = sp.csr_matrix(tf @ sp.diags(idf))
    return scores


def _too_close(word: str, chosen: list[str]) -> bool:
    """A word that repeats one already chosen: one begins the other ("launch", "launches"), or
    they share most of a long beginning ("economy", "economic"; "detainees", "detained")."""
    for other in chosen:
        if word.startswith(other) or other.startswith(word):
            return True
        shared = len(os.path.commonprefix([word, other]))
        if shared >= max(5, 0.8 * min(len(word), len(other))):
            return True
    return False


def top_terms(
    scores: sp.csr_matrix, vocabulary: np.ndarray, n_words: int = 3
) -> list[list[tuple[str, float]]]:
    """Per class row, its best ``n_words`` terms with their scores (near-repeats skipped)."""
    result: list[list[tuple[str, float]]] = []
    for row in range(scores.shape[0]):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        values = scores.data[start:end]
        columns = scores.indices[start:end]
        keep = max(50, 10 * n_words)
        if len(values) > keep:  # only the best few need sorting
            best = np.argpartition(-values, keep)[:keep]
            values, columns = values[best], columns[best]
        order = np.lexsort((vocabulary[columns].astype(str), -values))  # ties: alphabetical
        chosen: list[tuple[str, float]] = []
        for position in order:
            if values[position] <= 0:
                break
            word = str(vocabulary[columns[position]])
            if _too_close(word, [w for w, _ in chosen]):
                continue
            chosen.append((word, float(values[position])))
            if len(chosen) == n_words:
                break
        result.append(chosen)
    return result
