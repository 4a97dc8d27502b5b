"""Load a vision or CLIP model through transformers: a local folder, or a hub id when online.

A model folder holds ``config.json``, the weights, an image processor
(``preprocessor_config.json``) and, for CLIP-style models, a tokenizer for the text tower. Any
model with ``get_image_features`` (CLIPModel, SiglipModel, AltCLIP, …) gives its projected image
features; a plain vision encoder (ViT, DINOv2, …) gives its pooled output. As for text models
(:mod:`embviz.models.hf_loading`), a hub id is looked up in the local cache only, and an offline
machine says so at once instead of waiting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embviz.core.errors import EmbvizError
from embviz.models.hf_loading import resolve_folder

_loaded: dict[str, ImageModel] = {}
_lock = threading.Lock()


@dataclass
class ImageModel:
    """A vision model with its image processor (and tokenizer, when it has a text tower)."""

    name: str  # what a person called it: a folder or a hub id
    path: str
    model: Any
    processor: Any  # transformers image processor
    tokenizer: Any  # None when the model has no text tower

    @property
    def title(self) -> str:
        return Path(self.name).name or self.name

    @property
    def projected(self) -> bool:
        """Whether it gives projected image features (CLIP-style), not a pooled output."""
        return hasattr(self.model, "get_image_features")

    @property
    def has_text(self) -> bool:
        return self.tokenizer is not None and hasattr(self.model, "get_text_features")


def resolve(spec: str) -> tuple[str, bool]:
    """(folder or hub id, is_local); EmbvizError saying what to give instead."""
    spec = (spec or "").strip()
    if not spec or spec == "default":
        raise EmbvizError(
            "No image model ships with embviz: give a CLIP or vision model folder with --model "
            "DIR (config.json, weights, preprocessor_config.json), or a hub id when online."
        )
    return resolve_folder(
        spec,
        "config.json, preprocessor_config.json and the weights of a vision or CLIP model",
    )


def _load_from(where: str, local_only: bool) -> tuple[Any, Any, Any]:
    import logging

    from transformers import AutoImageProcessor, AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # "requires torchvision, falling back to the PIL processor": the same pixels, said once
    logging.getLogger("transformers").setLevel(logging.ERROR)
    model = AutoModel.from_pretrained(where, local_files_only=local_only)
    processor = AutoImageProcessor.from_pretrained(  # type: ignore[no-untyped-call]
        where, local_files_only=local_only
    )
    tokenizer = None
    if hasattr(model, "get_text_features"):
        try:
            tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=local_only)
        except Exception:  # an image-only copy of a CLIP model: text search says so
            tokenizer = None
    return model, processor, tokenizer


def _load_hub(hub_id: str) -> tuple[Any, Any, Any]:
    from embviz.models.hf_loading import _offline_env, hub_reachable

    try:  # already in the local hub cache: no network at all
        return _load_from(hub_id, True)
    except Exception:
        pass
    if _offline_env() or not hub_reachable():
        raise EmbvizError(
            f"This machine is offline, so the hub model {hub_id!r} cannot be downloaded, and it "
            "is not in the local cache. Download it on a connected machine and give its folder "
            "with --model DIR."
        )
    try:
        return _load_from(hub_id, False)
    except Exception as exc:
        raise EmbvizError(
            f"{hub_id!r}: could not be loaded from the model hub ({type(exc).__name__}: {exc}). "
            "Check the name, or give a local model folder."
        ) from exc


def load_image_model(spec: str) -> ImageModel:
    """The vision model named by ``spec``, loaded once per process."""
    where, local = resolve(spec)
    with _lock:
        if where in _loaded:
            return _loaded[where]
        from embviz.models.hf_loading import set_torch_threads

        set_torch_threads()
        try:
            model, processor, tokenizer = _load_from(where, True) if local else _load_hub(where)
        except EmbvizError:
            raise
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise EmbvizError(
                f"{where}: cannot be loaded as an image model ({type(exc).__name__}: {first}). "
                "Give a CLIP or vision model folder with its preprocessor_config.json."
            ) from exc
        if not hasattr(model, "get_image_features") and not hasattr(model.config, "image_size"):
            raise EmbvizError(
                f"{where}: a {type(model).__name__} is not a vision model (it has no image "
                "features). Give a CLIP or vision model folder."
            )
        model.eval()
        loaded = ImageModel(spec, where, model, processor, tokenizer)
        _loaded[where] = loaded
        return loaded
