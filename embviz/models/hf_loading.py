"""Find and load a transformers model: the default one, a local folder, or a hub id when online.

embviz never waits on the network: a hub id is first looked up in the local cache only; if it is
not there, a connectivity check with a short timeout decides between downloading and saying
plainly that this machine is offline. Loaded models are kept per folder, so a second run (e.g. the
polysemy layer slider) does not load them again.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embviz.core.errors import EmbvizError
from embviz.models import default_model

HUB_HOST = ("huggingface.co", 443)
CONNECT_TIMEOUT_S = 2.0
_loaded: dict[str, LoadedModel] = {}
_lock = threading.Lock()
_threads_set = False


@dataclass
class LoadedModel:
    """A tokenizer and model ready to run, with what sentence-transformers' config says."""

    name: str  # what a person calls it: "default", a folder, a hub id
    path: str  # the folder (or hub id) it was loaded from
    tokenizer: Any
    model: Any
    max_length: int
    modules: list[dict[str, Any]] = field(default_factory=list)  # modules.json, [] when absent
    do_lower_case: bool = False

    @property
    def dims(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def num_layers(self) -> int:
        """hidden_states entries: the embedding layer (0) plus one per transformer layer."""
        return int(self.model.config.num_hidden_layers) + 1


def set_torch_threads() -> None:
    """Set torch's thread count once per process (cores this process may use)."""
    global _threads_set
    if _threads_set:
        return
    import torch

    wanted = os.environ.get("EMBVIZ_THREADS")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(max(1, int(wanted) if wanted else int(cores or 1)))
    _threads_set = True


def hub_reachable(timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """Whether the model hub answers within ``timeout`` seconds (DNS included, never longer)."""
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(HUB_HOST, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return bool(result and result[0])


def _offline_env() -> bool:
    return any(
        os.environ.get(name, "").lower() in ("1", "true", "yes", "on")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def resolve(spec: str) -> tuple[str, bool]:
    """(folder or hub id, is_local) for ``default``, a folder or a hub id; errors say what to do."""
    spec = (spec or "default").strip()
    if spec == "default":
        return str(default_model.default_model_dir()), True
    return resolve_folder(
        spec, "config.json, the tokenizer files and the weights", ", or --model default"
    )


def resolve_folder(spec: str, holds: str, otherwise: str = "") -> tuple[str, bool]:
    """(folder, True) for a model folder, (hub id, False) for what can only be a hub id.

    ``holds``: what such a folder holds (for the messages); ``otherwise``: what else the person
    may give, ending the messages (", or --model default"). Shared by text and image models.
    """
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise EmbvizError(
                f"{path}: not a model folder (it has no config.json). Give the folder that holds "
                f"{holds}{otherwise}."
            )
        return str(path), True
    if path.exists():
        raise EmbvizError(f"{path}: is a file; a model is a folder with config.json and weights.")
    if spec.startswith((".", "/", "~")) or spec.count("/") > 1 or "\\" in spec:
        raise EmbvizError(f"{path}: no such model folder. Check the path{otherwise}.")
    return spec, False


def _load_from(where: str, local_only: bool) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # The task reports progress: no tqdm bars on stderr. (transformers leaves it unannotated.)
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=local_only)
    model = AutoModel.from_pretrained(where, local_files_only=local_only)
    return tokenizer, model


def _load_hub(hub_id: str) -> tuple[Any, Any]:
    try:  # already in the local hub cache: no network at all
        return _load_from(hub_id, True)
    except Exception:
        pass
    if _offline_env() or not hub_reachable():
        raise EmbvizError(
            f"This machine is offline, so the hub model {hub_id!r} cannot be downloaded, and it "
            "is not in the local cache. Use --model default (the bundled all-MiniLM-L6-v2), or "
            "download the model on a connected machine and give its folder with --model DIR."
        )
    try:
        return _load_from(hub_id, False)
    except Exception as exc:
        raise EmbvizError(
            f"{hub_id!r}: could not be loaded from the model hub ({type(exc).__name__}: {exc}). "
            "Check the name, or give a local model folder."
        ) from exc


def _st_config(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    modules, config = [], {}
    if (folder / "modules.json").is_file():
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    if (folder / "sentence_bert_config.json").is_file():
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return modules, config


def load(spec: str = "default") -> LoadedModel:
    """The model named by ``spec``, loaded once per process; EmbvizError when it cannot be."""
    where, local = resolve(spec)
    with _lock:
        if where in _loaded:
            return _loaded[where]
        set_torch_threads()
        try:
            tokenizer, model = _load_from(where, True) if local else _load_hub(where)
        except EmbvizError:
            raise
        except Exception as exc:
            raise EmbvizError(
                f"{where}: cannot be loaded as a text model ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}). embviz needs a transformers "
                "encoder (BERT, RoBERTa, MiniLM, MPNet, …) with its tokenizer."
            ) from exc
        if getattr(model.config, "is_encoder_decoder", False) and hasattr(model, "get_encoder"):
            model = model.get_encoder()
        if not hasattr(model.config, "hidden_size") or not getattr(tokenizer, "is_fast", False):
            raise EmbvizError(
                f"{where}: a {type(model).__name__} with a {type(tokenizer).__name__} is not a "
                "text encoder embviz can use (it needs hidden states and a fast tokenizer)."
            )
        model.eval()
        folder = Path(where)
        modules, st_config = _st_config(folder) if local else ([], {})
        limit = min(
            int(tokenizer.model_max_length or 512),
            int(getattr(model.config, "max_position_embeddings", 512) or 512),
        )
        max_length = int(st_config.get("max_seq_length") or limit)
        loaded = LoadedModel(
            name=spec,
            path=where,
            tokenizer=tokenizer,
            model=model,
            max_length=max_length,
            modules=modules,
            do_lower_case=bool(st_config.get("do_lower_case", False)),
        )
        _loaded[where] = loaded
        return loaded
