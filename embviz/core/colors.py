"""Colours for the map: a colour-blind-safe qualitative palette, a perceptual colormap, and the
rule that decides whether a metadata column is categorical or numeric.

Every point gets a small integer code and the map draws codes through a lookup table (at most 256
colours), so recolouring a million points is one gather, and the renderer never handles RGB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet

MAX_CATEGORIES = 20
OTHER = "(other)"
MISSING = "(missing)"

# Okabe & Ito (2008), the standard colour-blind-safe set (black left out: it reads as "missing"),
# then Paul Tol's "muted" and "light" schemes (also designed for colour-blind readers) up to 20.
QUALITATIVE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499", "#77AADD", "#EE8866", "#BBCC33", "#FFAABB",
]  # fmt: skip
# viridis (van der Walt & Smith) at 0, 0.1, ..., 1: perceptually uniform, readable in grey
VIRIDIS_STOPS = [
    "#440154", "#482475", "#414487", "#355F8D", "#2A788E", "#21918C",
    "#22A884", "#44BF70", "#7AD151", "#BDDF26", "#FDE725",
]  # fmt: skip
MISSING_RGB = (150, 150, 150)
# values that say "none": grey (embviz.core.topics names the points no cluster took "Unclustered")
GREY_CATEGORIES = frozenset({MISSING, "Unclustered"})


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def colormap(stops: list[str] = VIRIDIS_STOPS, n: int = 256) -> np.ndarray:
    """``n`` x 3 uint8 colours interpolated linearly between equally spaced ``stops``."""
    rgb = np.array([hex_to_rgb(s) for s in stops], dtype=np.float64)
    at = np.linspace(0.0, 1.0, len(stops))
    t = np.linspace(0.0, 1.0, n)
    out = np.stack([np.interp(t, at, rgb[:, c]) for c in range(3)], axis=1)
    return np.round(out).astype(np.uint8)


def is_numeric(values: np.ndarray) -> bool:
    return np.asarray(values).dtype.kind in "iufb"


@dataclass
class Colouring:
    """Per-row colour codes and the table they index; what the legend shows."""

    codes: np.ndarray  # N uint8 codes into ``table``
    table: np.ndarray  # K x 3 uint8 colours (K <= 256)
    kind: str  # "single", "categorical" or "numeric"
    column: str = ""
    entries: list[tuple[str, tuple[int, int, int], int]] = field(default_factory=list)
    vmin: float = 0.0  # numeric: the value at the first and last colour
    vmax: float = 0.0


def single_colour(n: int, rgb: tuple[int, int, int]) -> Colouring:
    return Colouring(np.zeros(n, dtype=np.uint8), np.array([rgb], dtype=np.uint8), "single")


def colour_by(column: str, values: np.ndarray) -> Colouring:
    """Categorical when the column has at most 20 distinct values (or is not numeric), else a
    colormap over the numeric range (1st to 99th percentile, so outliers don't flatten it)."""
    values = np.asarray(values)
    if is_numeric(values):
        finite = np.isfinite(values.astype(np.float64))
        distinct = np.unique(values[finite])
        if len(distinct) > MAX_CATEGORIES:
            return _numeric(column, values.astype(np.float64), finite)
    return _categorical(column, values)


def colouring_for(eset: EmbeddingSet, column: str) -> Colouring:
    """:func:`colour_by` of a set's metadata column, once per column and metadata version (kept
    in the set's derived cache: every map of the set shares it; a reader may make it early, in
    its worker, for the column a set opens coloured by)."""
    values = eset.metadata[column]
    found: Colouring = eset.derived(
        ("colouring", column), lambda: colour_by(column, values), uses_metadata=True
    )
    return found


def colour_numeric(column: str, values: np.ndarray) -> Colouring:
    """A colormap over a numeric score whatever its number of distinct values (NaN: grey)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return single_colour(len(values), MISSING_RGB)
    return _numeric(column, values, finite)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted distinct texts, each value's index among them, their counts), as
    ``np.unique(texts, return_inverse=True, return_counts=True)`` gives them, but with one dict
    lookup per value and the texts made once per distinct value: ten million cells of a category
    column cost about a second, not minutes of sorting strings."""
    seen: dict[object, int] = {}
    try:
        codes = np.fromiter(
            (seen.setdefault(v, len(seen)) for v in values.tolist()), np.int64, len(values)
        )
    except TypeError:  # unhashable cells (lists): compare their texts
        text = np.array([_as_text(v) for v in values.tolist()], dtype=object)
        names, inverse, counts = np.unique(text, return_inverse=True, return_counts=True)
        return names, inverse.reshape(-1), counts
    texts = np.empty(len(seen), dtype=object)
    texts[:] = [_as_text(v) for v in seen]  # equal texts of different values (NaNs) merge here
    names, remap = np.unique(texts, return_inverse=True)
    inverse = remap.reshape(-1)[codes]
    return names, inverse, np.bincount(inverse, minlength=len(names))


def _categorical(column: str, values: np.ndarray) -> Colouring:
    names, inverse, counts = _factorize(values)
    by_size = np.lexsort((names, -counts))  # most common first, ties by name
    if len(names) > MAX_CATEGORIES:
        shown = by_size[: MAX_CATEGORIES - 1]
    else:
        shown = by_size
    code_of = np.full(len(names), len(shown), dtype=np.int64)  # the rest: "other"
    code_of[shown] = np.arange(len(shown))
    codes = code_of[inverse]
    table = [hex_to_rgb(QUALITATIVE[i]) for i in range(len(shown))]
    entries = [(str(names[k]), table[i], int(counts[k])) for i, k in enumerate(shown)]
    missing = [i for i, (name, _, _) in enumerate(entries) if name in GREY_CATEGORIES]
    for i in missing:  # missing values (and points no topic took) are grey whatever their rank
        table[i] = MISSING_RGB
        entries[i] = (entries[i][0], MISSING_RGB, entries[i][2])
    if len(names) > len(shown):
        table.append(MISSING_RGB)
        entries.append((OTHER, MISSING_RGB, int(len(values) - counts[shown].sum())))
    return Colouring(
        codes.astype(np.uint8), np.array(table, dtype=np.uint8), "categorical", column, entries
    )


def _numeric(column: str, values: np.ndarray, finite: np.ndarray) -> Colouring:
    lo, hi = np.percentile(values[finite], [1, 99])
    if hi <= lo:
        lo, hi = float(values[finite].min()), float(values[finite].max()) or 1.0
    table = np.vstack([colormap(n=255), np.array([MISSING_RGB], dtype=np.uint8)])
    scaled = np.zeros(len(values))
    scaled[finite] = (values[finite] - lo) / (hi - lo) * 254
    codes = np.clip(np.round(scaled), 0, 254).astype(np.uint8)
    codes[~finite] = 255
    return Colouring(codes, table, "numeric", column, vmin=float(lo), vmax=float(hi))


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return MISSING
    return str(value)
