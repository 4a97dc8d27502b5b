"""The public Python API, for scripts and notebooks: the same numbers as the CLI and the GUI.

>>> import embviz
>>> eset = embviz.load("vectors.bin")                       # doctest: +SKIP
>>> embviz.neighbors(eset, "king", k=3)                     # doctest: +SKIP
[('queen', 0.78), ('prince', 0.71), ('monarch', 0.69)]
>>> embviz.neighbors(eset, "king - man + woman", k=1)       # doctest: +SKIP
[('queen', 0.73)]
>>> embviz.analogy(eset, "man", "king", "woman", k=1)       # doctest: +SKIP
[('queen', 0.73)]
>>> xy = embviz.project(eset, "tsne", perplexity=20)        # doctest: +SKIP
>>> xy.shape, xy.dtype                                      # doctest: +SKIP
((10000, 2), dtype('float32'))
>>> embviz.evaluate(eset, analogies="questions-words.txt")  # doctest: +SKIP
{'accuracy': 0.74, 'correct': ..., 'total': ..., 'skipped': ..., 'sections': [...]}
>>> embviz.compare(en, it, pairs="en-it.txt", translate=["dog"])["overall"]  # doctest: +SKIP
{'mean_overlap': 0.81, 'residual': 3.2, 'cka': 0.92}

Every function checks its arguments and raises :class:`~embviz.core.errors.EmbvizError` with a
message that says what is wrong and what to do. Heavy libraries (scikit-learn, openTSNE, umap) are
imported only when a function needs them, so ``import embviz`` stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Pairs", "analogy", "compare", "evaluate", "neighbors", "project"]


class Pairs(list[tuple[str, float]]):
    """(label, score) pairs, best first; ``composed`` names the query words that are not labels
    and were composed from the set's fastText sub-words (empty when there are none)."""

    composed: list[str]

    def __init__(self, pairs: list[tuple[str, float]], composed: list[str] | None = None) -> None:
        super().__init__(pairs)
        self.composed = list(composed or [])


def _pairs(labels: list[str], scores: Any, composed: list[str] | None = None) -> Pairs:
    """(label, score) pairs, best first, with plain Python floats."""
    pairs = [(label, float(score)) for label, score in zip(labels, scores, strict=True)]
    return Pairs(pairs, composed)


def _check_set(eset: object) -> EmbeddingSet:
    if not isinstance(eset, EmbeddingSet):
        raise EmbvizError(
            f"Expected an EmbeddingSet (from embviz.load(path)), got {type(eset).__name__}."
        )
    return eset


def _check_int(value: object, name: str = "k") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmbvizError(f"{name} must be a whole number, got {value!r}.")
    return value


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EmbvizError(f"{what} must be a non-empty string, got {value!r}.")
    return value


def neighbors(
    eset: EmbeddingSet,
    query: str,
    k: int = 10,
    metric: str = "cosine",
    *,
    center: bool = False,
) -> Pairs:
    """The ``k`` nearest labels to ``query`` in the original space, best first.

    ``query`` is a label (``"king"``) or an expression (``"king - man + woman"``,
    ``"0.5*paris + 0.5*rome"``); the words of the query are left out of the answers, as in gensim's
    ``most_similar``. ``metric``: ``"cosine"`` (score: cosine similarity, higher is nearer),
    ``"euclidean"`` (score: distance, lower is nearer) or ``"dot"``. ``center=True`` subtracts the
    set's mean vector first. Same as ``embviz neighbors PATH QUERY --json``::

        >>> embviz.neighbors(eset, "paris", k=2)               # doctest: +SKIP
        [('london', 0.81), ('rome', 0.79)]
    """
    from embviz.core.neighbors import neighbors as search

    result = search(
        _check_set(eset), _check_text(query, "query"), _check_int(k), str(metric), bool(center)
    )
    return _pairs(result.labels, result.scores, result.composed)


def analogy(
    eset: EmbeddingSet,
    a: str,
    b: str,
    c: str,
    k: int = 5,
    method: str = "3cosadd",
    *,
    exclude_inputs: bool = True,
) -> Pairs:
    """``a`` is to ``b`` as ``c`` is to ?: the ``k`` best answers with their scores.

    ``method="3cosadd"`` is gensim's ``most_similar(positive=[b, c], negative=[a])``;
    ``"3cosmul"`` is ``most_similar_cosmul``. The input words are left out of the answers unless
    ``exclude_inputs=False``. Same as ``embviz analogy PATH A B C --json``::

        >>> embviz.analogy(eset, "man", "king", "woman", k=1)  # doctest: +SKIP
        [('queen', 0.73)]
    """
    from embviz.core.analogy import solve

    result = solve(
        _check_set(eset),
        _check_text(a, "a"),
        _check_text(b, "b"),
        _check_text(c, "c"),
        k=_check_int(k),
        method=str(method),
        exclude_inputs=bool(exclude_inputs),
    )
    return _pairs(result.labels, result.scores, result.composed)


