"""Embedding Projector sprite sheets: one image holding every row's thumbnail.

The projector config's entry names it: ``"sprite": {"imagePath": "sprite.png", "singleImageDim":
[w, h]}`` (``sprite { image_path: ... single_image_dim: w single_image_dim: h }`` in a
``projector_config.pbtxt``). As TensorBoard's projector reads it, the sheet is a grid of w x h
tiles in row-major order: row ``i`` is the tile at column ``i % (W // w)`` and grid row
``i // (W // w)``, the first data point at the top left. TensorBoard writes square sheets of
``ceil(sqrt(N))`` tiles a side, padding the last grid row; :func:`write_sprite` does the same.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.errors import LoadError
from embviz.io.guards import reason
from embviz.io.images import open_rgba

SPRITE_HINT = (
    'A projector sprite entry is {"imagePath": "sprite.png", "singleImageDim": [width, '
    "height]}: the sheet holds one width x height tile per row, in row-major order."
)


class SpriteImages:
    """The tiles of a sprite sheet, one per row; the sheet is read when first asked."""

    def __init__(self, sheet: Path, tile: tuple[int, int], rows: int) -> None:
        self.sheet = Path(sheet)
        self.tile = (int(tile[0]), int(tile[1]))  # width, height
        self.rows = int(rows)
        self._pixels: np.ndarray | None = None

    def __len__(self) -> int:
        return self.rows

    @property
    def loaded(self) -> bool:
        """Whether the sheet has been read (a window reads it in a worker first)."""
        return self._pixels is not None

    def pixels(self) -> np.ndarray:
        """The whole sheet, H x W x 4 uint8 (checked to hold a tile for every row)."""
        if self._pixels is None:
            pixels = open_rgba(self.sheet)
            check_sheet(self.sheet, pixels.shape[1], pixels.shape[0], self.tile, self.rows)
            self._pixels = pixels
        return self._pixels

    def rgba(self, row: int) -> np.ndarray:
        if not 0 <= row < self.rows:
            raise IndexError(row)
        w, h = self.tile
        per_row = self.pixels().shape[1] // w
        top, left = (row // per_row) * h, (row % per_row) * w
        return self.pixels()[top : top + h, left : left + w]

    def describe(self, row: int) -> str:
        w, h = self.tile
        return f"{self.sheet.name}, tile {row} ({w}x{h})"

    def limited(self, rows: int) -> SpriteImages:
        """The first ``rows`` tiles (a set opened with a row limit)."""
        out = SpriteImages(self.sheet, self.tile, min(rows, self.rows))
        out._pixels = self._pixels
        return out


def sprite_images(sheet: Path, tile: tuple[int, int], rows: int) -> SpriteImages:
    """The tiles of ``sheet``, its size checked from the file's header (the pixels are read
    when first shown)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(sheet) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise LoadError(sheet, f"the sprite cannot be read as an image ({reason(exc)}).") from None
    check_sheet(sheet, width, height, tile, rows)
    return SpriteImages(sheet, tile, rows)


def check_sheet(path: Path, width: int, height: int, tile: tuple[int, int], rows: int) -> None:
    w, h = tile
    if w > width or h > height:
        raise LoadError(
            path,
            f"the sprite is {width}x{height} pixels, smaller than one {w}x{h} tile.",
            hint=SPRITE_HINT,
        )
    room = (width // w) * (height // h)
    if room < rows:
        raise LoadError(
            path,
            f"the {width}x{height} sprite holds {room:,} tiles of {w}x{h}, but the set has "
            f"{rows:,} rows.",
            hint="Check singleImageDim in the projector config, or write the sprite again with "
            "one tile per row.",
        )


def sprite_entry(config: Path, entry: dict[str, Any]) -> tuple[Path, tuple[int, int]] | None:
    """(sheet path, (w, h)) of a config entry's sprite, or None when it has none."""
    sprite = entry.get("sprite")
    if sprite is None or sprite == {}:
        return None
    where = f"the sprite of {entry.get('tensorName') or entry.get('tensorPath')!r}"
    if not isinstance(sprite, dict):
        raise LoadError(
            config, f"{where} is {type(sprite).__name__}, not an object.", hint=SPRITE_HINT
        )
    image = sprite.get("imagePath")
    dim = sprite.get("singleImageDim")
    if not isinstance(image, str) or not image:
        raise LoadError(config, f"{where} has no imagePath.", hint=SPRITE_HINT)
    if not (
        isinstance(dim, list)
        and len(dim) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in dim)
    ):
        raise LoadError(
            config, f"{where}: singleImageDim is {dim!r}, not [width, height].", hint=SPRITE_HINT
        )
    path = config.parent / image
    if not path.is_file() and (config.parent / Path(image).name).is_file():
        path = config.parent / Path(image).name
    if not path.is_file():
        raise LoadError(
            config,
            f"its sprite image {image} is missing.",
            hint="Put the sprite beside the config, or remove the sprite entry.",
        )
    return path, (int(dim[0]), int(dim[1]))


def sprite_grid(images: np.ndarray) -> np.ndarray:
    """N images (N x h x w, or N x h x w x C uint8) tiled as TensorBoard's projector expects:
    a square grid of ceil(sqrt(N)) tiles a side, row-major, the rest of the last row empty."""
    images = np.asarray(images)
    n, h, w = images.shape[:3]
    side = max(1, math.ceil(math.sqrt(n)))
    channels = images.shape[3:]
    sheet = np.zeros((side * h, side * w, *channels), dtype=images.dtype)
    for i in range(n):
        top, left = (i // side) * h, (i % side) * w
        sheet[top : top + h, left : left + w] = images[i]
    return sheet


def write_sprite(images: np.ndarray, path: str | Path) -> tuple[int, int]:
    """Write ``images`` (N x h x w [x C], uint8) as a PNG sprite sheet; returns (w, h) of one
    tile, for the config's singleImageDim."""
    from PIL import Image

    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError("sprite images must be uint8")
    Image.fromarray(sprite_grid(images)).save(path)
    return int(images.shape[2]), int(images.shape[1])
