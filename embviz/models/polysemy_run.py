"""The polysemy lab's work: embed the sentences for a word at every layer, then measure.

One model pass gives every layer (``models.tokens.token_vectors`` keeps all hidden states), and
the vectors are cached per (model, sentences, layers, pooling, word), so moving the layer slider or
asking again costs nothing after the first pass. Every word of the sentences is embedded too: the
intra-sentence similarity and the anisotropy baseline need them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.polysemy import (
    Occurrence,
    PolysemyResult,
    SentenceLine,
    analyse,
    select,
    static_view,
)
from embviz.core.tasks import Progress, Task

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet
    from embviz.models.tokens import TokenVectors

CacheKey = tuple[str, tuple[str, ...], tuple[int, ...], str, str]

CACHE_SIZE = 32
_cache: OrderedDict[CacheKey, TokenVectors] = OrderedDict()
_lock = threading.Lock()
_demo: list[EmbeddingSet] = []


def _cached(key: CacheKey) -> TokenVectors | None:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    return None


def _remember(key: CacheKey, value: TokenVectors) -> None:
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def demo_set() -> EmbeddingSet:
    """The built-in static demo set, loaded once."""
    if not _demo:
        import embviz
        from embviz.core.paths import demo_path

        _demo.append(embviz.load(demo_path()))
    return _demo[0]


def polysemy_task(
    word: str,
    lines: Sequence[SentenceLine],
    model: str = "default",
    pooling: str = "mean",
    layers: Sequence[int] | None = None,
    seed: int = 0,
    others: Sequence[str] = (),
    static_set: EmbeddingSet | None = None,
) -> Task[PolysemyResult]:
    """Occurrences of ``word`` in the lines meant for it, measured at ``layers`` (None = all)."""
    from embviz.models import hf_loading
    from embviz.models.tokens import all_words, find_word, token_vectors

    selection = select(lines, word, others)
    if not selection.lines:
        raise EmbvizError(
            f"None of the {len(selection.without_word)} sentences contains {word!r} as a whole "
            "word. Add sentences with it, or check the spelling."
        )
    yield Progress(None, f"Loading model {model}…")
    loaded = hf_loading.load(model)
    chosen = list(range(loaded.num_layers)) if layers is None else sorted(set(layers))
    if any(not 0 <= layer < loaded.num_layers for layer in chosen):
        raise EmbvizError(
            f"Layer must be between 0 and {loaded.num_layers - 1} for this model "
            f"(0 is the embedding layer), not {chosen}."
        )
    sentences = [line.text for line in selection.lines]
    targets = find_word(sentences, word)
    words = all_words(sentences)
    spans = targets + [w for w in words if w not in set(targets)]
    key = (loaded.path, tuple(sentences), tuple(chosen), pooling, word.strip().lower())
    vectors = _cached(key)
    if vectors is None:
        task = token_vectors(loaded, sentences, spans, layers=chosen, pooling=pooling)
        vectors = yield from task
        _remember(key, vectors)
    index = {span: i for i, span in enumerate(spans)}
    target_rows = [index[s] for s in targets if vectors.found[index[s]]]
    word_rows = [index[w] for w in words if vectors.found[index[w]]]
    if len(target_rows) < 2:
        raise EmbvizError(
            f"{word!r} has {len(target_rows)} occurrence with a vector; the measures need at "
            "least two. Add sentences."
        )
    yield Progress(None, f"Measuring {word!r} at {len(chosen)} layers…")
    occurrences = [
        Occurrence(
            sentence=sentences[spans[r].sentence],
            start=spans[r].start,
            end=spans[r].end,
            sense=selection.lines[spans[r].sentence].sense,
            line=selection.lines[spans[r].sentence].line,
            pieces=list(vectors.pieces[r]),
        )
        for r in target_rows
    ]
    result = analyse(
        word,
        occurrences,
        vectors.vectors[target_rows],
        vectors.vectors[word_rows],
        np.array([spans[r].sentence for r in word_rows]),
        [sentences[spans[r].sentence][spans[r].start : spans[r].end] for r in word_rows],
        chosen,
        model=model,
        pooling=pooling,
        seed=seed,
    )
    result.without_word = selection.without_word
    result.other_words = selection.other_words
    result.warnings = list(vectors.warnings)
    if static_set is not None:
        for layer in chosen:
            groups = result.groups(layer)
            view = static_view(static_set, result.at(layer), groups, word, layer)
            view.last_layer = loaded.num_layers - 1
            result.static[layer] = view
    return result


def lab_task(
    words: Sequence[str],
    lines: Sequence[SentenceLine],
    model: str = "default",
    pooling: str = "mean",
    seed: int = 0,
    with_static: bool = True,
) -> Task[dict[str, PolysemyResult | EmbvizError]]:
    """Every target word in turn; a word that fails gets its error in place of a result."""
    static_set = demo_set() if with_static else None
    out: dict[str, PolysemyResult | EmbvizError] = {}
    for number, word in enumerate(words):
        task = polysemy_task(word, lines, model, pooling, None, seed, words, static_set)
        try:
            while True:
                progress = next(task)
                fraction = (number + (progress.fraction or 0.0)) / len(words)
                yield Progress(fraction, f"{word}: {progress.message}")
        except StopIteration as stop:
            out[word] = stop.value
        except EmbvizError as exc:
            out[word] = exc
    return out