def project(eset: EmbeddingSet, method: str = "pca", dims: int = 2, **params: Any) -> np.ndarray:
    """An N x ``dims`` float32 array of coordinates, one row per row of ``eset``, in its order.

    ``method``: ``"pca"``, ``"tsne"``, ``"umap"``, ``"custom"`` (axes from expressions) or any
    installed reducer; ``params`` are the method's parameters, the same as the GUI's form and the
    CLI's ``--param name=value`` (see ``embviz project --help``), checked against their bounds.
    Layouts are reproducible: each method's ``seed`` defaults to 0. A finished layout is kept in
    the set's own cache (shared with the GUI), so asking again is instant, and it is dropped when
    the set's vectors change (metadata too, for methods that read the set). Same as
    ``embviz project PATH --method M --param name=value -o out.npy``::

        >>> embviz.project(eset, "tsne", perplexity=20, seed=1).shape  # doctest: +SKIP
        (10000, 2)
    """
    import numpy as np

    from embviz.core.params import as_dict, make_params
    from embviz.core.projection import cached_projection, keep_projection
    from embviz.core.tasks import run_task
    from embviz.reduce.registry import get_reducer, projection_task

    _check_set(eset)
    if isinstance(dims, bool) or dims not in (2, 3):
        raise EmbvizError(f"dims must be 2 or 3, got {dims!r}.")
    reducer = get_reducer(_check_text(method, "method"))
    checked = make_params(reducer.params_type, params, reducer.name)
    projection = cached_projection(eset, reducer.name, as_dict(checked), dims)
    if projection is None:
        version = eset.version  # as it was when the run started: a changed set keeps nothing
        projection = run_task(projection_task(eset, reducer.name, checked, dims))
        uses_set = bool(getattr(reducer, "uses_set", False))
        keep_projection(eset, projection, version, uses_metadata=uses_set)
    return np.array(projection.coords, dtype=np.float32)  # a copy: the cached layout stays


def evaluate(
    eset: EmbeddingSet,
    *,
    analogies: str | Path | None = None,
    similarity: str | Path | None = None,
    restrict_vocab: int | None = None,
    case_insensitive: bool = True,
) -> dict[str, Any]:
    """Analogy accuracy or word-similarity correlation, with gensim's defaults.

    Give exactly one of ``analogies`` (a Google-format file: ``: section`` lines, then
    ``a b c d``) or ``similarity`` (``word1<TAB>word2<TAB>score`` lines). Only the first
    ``restrict_vocab`` rows count (default 300,000, as gensim); words are matched
    case-insensitively unless ``case_insensitive=False``. Returns the same dict as
    ``embviz evaluate PATH --analogies FILE --json`` (or ``--similarity FILE --json``)::

        >>> embviz.evaluate(eset, similarity="wordsim353.tsv")["spearman"]  # doctest: +SKIP
        0.66
    """
    from embviz.core.evaluate import (
        RESTRICT_VOCAB,
        evaluate_analogies_task,
        evaluate_similarity,
    )
    from embviz.core.tasks import run_task

    _check_set(eset)
    if (analogies is None) == (similarity is None):
        raise EmbvizError(
            "Give exactly one benchmark file: evaluate(eset, analogies=PATH) or "
            "evaluate(eset, similarity=PATH)."
        )
    limit = (
        RESTRICT_VOCAB if restrict_vocab is None else _check_int(restrict_vocab, "restrict_vocab")
    )
    if limit < 1:
        raise EmbvizError(f"restrict_vocab must be at least 1, got {limit}.")
    if similarity is not None:
        report = evaluate_similarity(
            eset, similarity, restrict_vocab=limit, case_insensitive=bool(case_insensitive)
        )
        return dict(report.to_json())
    assert analogies is not None
    task = evaluate_analogies_task(eset, analogies, limit, bool(case_insensitive))
    return dict(run_task(task).to_json())


def compare(
    a: EmbeddingSet,
    b: EmbeddingSet,
    pairs: str | Path | list[tuple[str, str]] | None = None,
    align: str = "procrustes",
    k: int = 10,
    *,
    dims_policy: str = "pca",
    center: bool = False,
    translate: list[str] | None = None,
    csls: bool = False,
) -> dict[str, Any]:
    """Set A against set B: the dict ``embviz compare A B --json`` prints.

    ``pairs``: None (shared labels), a pairs file (``source target`` per line) or a list of
    (source, target) labels. ``align``: ``"procrustes"`` (scipy's orthogonal_procrustes),
    ``"linear"`` (as gensim's TranslationMatrix) or ``"none"``; ``dims_policy`` (``"pca"`` or
    ``"linear"``) says what happens when the dimensions differ; ``center=True`` subtracts each
    set's mean unit vector before aligning. ``k``: neighbours for the overlap
    and translations per word; ``translate``: words of A to translate into B (by CSLS when
    ``csls``); without it, every source word of ``pairs`` is translated. Keys: ``shared``,
    ``align``, ``overall`` (``mean_overlap``, ``residual``, ``cka``), ``words`` and
    ``translations``::

        >>> embviz.compare(en, it, pairs="en-it.txt", align="linear", translate=["dog"], k=2)
        ... # doctest: +SKIP
        {..., 'translations': {'dog': [{'label': 'cane', 'score': 0.91}, ...]}}
    """
    from embviz.core.compare import align as fit
    from embviz.core.compare import compare as measure
    from embviz.core.compare import pair_sets, read_pairs
    from embviz.core.compare import translate as through

    _check_set(a)
    _check_set(b)
    k = _check_int(k)
    if isinstance(pairs, str | Path):
        pairs = read_pairs(pairs)
    pairing = pair_sets(a, b, pairs)
    alignment = fit(
        pairing, _check_text(align, "align"), _check_text(dims_policy, "dims_policy"), bool(center)
    )
    out = measure(a, b, pairing, alignment, k).to_json()
    if translate is not None:
        words = [_check_text(w, "each word to translate") for w in translate]
    else:
        words = list(dict.fromkeys(s for s, _ in pairs if s in a)) if pairs else []
    found = through(words, alignment, k, bool(csls)) if words else {}
    out["translations"] = {
        word: [{"label": label, "score": score} for label, score in ranked]
        for word, ranked in found.items()
    }
    return out
