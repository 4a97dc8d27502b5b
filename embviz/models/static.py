"""Static vectors: look words up in a loaded set, with fastText subword vectors for unseen words.

The vectors come from an open set (the GUI passes the current one) or a file. A word that is not
in the set is still given a vector when a fastText model is at hand: one trained in embviz (the set
carries it as ``model``), one a loader attached (also ``model``), or a fastText file named
in the parameters (Facebook ``.bin``, or a gensim ``.model`` you trust). Otherwise it is left out,
and the warning names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.core.params import check, param
from embviz.core.tasks import Progress, Task
from embviz.models.base import Kind, check_kind


@dataclass
class StaticParams:
    vectors: str = param(
        "", "vector file to look words up in (empty: the current set)", path="file"
    )
    fasttext: str = param(
        "", "fastText model for unseen words: Facebook .bin or gensim .model", path="file"
    )
    case_sensitive: bool = param(True, "off: try the lower-case word when the word is missing")
    source_set: Any = param(None, "the open set to use (set by the GUI)", hidden=True)


def subword_vectors(eset: EmbeddingSet | None, fasttext_path: str = "") -> Any:
    """fastText keyed vectors that can build a vector for any word, or None."""
    if fasttext_path:
        path = Path(fasttext_path)
        if not path.is_file():
            raise EmbvizError(f"{path}: no such fastText model file.")
        from gensim.models.fasttext import FastText, load_facebook_vectors

        try:
            if path.suffix == ".model":  # a pickle the person named: trusted by choice
                return FastText.load(str(path)).wv
            return load_facebook_vectors(str(path))
        except Exception as exc:
            raise EmbvizError(
                f"{path}: not a fastText model ({type(exc).__name__}: {exc}). Give a Facebook "
                "fastText .bin or a gensim FastText .model."
            ) from exc
    found = eset.model if eset is not None else None
    kv = getattr(found, "wv", found)
    if kv is not None and hasattr(kv, "bucket"):
        return kv
    return None


def lookup(
    eset: EmbeddingSet | None,
    words: Sequence[str],
    subwords: Any = None,
    case_sensitive: bool = True,
) -> EmbeddingSet:
    """Vectors for ``words``: from the set, else built from subwords, else left out (warned)."""
    words = list(dict.fromkeys(w.strip() for w in words if w.strip()))
    if not words:
        raise EmbvizError("Nothing to look up: the word list is empty.")
    if eset is None and subwords is None:
        raise EmbvizError("No vectors to look words up in: open a set or name a vector file.")
    rows, kept, how, missing = [], [], [], []
    dims = eset.dims if eset is not None else subwords.vector_size
    for word in words:
        candidates = [word] if case_sensitive else [word, word.lower()]
        hit = next((c for c in candidates if eset is not None and c in eset), None)
        if eset is not None and hit is not None:
            rows.append(np.asarray(eset.vectors[eset.index_of(hit)], dtype=np.float32))
            how.append("vocabulary")
        elif subwords is not None and subwords.vector_size == dims:
            rows.append(np.asarray(subwords[word], dtype=np.float32))
            how.append("subwords" if word not in subwords.key_to_index else "fasttext vocabulary")
        else:
            missing.append(word)
            continue
        kept.append(word)
    warnings = []
    hint = "" if subwords is not None else " (a fastText model would give them vectors)"
    if missing:
        shown = ", ".join(missing[:10]) + (", …" if len(missing) > 10 else "")
        warnings.append(f"{len(missing)} word(s) not in the vectors were left out: {shown}{hint}")
    if not kept:
        raise EmbvizError(f"None of the {len(words)} words is in the vectors{hint}.")
    name = f"{eset.name if eset is not None else 'fastText'}: {len(kept):,} words"
    return EmbeddingSet(
        kept,
        np.vstack(rows),
        {"word": np.array(kept), "from": np.array(how)},
        Source(format="static lookup", warnings=warnings),
        name=name,
    )


class StaticAdapter:
    name = "static"
    title = "Static vectors (look words up; fastText subwords for unseen words)"
    kinds = frozenset({"words"})
    params = StaticParams

    def available(self) -> str | None:
        return None

    def embed(
        self, texts: Sequence[str], kind: Kind, params: StaticParams | None = None
    ) -> Task[EmbeddingSet]:
        check_kind(self, kind)
        params = check(params or StaticParams())
        eset = params.source_set
        if params.vectors:
            from embviz.io.registry import load_task

            eset = yield from load_task(params.vectors)
        yield Progress(None, "Looking words up")
        subwords = subword_vectors(eset, params.fasttext)
        return lookup(eset, texts, subwords, params.case_sensitive)
