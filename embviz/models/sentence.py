"""Sentence embeddings computed the way sentence-transformers computes them, with plain transformers.

For a sentence-transformers folder, ``modules.json`` names the steps: the transformer, a Pooling
module (its ``config.json`` picks CLS / mean / max / mean-sqrt-len / last-token, concatenated in
sentence-transformers' order when several are on) and optionally Normalize. A plain transformers
folder gets mean pooling over the attention mask, as sentence-transformers gives it. Texts are
stripped (and lower-cased when the config says so) as sentence-transformers does; they are run in
batches sorted by token count so little padding is computed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embviz.core.tasks import Progress, Task
from embviz.models.hf_loading import LoadedModel

if TYPE_CHECKING:
    import torch

_POOLING_ORDER = ("cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken")
_ST_PREFIX = "sentence_transformers.models."


def pipeline(loaded: LoadedModel) -> tuple[list[str], bool, list[str]]:
    """(pooling modes, normalise?, warnings) from modules.json; mean pooling when there is none."""
    if not loaded.modules:
        return ["mean"], False, []
    modes: list[str] = []
    normalize = False
    warnings: list[str] = []
    for module in loaded.modules:
        kind = str(module.get("type", "")).removeprefix(_ST_PREFIX)
        if kind == "Transformer":
            continue
        if kind == "Pooling":
            config_path = Path(loaded.path) / module.get("path", "") / "config.json"
            config = json.loads(config_path.read_text(encoding="utf-8"))
            if isinstance(config.get("pooling_mode"), str):
                wanted = {config["pooling_mode"].replace("_tokens", "").replace("_token", "")}
            else:
                wanted = {
                    key.removeprefix("pooling_mode_").removesuffix("_tokens").removesuffix("_token")
                    for key, on in config.items()
                    if key.startswith("pooling_mode_") and on is True
                }
            modes = [mode for mode in _POOLING_ORDER if mode in wanted]
            unknown = wanted - set(_POOLING_ORDER) - {"weightedmean"}
            if "weightedmean" in modes or unknown:
                warnings.append(f"pooling {sorted(wanted)} is not supported; mean pooling is used")
                modes = ["mean"]
        elif kind == "Normalize":
            normalize = True
        else:
            warnings.append(
                f"{loaded.path}: module {kind or module} of modules.json is not supported and was "
                "skipped; vectors may differ from sentence-transformers' for this model."
            )
    return modes or ["mean"], normalize, warnings


def pool(tokens: torch.Tensor, mask: torch.Tensor, modes: Sequence[str]) -> torch.Tensor:
    """Pool token states (B x T x D) over the attention mask (B x T) into B x (D * len(modes))."""
    import torch

    weights = mask.unsqueeze(-1).to(tokens.dtype)
    counts = weights.sum(dim=1).clamp(min=1e-9)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(tokens[:, 0])
        elif mode == "max":
            masked = tokens.masked_fill(weights == 0, -1e9)
            parts.append(masked.max(dim=1).values)
        elif mode == "mean":
            parts.append((tokens * weights).sum(dim=1) / counts)
        elif mode == "mean_sqrt_len":
            parts.append((tokens * weights).sum(dim=1) / torch.sqrt(counts))
        elif mode == "lasttoken":
            positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
            last = (positions * mask).argmax(dim=1)
            parts.append(tokens[torch.arange(tokens.shape[0]), last])
    return torch.cat(parts, dim=1) if len(parts) > 1 else parts[0]


def prepare(loaded: LoadedModel, texts: Sequence[str]) -> list[str]:
    texts = [str(text).strip() for text in texts]
    return [text.lower() for text in texts] if loaded.do_lower_case else texts


def token_counts(loaded: LoadedModel, texts: Sequence[str]) -> list[int]:
    """Tokens per text with the special tokens, before any truncation."""
    ids = loaded.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
    return [len(row) for row in ids]


def truncation_warning(loaded: LoadedModel, counts: Sequence[int], what: str = "line") -> str:
    """A warning naming the inputs longer than the model takes, or '' when none are."""
    long = [i + 1 for i, n in enumerate(counts) if n > loaded.max_length]
    if not long:
        return ""
    shown = ", ".join(map(str, long[:10])) + (", …" if len(long) > 10 else "")
    return (
        f"{len(long)} {what}{'s' if len(long) > 1 else ''} longer than the model's maximum of "
        f"{loaded.max_length} tokens {'were' if len(long) > 1 else 'was'} truncated "
        f"({what} {shown}); only the first {loaded.max_length} tokens count."
    )


def encode(
    loaded: LoadedModel, texts: Sequence[str], batch_size: int = 32
) -> Task[tuple[np.ndarray, list[str]]]:
    """One vector per text, in order, and the warnings; yields Progress after each batch."""
    import torch

    modes, normalize, warnings = pipeline(loaded)
    texts = prepare(loaded, texts)
    counts = token_counts(loaded, texts)
    warning = truncation_warning(loaded, counts)
    if warning:
        warnings.append(warning)
        yield Progress(0.0, warning)
    order = np.argsort(-np.asarray(counts), kind="stable")
    result = np.zeros((len(texts), loaded.dims * len(modes)), dtype=np.float32)
    done = 0
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            batch = loaded.tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation="longest_first",
                max_length=loaded.max_length,
                return_tensors="pt",
            )
            states = loaded.model(**batch).last_hidden_state
            pooled = pool(states, batch["attention_mask"], modes)
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            result[rows] = pooled.float().numpy()
            done += len(rows)
            yield Progress(done / len(texts), f"Embedded {done:,} of {len(texts):,} texts")
    return result, warnings
