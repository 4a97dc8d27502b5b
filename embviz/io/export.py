"""Export: a set in any registered writer's format, and a projection's coordinates as CSV.

Writers are registered contributions like formats and reducers: the built-ins are in
:mod:`embviz.io.export_formats`; third parties add theirs through the ``embviz.writers`` entry
point group (an object or a class with a writer's shape, see that module).

Every write goes through :func:`embviz.io.safe_write.atomic_write`: an existing file is replaced
only with ``force=True`` (the CLI's ``--force``; the window asks first, then passes it), links,
folders and devices are never replaced, and a failed or interrupted export leaves no new file,
sidecars included.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Protocol

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.plugins import Registry
from embviz.io.export_formats import builtin_writers, plain, table_columns
from embviz.io.safe_write import atomic_write, check_outputs


class Writer(Protocol):
    name: str
    title: str
    extensions: tuple[str, ...]

    def outputs(self, path: Path) -> list[Path]: ...

    def size(self, eset: EmbeddingSet) -> int | None: ...

    def write(self, eset: EmbeddingSet, temps: list[Path]) -> None: ...


writers: Registry[Writer] = Registry("embviz.writers", builtin_writers)

# The built-in formats by extension (plugins add theirs through their ``extensions``).
EXTENSIONS = {ext: w.name for w in builtin_writers() for ext in w.extensions}


def extension_map() -> dict[str, str]:
    """Every registered writer's extensions -> its name (built-ins win a tie)."""
    found: dict[str, str] = {}
    for writer in writers:
        for ext in writer.extensions:
            found.setdefault(ext.lower(), writer.name)
    return found | EXTENSIONS


def format_for(path: str | Path, to: str | None = None) -> str:
    """The export format: ``to`` when given, else from the file's extension."""
    if to is not None:
        if to not in writers:
            known = ", ".join(writers.names())
            raise EmbvizError(f"Unknown export format {to!r}; choose one of: {known}.")
        return to
    suffix = Path(path).suffix.lower()
    by_extension = extension_map()
    if suffix not in by_extension:
        raise EmbvizError(
            f"Cannot tell the format of {path} from its extension {suffix or '(none)'!r}: "
            f"use one of {', '.join(by_extension)}, or name it with --to "
            f"({', '.join(writers.names())})."
        )
    return by_extension[suffix]


def output_paths(path: str | Path, to: str | None = None) -> list[Path]:
    """The files an export to ``path`` writes: the file and its sidecars."""
    return writers.get(format_for(path, to)).outputs(Path(path))


def check_export(path: str | Path, to: str | None = None, *, force: bool = False) -> list[Path]:
    """Refuse a bad output (unknown format, existing file without force, folder, device, missing
    folder) before any slow work; returns the files that will be written."""
    outputs = output_paths(path, to)
    check_outputs(outputs, force)
    return outputs


def export(
    eset: EmbeddingSet, path: str | Path, to: str | None = None, *, force: bool = False
) -> list[Path]:
    """Write ``eset`` to ``path``; returns the files written (a pair for projector and .npy).

    ``force``: replace existing files (never links, folders or devices; a link's target is
    written instead).
    """
    writer = writers.get(format_for(path, to))
    outputs = writer.outputs(Path(path))
    with atomic_write(outputs, force=force, size=writer.size(eset)) as temps:
        writer.write(eset, temps)
    return outputs


def write_coords_csv(
    eset: EmbeddingSet, coords: np.ndarray, path: str | Path, *, force: bool = False
) -> list[Path]:
    """A projection's coordinates: label, x, y (, z), then the set's metadata columns.

    Rows whose coordinates are not finite (rows left out of the projection) get empty cells.
    """
    coords = np.asarray(coords)
    if coords.shape[0] != len(eset):
        raise EmbvizError(f"The map has {coords.shape[0]} points but the set {len(eset)} rows.")
    axes = ["x", "y", "z"][: coords.shape[1]]
    names, columns = table_columns(eset)
    path = Path(path)
    with atomic_write([path], force=force) as (temp,):
        with open(temp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(names[:1] + axes + names[1:])
            for i, xy in enumerate(coords.tolist()):
                row = [plain(c[i]) for c in columns]
                cells = [f"{v:.9g}" if np.isfinite(v) else "" for v in xy]
                writer.writerow(row[:1] + cells + row[1:])
    return [path]
