"""Embedding Projector configs (standalone JSON or ``projector_config.pbtxt``) and the raw float32
``.bytes`` tensors they describe.

Every entry's types are checked before use; when some tensor files are missing, the first present
one is opened and the missing ones are named in a warning; asking for a missing one is an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.guards import check_memory
from embviz.io.images_sprite import sprite_entry, sprite_images
from embviz.io.metadata import read_text
from embviz.io.projector import _limited, read_tensors_tsv, with_metadata

_PBTXT_PAIR = re.compile(r'(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|[-\w.]+)')
_SPRITE_BLOCK = re.compile(r"\bsprite\s*\{([^}]*)\}")


def _pbtxt_sprite(body: str) -> dict[str, Any]:
    """``image_path: "s.png" single_image_dim: 28 single_image_dim: 28`` as the JSON spelling."""
    sprite: dict[str, Any] = {}
    for key, value in _PBTXT_PAIR.findall(body):
        try:
            parsed: Any = json.loads(value) if value.startswith('"') else int(value)
        except ValueError:
            parsed = value  # left as text: sprite_entry names it
        if key == "single_image_dim":
            sprite.setdefault("singleImageDim", []).append(parsed)
        elif key == "image_path":
            sprite["imagePath"] = parsed
    return sprite


CONFIG_HINT = (
    "A projector config holds 'embeddings': a list of entries, each with 'tensorPath' (text), "
    "'tensorShape' ([rows, dims], whole numbers) and optionally 'tensorName', 'metadataPath' "
    "and 'sprite' ({'imagePath', 'singleImageDim': [width, height]})."
)


def parse_config(path: Path) -> list[dict[str, Any]]:
    """The embeddings of a projector config, as dicts with camelCase keys (JSON's spelling),
    their types checked."""
    text = read_text(path)
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(
                path, f"not valid projector JSON ({exc.msg}).", line=exc.lineno, hint=CONFIG_HINT
            ) from None
        embeddings = data.get("embeddings", []) if isinstance(data, dict) else None
        if not isinstance(embeddings, list):
            raise LoadError(
                path,
                f"'embeddings' is {type(embeddings).__name__}, not a list of entries.",
                hint=CONFIG_HINT,
            )
    else:
        embeddings = []
        for block in re.split(r"\bembeddings\s*\{", text)[1:]:
            entry: dict[str, Any] = {}
            sprite = _SPRITE_BLOCK.search(block)  # the one nested message an entry has
            if sprite is not None:
                entry["sprite"] = _pbtxt_sprite(sprite[1])
                block = block[: sprite.start()] + block[sprite.end() :]
            for key, value in _PBTXT_PAIR.findall(block.split("}")[0]):
                camel = re.sub(r"_(\w)", lambda m: m[1].upper(), key)
                try:
                    value = json.loads(value) if value.startswith('"') else int(value)
                except ValueError:
                    pass  # left as text: the type check below names it
                if camel == "tensorShape":
                    entry.setdefault(camel, []).append(value)
                else:
                    entry[camel] = value
            embeddings.append(entry)
    for number, entry in enumerate(embeddings, 1):
        _check_entry(path, number, entry)
    return embeddings


def _check_entry(path: Path, number: int, entry: Any) -> None:
    where = f"embedding entry {number}"
    if not isinstance(entry, dict):
        raise LoadError(
            path, f"{where} is {type(entry).__name__}, not an object.", hint=CONFIG_HINT
        )
    if isinstance(entry.get("tensorName"), str):
        where += f" ({entry['tensorName']!r})"
    for key in ("tensorPath", "tensorName", "metadataPath"):
        value = entry.get(key)
        required = key == "tensorPath"
        if (value is None and required) or (value is not None and not isinstance(value, str)):
            shown = "missing" if value is None else f"{value!r}, not text"
            raise LoadError(path, f"{where}: '{key}' is {shown}.", hint=CONFIG_HINT)
    shape = entry.get("tensorShape")
    if shape is not None and not (
        isinstance(shape, list)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
    ):
        raise LoadError(
            path,
            f"{where}: 'tensorShape' is {shape!r}, not [rows, dims] as whole numbers.",
            hint=CONFIG_HINT,
        )


def _resolve(config: Path, name: str) -> Path:
    """A path in a config, relative to the config's folder (or just its file name there)."""
    for candidate in (config.parent / name, config.parent / Path(name).name):
        if candidate.is_file():
            return candidate
    return config.parent / name


class ProjectorConfigFormat:
    name = "projector-config"
    title = "Embedding Projector config (.json, .pbtxt) with .bytes or .tsv tensors"
    extensions = (".json", ".pbtxt")

    def sniff(self, path: Path, head: bytes) -> float:
        if b"embeddings" in head and (b"tensorPath" in head or b"tensor_path" in head):
            return 0.9
        return 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Reading {path.name}")
        return _limited(read_config_entry(path, options.get("tensor")), options.get("limit"))


class ProjectorBytesFormat:
    """A ``.bytes`` file opened directly: its shape comes from a projector config beside it."""

    name = "projector-bytes"
    title = "Embedding Projector raw float32 (.bytes, with its config)"
    extensions = (".bytes",)

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.8 if path.suffix == ".bytes" else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Reading {path.name}")
        for config in sorted(path.parent.glob("*.json")) + sorted(path.parent.glob("*.pbtxt")):
            try:
                entries = parse_config(config)
            except LoadError:
                continue
            for entry in entries:
                if Path(entry["tensorPath"]).name == path.name:
                    eset = read_config_entry(config, entry.get("tensorName"))
                    return _limited(eset, options.get("limit"))
        raise LoadError(
            path,
            "raw float32 values without their shape: no projector config beside it names it.",
            hint="Open the projector config (.json or projector_config.pbtxt) that lists this file.",
        )


def _choose(
    config: Path, entries: list[dict[str, Any]], tensor: str | int | None
) -> tuple[dict[str, Any], list[str]]:
    """The entry to open and the warnings about the others."""

    def name(e: dict[str, Any]) -> str:
        return f"{e.get('tensorName')!r} ({e.get('tensorPath')})"

    if isinstance(tensor, int):
        chosen = entries[tensor : tensor + 1]
    elif tensor:
        chosen = [e for e in entries if e.get("tensorName") == tensor]
    else:  # the first one whose tensor file is here
        chosen = [e for e in entries if _resolve(config, e["tensorPath"]).is_file()]
    if not chosen:
        raise LoadError(
            config,
            f"none of its tensor files is here: {', '.join(map(name, entries))}."
            if tensor is None
            else f"it has no embedding {tensor!r}; it lists {', '.join(map(name, entries))}.",
            hint="Put the tensor files beside the config (or in the folders it names).",
        )
    missing = [e for e in entries if not _resolve(config, e["tensorPath"]).is_file()]
    warnings = []
    if missing:
        warnings.append(
            f"{len(missing)} of the {len(entries)} embeddings in {config.name} have no tensor file "
            f"here: {', '.join(map(name, missing))}; opened {name(chosen[0])}."
        )
    return chosen[0], warnings


def read_config_entry(config: Path, tensor: str | int | None) -> EmbeddingSet:
    entries = parse_config(config)
    if not entries:
        raise LoadError(
            config, "the config lists no embeddings.", hint="Add an 'embeddings' entry."
        )
    entry, notes = _choose(config, entries, tensor)
    tensors = _resolve(config, entry["tensorPath"])
    if not tensors.is_file():
        raise LoadError(
            config,
            f"its tensor file {entry['tensorPath']} is missing.",
            hint="Put the tensor file beside the config (or where its tensorPath says).",
        )
    meta = _resolve(config, entry["metadataPath"]) if entry.get("metadataPath") else None
    if meta is not None and not meta.is_file():
        raise LoadError(
            config,
            f"its metadata file {entry['metadataPath']} is missing.",
            hint="Put the metadata file beside the config, or remove metadataPath from it.",
        )
    try:  # a sprite that cannot be used: the vectors open without images, and it is said
        sprite = sprite_entry(config, entry)
    except LoadError as exc:
        sprite = None
        notes.append(f"no thumbnails: {exc}")
    if tensors.suffix == ".tsv":
        vectors, labels = read_tensors_tsv(tensors, notes)
        eset = with_metadata(tensors, meta, vectors, labels, "projector-tsv")
        eset.source.warnings[:0] = notes
        return _with_sprite(eset, sprite)
    shape = entry.get("tensorShape")
    if not shape or len(shape) != 2:
        raise LoadError(
            config,
            "the entry has no tensorShape [rows, dims] for the raw tensors.",
            hint='Add it, e.g. "tensorShape": [10000, 200].',
        )
    rows, dims = int(shape[0]), int(shape[1])
    size = tensors.stat().st_size
    if size != rows * dims * 4:
        raise LoadError(
            tensors,
            f"holds {size:,} bytes, but tensorShape [{rows}, {dims}] in {config.name} "
            f"needs {rows * dims * 4:,} (float32).",
            hint="Check the tensorShape in the config, or export the tensors again.",
        )
    check_memory(tensors, size, f"the {rows:,} x {dims:,} tensors")
    vectors = (
        np.frombuffer(tensors.read_bytes(), dtype="<f4").reshape(rows, dims).astype(np.float32)
    )
    eset = with_metadata(tensors, meta, vectors, None, "projector-bytes")
    eset.source.warnings[:0] = notes
    return _with_sprite(eset, sprite)


def _with_sprite(eset: EmbeddingSet, sprite: tuple[Path, tuple[int, int]] | None) -> EmbeddingSet:
    """The set with its sprite's tiles as its images (the sheet is read when first shown); a
    sheet too small for the rows leaves the set without images, with a warning."""
    if sprite is not None:
        try:
            eset.images = sprite_images(sprite[0], sprite[1], len(eset))
        except LoadError as exc:
            eset.source.warnings.append(f"no thumbnails: {exc}")
    return eset
