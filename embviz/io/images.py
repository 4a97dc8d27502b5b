"""Images that belong to the rows of a set: files named by a column or found in a folder, or the
tiles of an Embedding Projector sprite sheet (:mod:`embviz.io.images_sprite`).

An :class:`ImageSource` gives row ``i``'s image as an RGBA ``uint8`` array (H x W x 4), read with
Pillow when first asked (nothing is read when a set opens). A set's images are found by
:func:`image_source`: the set's own source (``eset.images``, set by the sprite reader and by
``embviz embed --images``), else a metadata column whose values are image file names (relative
names resolved against the set's file's folder). A file that cannot be read raises a
:class:`~embviz.core.errors.LoadError` naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError
from embviz.io.guards import reason

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ppm")
PATH_COLUMNS = ("image", "image_path", "imagepath", "path", "file", "filename", "img")
IMAGE_HINT = "Give PNG, JPEG, GIF, BMP, TIFF or WebP files that an image viewer opens."


@runtime_checkable
class ImageSource(Protocol):
    """The images of a set's rows, one per row, in row order."""

    def __len__(self) -> int: ...

    def rgba(self, row: int) -> np.ndarray:
        """Row ``row``'s image as H x W x 4 uint8 (RGBA); LoadError when it cannot be read."""
        ...

    def describe(self, row: int) -> str:
        """Where the image comes from, for a person (a file, or a sprite's tile)."""
        ...


def open_rgba(path: Path, draft: int | None = None) -> np.ndarray:
    """An image file as H x W x 4 uint8; LoadError (the file and why) when it is not one.

    ``draft``: only a thumbnail of about this size is wanted, so a JPEG is decoded at 1/2, 1/4
    or 1/8 of its size (Pillow's draft mode: several times faster for photos)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if draft is not None:
                image.draft("RGB", (draft, draft))
            image.load()
            return np.asarray(image.convert("RGBA"), dtype=np.uint8)
    except FileNotFoundError:
        raise LoadError(path, "the image file does not exist.", hint=IMAGE_HINT) from None
    except UnidentifiedImageError:
        raise LoadError(path, "is not an image Pillow can read.", hint=IMAGE_HINT) from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged files
        raise LoadError(
            path, f"cannot be read as an image ({reason(exc)}).", hint=IMAGE_HINT
        ) from None


class PathImages:
    """One image file per row."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = [Path(p) for p in paths]

    def __len__(self) -> int:
        return len(self.paths)

    def rgba(self, row: int) -> np.ndarray:
        return open_rgba(self.paths[row])

    def describe(self, row: int) -> str:
        return str(self.paths[row])

    def thumbnail(self, row: int, size: int) -> np.ndarray:
        """Row ``row``'s image fitted to ``size`` pixels (a JPEG decoded at a reduced size)."""
        return thumbnail(open_rgba(self.paths[row], draft=size), size)


def folder_images(folder: str | Path) -> list[Path]:
    """The image files directly in ``folder``, in sorted file-name order; LoadError when none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(folder, "is not a folder.", hint="Give a folder of images or a table.")
    found = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
        key=lambda p: p.name,
    )
    if not found:
        raise LoadError(
            folder,
            "holds no images (no file ends in " + ", ".join(IMAGE_SUFFIXES) + ").",
            hint="Put the images directly in the folder, or give a table with an image column.",
        )
    return found


def looks_like_image_names(values: Sequence[object], sample: int = 50) -> bool:
    """Whether a column's values are image file names (every one of a sample)."""
    shown = [v for v in list(values[:sample]) if isinstance(v, str) and v]
    return bool(shown) and all(Path(v).suffix.lower() in IMAGE_SUFFIXES for v in shown)


def image_column(columns: dict[str, np.ndarray]) -> str | None:
    """The column holding image file names: a usual name first, else the first that fits."""
    fitting = [
        c
        for c, v in columns.items()
        if v.dtype.kind in "OU" and looks_like_image_names([str(x) for x in v[:50]])
    ]
    named = [c for c in fitting if c.lower().replace(" ", "_") in PATH_COLUMNS]
    chosen = named or fitting
    return chosen[0] if chosen else None


def resolve_paths(values: Sequence[object], base: Path) -> list[Path]:
    """Image names as paths: relative ones against ``base`` (the table's folder)."""
    out = []
    for value in values:
        path = Path(str(value)).expanduser()
        out.append(path if path.is_absolute() else base / path)
    return out


def image_source(eset: EmbeddingSet) -> ImageSource | None:
    """The images of ``eset``'s rows, or None when it has none."""
    own = getattr(eset, "images", None)
    if isinstance(own, ImageSource) and len(own) == len(eset):
        return own

    def find() -> ImageSource | None:
        column = image_column(eset.metadata)
        if column is None:
            return None
        base = Path(eset.source.path).parent if eset.source.path else Path.cwd()
        return PathImages(resolve_paths(list(eset.metadata[column]), base))

    return eset.derived(("image-source",), find, uses_metadata=True)


def thumbnail(rgba: np.ndarray, size: int) -> np.ndarray:
    """``rgba`` scaled to fit a ``size`` x ``size`` box (aspect kept), as H x W x 4 uint8;
    Pillow's LANCZOS when shrinking, nearest pixels when enlarging small images (digits stay
    crisp)."""
    from PIL import Image

    h, w = rgba.shape[:2]
    scale = min(size / max(w, 1), size / max(h, 1))
    new = (max(1, round(w * scale)), max(1, round(h * scale)))
    if new == (w, h):
        return np.ascontiguousarray(rgba)
    method = Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.NEAREST
    return np.asarray(Image.fromarray(rgba, "RGBA").resize(new, method), dtype=np.uint8)
