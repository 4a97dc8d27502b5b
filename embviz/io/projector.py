"""TensorBoard Embedding Projector files: tensors TSV (with or without a label column), raw
float32 ``.bytes`` described by a projector config (standalone JSON or ``projector_config.pbtxt``),
and the metadata TSV beside them (read as the projector reads it: see :mod:`embviz.io.metadata`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.guards import check_memory, size_text
from embviz.io.metadata import label_column, read_projector_metadata, read_text, typed
from embviz.io.textparse import drop_duplicates, flag_nonfinite, has_control_bytes

_PBTXT_PAIR = re.compile(r'(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|[-\w.]+)')


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CONFIG_HINT = (
    "A projector config holds 'embeddings': a list of entries, each with 'tensorPath' (text), "
    "'tensorShape' ([rows, dims], whole numbers) and optionally 'tensorName' and 'metadataPath'."
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


def _sidecar(tensors: Path) -> Path | None:
    stem = re.sub(r"_?(tensors|vectors)$", "", tensors.name.split(".")[0])
    names = [f"{stem}_metadata.tsv", f"{stem}_labels.tsv", "metadata.tsv"] if stem else []
    names += ["metadata.tsv"]
    return next((tensors.with_name(n) for n in names if tensors.with_name(n).is_file()), None)


def with_metadata(
    path: Path, meta: Path | None, vectors: np.ndarray, labels: list[str] | None, fmt: str
) -> EmbeddingSet:
    """Build the set: labels and typed columns from the metadata file, row numbers otherwise."""
    warnings: list[str] = []
    metadata: dict[str, np.ndarray] = {}
    if meta is not None:
        header, columns = read_projector_metadata(meta, warnings)
        rows = columns[0]
        if len(rows) != vectors.shape[0]:
            raise LoadError(
                meta,
                f"has {len(rows)} metadata rows but {path.name} has {vectors.shape[0]} vectors.",
                hint="Give the metadata file one line per vector (plus a header when it has tabs).",
            )
        names = header or ["label"]
        key = label_column(names, columns) if header else 0
        if key is not None and len(set(columns[key])) != len(rows):
            warnings.append(
                f"the labels in {meta.name} are not unique; rows are named by number and the "
                "labels kept as the metadata column 'label'."
            )
            key = None
        if labels is None and key is not None:
            labels = columns[key]
        metadata = {
            n: typed(col) for c, (n, col) in enumerate(zip(names, columns, strict=True)) if c != key
        }
    if labels is None:
        labels = [str(i) for i in range(vectors.shape[0])]
    if len(set(labels)) != len(labels):  # labels from the tensors file itself
        index = {label: i for i, label in reversed(list(enumerate(labels)))}
        keep = sorted(index.values())
        labels, vectors = drop_duplicates(labels, vectors, warnings)
        metadata = {k: v[keep] for k, v in metadata.items()}
    flag_nonfinite(labels, vectors, warnings)
    source = Source(str(path), fmt, "float32" if fmt == "projector-bytes" else "text", warnings)
    return EmbeddingSet(labels, vectors, metadata, source=source)


def read_tensors_tsv(
    path: Path, warnings: list[str] | None = None
) -> tuple[np.ndarray, list[str] | None]:
    """Numbers separated by tabs, one vector per line; a first column of text is the labels."""
    size = path.stat().st_size
    check_memory(
        path,
        8 * size,
        f"reading this {size_text(size)} tensors TSV as text (about 8x its size)",
        hint="Convert it to .npy or projector .bytes, which are read without that overhead.",
    )
    text = read_text(path, warnings)
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    if not lines:
        raise LoadError(path, "the file holds no rows.", hint="Give one vector per line.")
    first = lines[0][1].rstrip("\t ").split("\t")
    labelled = not _is_number(first[0])
    dims = len(first) - labelled
    if dims < 1:
        raise LoadError(
            path,
            "the first row has a label but no values.",
            line=lines[0][0],
            hint="Each line holds the vector's numbers separated by tabs.",
        )
    if labelled and not any(_is_number(v) for v in first[1:]):
        raise LoadError(
            path,
            f"the first line ({', '.join(map(repr, first))}) is a header of names, and a tensors "
            "TSV has none: this looks like a metadata file (labels and columns), not vectors.",
            line=lines[0][0],
            hint="Open the tensors file or the projector config; the metadata file is attached "
            "to it.",
        )
    cells = [line.rstrip("\t ").split("\t") for _, line in lines]
    labels = [row[0] for row in cells] if labelled else None
    values = [row[1:] for row in cells] if labelled else cells
    try:
        with np.errstate(over="ignore"):  # beyond float32: inf, flagged by flag_nonfinite
            vectors = np.array(values, dtype=np.float64).astype(np.float32)
    except ValueError:
        for (number, _), row in zip(lines, values, strict=True):
            if len(row) != dims:
                raise LoadError(
                    path,
                    f"row has {len(row)} values, expected {dims}.",
                    line=number,
                    hint="Give every line the same number of values, separated by tabs.",
                ) from None
            bad = next((v for v in row if not _is_number(v)), None)
            if bad is not None:
                raise LoadError(
                    path,
                    f"{bad[:40]!r} is not a number.",
                    line=number,
                    hint="Each line holds the vector's numbers separated by tabs.",
                ) from None
        raise
    return vectors, labels


class ProjectorTsvFormat:
    name = "projector-tsv"
    title = "Embedding Projector tensors (.tsv)"
    extensions = (".tsv",)

    def sniff(self, path: Path, head: bytes) -> float:
        lines = [ln for ln in head.removeprefix(b"\xef\xbb\xbf").split(b"\n")[:20] if ln.strip()]
        if len(lines) > 1 and not head.endswith(b"\n"):
            lines = lines[:-1]
        if not lines or has_control_bytes(head[:4096]) or b"\t" not in lines[0]:
            return 0.0
        rows = [ln.decode("utf-8", "replace").rstrip("\t \r").split("\t") for ln in lines]
        if len({len(r) for r in rows}) != 1:
            return 0.0
        if all(_is_number(c) for r in rows for c in r):
            return 0.85
        if all(_is_number(c) for r in rows for c in r[1:]) and not _is_number(rows[0][0]):
            return 0.75
        return 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Reading {path.name}")
        notes: list[str] = []
        vectors, labels = read_tensors_tsv(path, notes)
        eset = with_metadata(path, _sidecar(path), vectors, labels, self.name)
        eset.source.warnings[:0] = notes
        return _limited(eset, options.get("limit"))


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
    if tensors.suffix == ".tsv":
        vectors, labels = read_tensors_tsv(tensors, notes)
        eset = with_metadata(tensors, meta, vectors, labels, "projector-tsv")
        eset.source.warnings[:0] = notes
        return eset
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
    return eset


def _limited(eset: EmbeddingSet, limit: int | None) -> EmbeddingSet:
    if not limit or limit >= len(eset):
        return eset
    meta = {k: v[:limit] for k, v in eset.metadata.items()}
    return EmbeddingSet(eset.labels[:limit], eset.vectors[:limit], meta, source=eset.source)
