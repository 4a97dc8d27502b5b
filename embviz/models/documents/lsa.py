"""TF-IDF / LSA: scikit-learn's TfidfVectorizer, then TruncatedSVD (latent semantic analysis).

The vectors are exactly ``TruncatedSVD(n, random_state=seed).fit_transform(
TfidfVectorizer(...).fit_transform(texts))``. With ``components`` = 0 the TF-IDF rows themselves
are the vectors (sparse rows made dense: keep ``max_features`` modest). A query is transformed by
the same fitted vectorizer and SVD. The fitted vocabulary, idf and components are kept in the
corpus cache as plain arrays, so reopening needs no refit and no pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.corpus_cache import CorpusCache
from embviz.core.errors import EmbvizError
from embviz.core.params import as_dict, check, param
from embviz.core.tasks import Progress, Task
from embviz.models.documents.base import DocumentVectors


@dataclass
class LsaParams:
    components: int = param(100, "LSA dimensions", low=0, high=10000, zero_means="no SVD: TF-IDF")
    max_features: int = param(
        50000, "keep the most frequent words", low=0, high=10_000_000, zero_means="all"
    )
    min_df: int = param(2, "ignore words in fewer documents than this", low=1, high=1_000_000)
    max_df: float = param(
        0.95, "ignore words in more than this share of documents", low=0.01, high=1.0
    )
    stop_words: str = param("english", "stop words", choices=("english", "none"))
    sublinear_tf: bool = param(True, "1 + log(count) instead of the count")
    seed: int = param(0, "random seed of the SVD", low=0, high=2**31 - 1)


def vectorizer_of(params: LsaParams, vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        max_features=params.max_features or None,
        min_df=params.min_df if vocabulary is None else 1,
        max_df=params.max_df if vocabulary is None else 1.0,
        stop_words=None if params.stop_words == "none" else params.stop_words,
        sublinear_tf=params.sublinear_tf,
        vocabulary=vocabulary,
        dtype=np.float64,
    )


class LsaQueries:
    """Queries through the fitted TF-IDF vocabulary and idf, then the SVD's components."""

    def __init__(self, params: LsaParams, state: dict[str, np.ndarray]) -> None:
        vocabulary = {str(w): i for i, w in enumerate(state["vocabulary"].tolist())}
        self.vectorizer = vectorizer_of(params, vocabulary)
        self.vectorizer.idf_ = state["idf"]
        self.components = state.get("components")
        self.params = params

    @property
    def description(self) -> str:
        if self.components is None:
            return "TF-IDF"
        return f"TF-IDF + LSA ({self.components.shape[0]} dimensions)"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        tfidf = self.vectorizer.transform(list(texts))
        if self.components is None:
            return np.asarray(tfidf.toarray(), dtype=np.float32)
        return np.asarray(tfidf @ self.components.T, dtype=np.float32)


def fit(
    texts: Sequence[str], params: LsaParams
) -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """(vectors, state, warnings) fitted on ``texts``."""
    from sklearn.decomposition import TruncatedSVD

    warnings: list[str] = []
    vectorizer = vectorizer_of(params)
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError as exc:  # "empty vocabulary", "max_df corresponds to < documents than min_df"
        raise EmbvizError(
            f"TF-IDF found no words to use ({exc}). Lower min_df, raise max_df, or turn stop "
            "words off; a corpus of very few or very short documents may be too small."
        ) from None
    vocabulary = vectorizer.get_feature_names_out()
    state = {"vocabulary": np.asarray(vocabulary, dtype=str), "idf": vectorizer.idf_}
    if not params.components:
        return np.asarray(tfidf.toarray(), dtype=np.float32), state, warnings
    components = params.components
    if components >= tfidf.shape[1]:
        components = max(1, tfidf.shape[1] - 1)
        warnings.append(
            f"LSA: {params.components} dimensions asked for, but the vocabulary has "
            f"{tfidf.shape[1]} words; {components} were used."
        )
    svd = TruncatedSVD(n_components=components, random_state=params.seed)
    vectors = svd.fit_transform(tfidf)
    state["components"] = svd.components_
    return np.asarray(vectors, dtype=np.float32), state, warnings


class LsaEmbedder:
    name = "lsa"
    title = "TF-IDF / LSA (scikit-learn)"
    params = LsaParams

    def available(self) -> str | None:
        return None

    def embed(
        self, texts: Sequence[str], params: Any = None, *, cache: bool = True
    ) -> Task[DocumentVectors]:
        params = check(params or LsaParams())
        texts = ["" if t is None else str(t) for t in texts]
        settings = as_dict(params)
        store = CorpusCache({"embedder": self.name, **settings}, texts) if cache else None
        vectors = store.finished() if store is not None else None
        state = store.load_state() if store is not None else None
        warnings: list[str] = []
        from_cache = vectors is not None and state is not None
        if vectors is None or state is None:
            yield Progress(None, f"TF-IDF and LSA of {len(texts):,} documents")
            fitted, state, warnings = fit(texts, params)
            if store is not None:
                store.save_state(state)
                vectors = store.finish([fitted])
            else:
                vectors = fitted
        yield Progress(1.0, "TF-IDF / LSA done")
        model = LsaQueries(params, state)
        return DocumentVectors(
            vectors=vectors,
            model=model,
            embedder="tfidf" if not params.components else "tfidf-lsa",
            settings=settings,
            warnings=warnings,
            from_cache=from_cache,
        )
