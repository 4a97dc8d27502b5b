"""Long documents as overlapping token windows, each embedded, then averaged (mean pooling).

Windows are cut from the document's tokens (without special tokens), ``size`` tokens long with
``overlap`` tokens shared by neighbours, and capped so that a window plus the model's special
tokens fits its ``max_seq_length``. Each window gets the special tokens the tokenizer adds to any
input, is pooled as the model pools (and normalised when it normalises); a document's vector is
the mean of its windows, normalised again when the model normalises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embviz.core.tasks import Progress, Task
from embviz.models.hf_loading import LoadedModel


def windows(ids: Sequence[int], size: int, overlap: int) -> list[list[int]]:
    """Token windows covering ``ids``: [0:size], [size-overlap : 2*size-overlap], ..."""
    ids = list(ids)
    if len(ids) <= size:
        return [ids]
    step = max(1, size - overlap)
    result = []
    for start in range(0, len(ids), step):
        result.append(ids[start : start + size])
        if start + size >= len(ids):
            break
    return result


def special_tokens(tokenizer: object) -> tuple[list[int], list[int]]:
    """(prefix, suffix) the tokenizer puts around any single text, e.g. ([CLS], [SEP])."""
    call = tokenizer.__call__  # type: ignore[operator]
    bare = call("a", add_special_tokens=False)["input_ids"]
    full = call("a", add_special_tokens=True)["input_ids"]
    for i in range(len(full) - len(bare) + 1):
        if full[i : i + len(bare)] == bare:
            return list(full[:i]), list(full[i + len(bare) :])
    return [], []


def encode_chunked(
    loaded: LoadedModel,
    texts: Sequence[str],
    batch_size: int,
    size: int,
    overlap: int,
    truncated: list[int] | None = None,
    *,
    first_window_only: bool = False,
) -> Task[np.ndarray]:
    """Vectors of ``texts`` from their token windows.

    ``first_window_only``: each document is its first window of as many tokens as the model
    takes, which is exactly the model's own truncation (what sentence-transformers' encode
    does), computed with one tokenization pass; the documents cut short go to ``truncated``.
    """
    import torch

    from embviz.models.sentence import pipeline, pool, prepare

    modes, normalize, _ = pipeline(loaded)
    tokenizer = loaded.tokenizer
    texts = prepare(loaded, texts)
    prefix, suffix = special_tokens(tokenizer)
    room = loaded.max_length - len(prefix) - len(suffix)
    size = room if first_window_only else max(1, min(size, room))
    overlap = min(overlap, size - 1)
    ids = tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
    owner: list[int] = []
    inputs: list[list[int]] = []
    for doc, doc_ids in enumerate(ids):
        if first_window_only:
            if len(doc_ids) > room and truncated is not None:
                truncated.append(doc)
            cut = [doc_ids[:room]]
        else:
            cut = windows(doc_ids, size, overlap)
        for window in cut:
            owner.append(doc)
            inputs.append(prefix + window + suffix)
    order = np.argsort(-np.array([len(x) for x in inputs]), kind="stable")
    pooled = np.zeros((len(inputs), loaded.dims * len(modes)), dtype=np.float32)
    what = "documents" if first_window_only else "windows"
    with torch.inference_mode():
        for start in range(0, len(inputs), batch_size):
            rows = order[start : start + batch_size]
            batch = tokenizer.pad({"input_ids": [inputs[i] for i in rows]}, return_tensors="pt")
            states = loaded.model(**batch).last_hidden_state
            vectors = pool(states, batch["attention_mask"], modes)
            if normalize:
                vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
            pooled[rows] = vectors.float().numpy()
            done = min(start + batch_size, len(inputs))
            yield Progress(done / len(inputs), f"Embedded {done:,} of {len(inputs):,} {what}")
    if len(inputs) == len(texts):  # one window per document: its vector as it is
        return pooled
    sums = np.zeros((len(texts), pooled.shape[1]), dtype=np.float64)
    np.add.at(sums, np.asarray(owner), pooled)
    counts = np.bincount(np.asarray(owner), minlength=len(texts)).astype(np.float64)
    means = sums / np.maximum(counts, 1)[:, None]
    if normalize:
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        means = means / np.where(norms == 0, 1.0, norms)
    return means.astype(np.float32)
