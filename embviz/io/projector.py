"""TensorBoard Embedding Projector files: tensors TSV (with or without a label column) and the
metadata TSV beside them (read as the projector reads it: see :mod:`embviz.io.metadata`). Configs
and raw ``.bytes`` tensors: :mod:`embviz.io.projector_config`.
"""

from __future__ import annotations

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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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


def _limited(eset: EmbeddingSet, limit: int | None) -> EmbeddingSet:
    if not limit or limit >= len(eset):
        return eset
    meta = {k: v[:limit] for k, v in eset.metadata.items()}
    out = EmbeddingSet(eset.labels[:limit], eset.vectors[:limit], meta, source=eset.source)
    limited = getattr(eset.images, "limited", None)  # a sprite's first tiles
    out.images = limited(limit) if limited is not None else None
    return out
