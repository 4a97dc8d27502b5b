"""Where a set of images comes from: a folder of images (sorted file-name order) or a table
(CSV/TSV/JSON Lines/Parquet, read by :mod:`embviz.io.documents`) with a column of image paths,
relative paths resolved against the table's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embviz.core.errors import LoadError
from embviz.io.images import IMAGE_SUFFIXES, PathImages, folder_images, image_column, resolve_paths


@dataclass
class ImageInput:
    """The images to show or embed, labelled by file name, with the table's other columns."""

    path: Path  # the folder or the table
    images: PathImages
    labels: list[str]
    metadata: dict[str, np.ndarray] = field(default_factory=dict)
    vectors: np.ndarray | None = None  # a table's own vector column, if it has one

    def __len__(self) -> int:
        return len(self.labels)


def read_image_input(path: str | Path, column: str | None = None) -> ImageInput:
    """A folder of images or a table with an image-path column; LoadError saying what is wrong."""
    path = Path(path)
    if path.is_dir():
        files = folder_images(path)
        return ImageInput(path, PathImages(files), [p.name for p in files])
    if not path.exists():
        raise LoadError(path, "does not exist.", hint="Give a folder of images or a table.")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise LoadError(
            path, "is one image.", hint="Give the folder that holds the images, or a table."
        )
    from embviz.io.documents import read_document_table

    table = read_document_table(path, text_column=column)
    if column is None:
        column = image_column(table.columns)
    if column is None or column not in table.columns:
        raise LoadError(
            path,
            "no column holds image file names (values ending in .png, .jpg, …).",
            hint=f"Columns: {', '.join(map(repr, table.columns))}. Add a column such as 'image' "
            "with each row's image path, relative to the table's folder.",
        )
    names = [str(v) for v in table.columns[column]]
    files = resolve_paths(names, path.parent)
    missing = [(i, f) for i, f in enumerate(files) if not f.is_file()]
    if missing:
        row, first = missing[0]
        raise LoadError(
            path,
            f"the image {names[row]!r} in column {column!r} does not exist ({first}); "
            f"{len(missing):,} of {len(files):,} images are missing.",
            row=row + 1,
            hint="Image paths are read relative to the table's folder.",
        )
    labels = _unique([Path(n).name for n in names])
    metadata = {c: v for c, v in table.columns.items()}
    return ImageInput(path, PathImages(files), labels, metadata, table.vectors)


def _unique(names: list[str]) -> list[str]:
    """File names as labels; a repeated one gets its row number."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [n if seen[n] == 1 else f"{n} (row {i + 1})" for i, n in enumerate(names)]
