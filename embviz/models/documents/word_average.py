"""Documents as averages of static word vectors: plain, or weighted by TF-IDF.

Words are gensim's tokens (``gensim.utils.tokenize``: runs of letters, so numbers and punctuation
are dropped). A token is looked up as it is and, unless ``case_sensitive``, then lower-cased.
Plain: a document is the mean of its known tokens' vectors (a repeated token counts each time).
TF-IDF: each known word's vector is weighted by its count times scikit-learn's smoothed idf
(``TfidfVectorizer``'s ``idf_``, fitted on the corpus's tokens), divided by the sum of weights. A
document with no known word gets a zero vector, and a warning says how many there were. Vectors are
not normalised (cosine search normalises them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.corpus_cache import CorpusCache, cached_vectors
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.params import check, param
from embviz.core.tasks import Progress, Task
from embviz.models.documents.base import DocumentVectors


@dataclass
class AverageParams:
    vectors: str = param("", "word vector file (empty: the open set)", path="file")
    case_sensitive: bool = param(False, "off: a token missing as written is tried in lower case")
    word_set: Any = param(None, "the open static set (set by the window)", hidden=True)


def tokens(text: str) -> list[str]:
    from gensim.utils import tokenize

    return list(tokenize(text, lowercase=False))


def set_checksum(eset: EmbeddingSet) -> str:
    """sha256 of a set's labels and vectors, kept in the set's derived cache."""

    def compute() -> str:
        digest = hashlib.sha256()
        digest.update("\n".join(eset.labels).encode("utf-8", "surrogatepass"))
        digest.update(np.ascontiguousarray(eset.vectors, dtype=np.float32).tobytes())
        return digest.hexdigest()

    checksum: str = eset.derived(("sha256",), compute)
    return checksum


class WordAverager:
    """Vocabulary -> set rows, and (for TF-IDF) the corpus's idf; embeds any texts."""

    def __init__(
        self,
        eset: EmbeddingSet,
        case_sensitive: bool,
        idf: dict[str, float] | None,
        documents: int = 0,
    ) -> None:
        self.eset = eset
        self.case_sensitive = case_sensitive
        self.idf = idf
        # a query word the corpus never had: the idf of a word in no document, ln(1 + n) + 1
        self.unseen_idf = float(np.log1p(documents) + 1.0)

    def row_of(self, token: str) -> int | None:
        for candidate in (token,) if self.case_sensitive else (token, token.lower()):
            if candidate in self.eset:
                return self.eset.index_of(candidate)
        return None

    def embed(self, texts: Sequence[str]) -> tuple[np.ndarray, int]:
        """(vectors, documents with no known word)."""
        from scipy.sparse import csr_matrix

        rows, cols, weights = [], [], []
        for r, text in enumerate(texts):
            for token in tokens(text):
                col = self.row_of(token)
                if col is None:
                    continue
                weight = 1.0 if self.idf is None else self.idf.get(token, self.unseen_idf)
                rows.append(r)
                cols.append(col)
                weights.append(weight)
        matrix = csr_matrix(
            (np.asarray(weights, np.float64), (rows, cols)), shape=(len(texts), len(self.eset))
        )
        sums = np.asarray(matrix.sum(axis=1)).ravel()
        product = matrix @ np.asarray(self.eset.vectors, dtype=np.float64)
        vectors = np.asarray(product) / np.where(sums == 0, 1.0, sums)[:, None]
        return vectors.astype(np.float32), int((sums == 0).sum())


def fit_idf(texts: Sequence[str]) -> dict[str, float]:
    """scikit-learn's smoothed idf of every token of the corpus (tokens as gensim cuts them)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None)
    try:
        vectorizer.fit(texts)
    except ValueError:  # no token at all
        return {}
    names = vectorizer.get_feature_names_out()
    return {str(name): float(value) for name, value in zip(names, vectorizer.idf_, strict=True)}


class AverageQueries:
    def __init__(self, averager: WordAverager, title: str) -> None:
        self.averager = averager
        self.title = title

    @property
    def description(self) -> str:
        return self.title

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.averager.embed(list(texts))[0]


class WordAverageEmbedder:
    name = "average"
    title = "Average of word vectors (from an open static set)"
    params = AverageParams
    weighting = "mean"

    def available(self) -> str | None:
        return None

    def embed(
        self, texts: Sequence[str], params: Any = None, *, cache: bool = True
    ) -> Task[DocumentVectors]:
        params = check(params or AverageParams())
        texts = ["" if t is None else str(t) for t in texts]
        eset = params.word_set
        if params.vectors:
            from embviz.io.registry import load_task

            eset = yield from load_task(params.vectors)
        if eset is None:
            raise EmbvizError(
                "Averaged word vectors need a set of word vectors: open one, or name its file "
                "(--vectors FILE)."
            )
        yield Progress(None, "Counting words")
        idf = fit_idf(texts) if self.weighting == "tfidf" else None
        averager = WordAverager(eset, params.case_sensitive, idf, len(texts))
        ident = {
            "embedder": self.name,
            "words_sha256": set_checksum(eset),
            "case_sensitive": params.case_sensitive,
        }
        store = CorpusCache(ident, texts) if cache else None
        from_cache = store is not None and store.finished() is not None
        empty: list[int] = []

        def encode(start: int, chunk: list[str]) -> Task[np.ndarray]:
            vectors, missing = averager.embed(chunk)
            empty.append(missing)
            yield Progress(1.0, "")
            return vectors

        vectors = yield from cached_vectors(store, texts, encode)
        warnings = []
        if sum(empty):
            warnings.append(
                f"{sum(empty):,} document(s) hold no word of {eset.name}; they were given zero "
                "vectors."
            )
        name = Path(params.vectors).name if params.vectors else eset.name
        title = f"{'TF-IDF-weighted ' if idf is not None else ''}average of {name} word vectors"
        return DocumentVectors(
            vectors=vectors,
            model=AverageQueries(averager, title),
            embedder=f"{self.name}:{name}",
            settings={
                "vectors": params.vectors or (eset.source.path or ""),
                "words_sha256": ident["words_sha256"],
                "case_sensitive": params.case_sensitive,
                "tokenizer": "gensim.utils.tokenize",
            },
            warnings=warnings,
            from_cache=from_cache,
        )


class TfidfAverageEmbedder(WordAverageEmbedder):
    name = "tfidf-average"
    title = "TF-IDF-weighted average of word vectors (from an open static set)"
    weighting = "tfidf"
