"""Static word vectors distilled from a sentence-transformer.

Encoding each word on its own with all-MiniLM-L6-v2 (mean pooling, unit length) gives one fixed
vector per word: the same numbers sentence-transformers' ``encode`` gives, but computed with plain
transformers so that the work is a cancellable task with progress, and sentence-transformers is not
needed at run time. The demo set is built this way (``scripts/build_demo.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.tasks import Progress, Task

_ENGLISH_WORD = re.compile(r"^[a-z]+$")
_SINGLE_LETTER_WORDS = frozenset({"a", "i"})


def load_tokenizer(model_dir: str | Path) -> Any:
    """The model's own tokenizer, from the local folder only (embviz never downloads)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)


def _max_seq_length(model_dir: Path, tokenizer: Any) -> int:
    """The truncation length sentence-transformers would use, so long inputs match it too."""
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if value:
            return int(value)
    return int(min(tokenizer.model_max_length, 512))


def whole_word_vocabulary(tokenizer_or_model_dir: Any) -> list[str]:
    """The vocabulary's whole-word English tokens, in vocabulary (id) order.

    A word that is one token has a vector of its own meaning rather than one assembled from pieces,
    which makes a clean demo set: lowercase ASCII letters only, no ``##`` pieces, no ``[unused]`` or
    special tokens, and of the single letters only the words "a" and "i".
    """
    tokenizer = tokenizer_or_model_dir
    if isinstance(tokenizer, str | Path):
        tokenizer = load_tokenizer(tokenizer)
    special = set(tokenizer.all_special_tokens)
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    return [
        token
        for token, _ in vocab
        if token not in special
        and _ENGLISH_WORD.match(token)
        and (len(token) > 1 or token in _SINGLE_LETTER_WORDS)
    ]


def distill_static_vectors(
    model_dir: str | Path, words: Sequence[str], batch_size: int = 256
) -> Task[np.ndarray]:
    """Embed each word alone; returns a len(words) x D float32 array of unit vectors.

    Words are sorted by token count before batching so that little padding is computed; rows come
    back in the order of ``words``. Yields Progress after each batch.
    """
    import torch
    from transformers import AutoModel

    model_dir = Path(model_dir)
    words = list(words)
    yield Progress(0.0, f"Loading model from {model_dir.name}")
    tokenizer = load_tokenizer(model_dir)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    model.eval()
    max_length = _max_seq_length(model_dir, tokenizer)
    dims = int(model.config.hidden_size)
    result = np.zeros((len(words), dims), dtype=np.float32)
    if not words:
        return result

    lengths = [len(ids) for ids in tokenizer(words, add_special_tokens=True)["input_ids"]]
    order = np.argsort(np.asarray(lengths), kind="stable")
    done = 0
    with torch.inference_mode():
        for start in range(0, len(words), batch_size):
            rows = order[start : start + batch_size]
            batch = tokenizer(
                [words[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
            tokens = model(**batch).last_hidden_state
            # Mean pooling exactly as sentence-transformers does: [CLS] and [SEP] included,
            # padding excluded, then scaled to unit length.
            mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(summed / counts, p=2, dim=1)
            result[rows] = pooled.float().cpu().numpy()
            done += len(rows)
            yield Progress(done / len(words), f"Embedded {done:,} of {len(words):,} words")
    return result
