"""What the window's "Model anatomy" panel asks of a model, as tasks and plain data (Qt-free).

:func:`tables_task` reads a model's own tables (:mod:`embviz.models.model_tables`) in a worker:
the input token table, the learned positions, the token types where the model has them, a
sinusoidal table of the same size beside the positions, and both position x position cosine
matrices for the heatmaps. :func:`sequence_edges` joins positions in order (the curve they trace
on a map), and :func:`piece_summary` counts how many words split into 1, 2, 3 and 4+ pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.models.pieces import SPLIT_COLUMN, Pieces

POSITION = "position"  # the positions tables' metadata column (model_tables and sinusoidal)
PIECES = SPLIT_COLUMN  # the metadata column: how many pieces the tokenizer cuts a label into
SUMMARY_BINS = ("1", "2", "3", "4+")


@dataclass
class ModelTables:
    """A model's tables as sets, and what the heatmaps show."""

    model: str  # "default", a folder or a hub id
    title: str  # what a person calls the model
    tokens: EmbeddingSet
    positions: EmbeddingSet | None  # None: positions are rotary or relative (see ``notes``)
    token_types: EmbeddingSet | None
    sinusoidal: EmbeddingSet
    position_cosines: np.ndarray  # learned positions (or empty when there are none)
    sinusoidal_cosines: np.ndarray
    notes: list[str] = field(default_factory=list)

    def sets(self) -> list[EmbeddingSet]:
        found = [self.tokens, self.positions, self.token_types, self.sinusoidal]
        return [s for s in found if s is not None]


def tables_task(model: str = "default") -> Task[ModelTables]:
    """Load ``model`` and read its tables; yields Progress between the steps."""
    from embviz.models import hf_loading
    from embviz.models.model_tables import (
        position_cosines,
        position_table,
        sinusoidal_table,
        token_table,
        token_type_table,
    )
    from embviz.models.transformers import model_title

    yield Progress(None, f"Loading model {model}…")
    loaded = hf_loading.load(model)
    title = model_title(model)
    notes: list[str] = []
    yield Progress(0.3, "Reading the token table…")
    tokens = token_table(loaded)
    yield Progress(0.6, "Reading the positions…")
    positions: EmbeddingSet | None
    try:
        positions = position_table(loaded)
    except EmbvizError as exc:
        positions = None
        notes.append(str(exc))
    try:
        token_types: EmbeddingSet | None = token_type_table(loaded)
    except EmbvizError as exc:
        token_types = None
        notes.append(str(exc))
    yield Progress(0.8, "Making the sinusoidal table and the cosines…")
    if positions is not None:
        n = int((np.asarray(positions.metadata[POSITION]) >= 0).sum())
    else:
        n = int(loaded.max_length)
    sinusoidal = sinusoidal_table(n, loaded.dims)
    sinusoidal.name = f"{title}: sinusoidal positions ({n:,})"
    learned = position_cosines(_in_order(positions)) if positions is not None else np.zeros((0, 0))
    result = ModelTables(
        model=model,
        title=title,
        tokens=tokens,
        positions=positions,
        token_types=token_types,
        sinusoidal=sinusoidal,
        position_cosines=learned,
        sinusoidal_cosines=position_cosines(sinusoidal),
        notes=notes,
    )
    yield Progress(1.0, f"{title}: {len(result.sets())} tables read")
    return result


def _in_order(positions: EmbeddingSet) -> np.ndarray:
    """The rows of positions 0, 1, 2, … (reserved rows before position 0 left out)."""
    order = position_rows(positions)
    rows: np.ndarray = np.asarray(positions.vectors)[order]
    return rows


def position_rows(eset: EmbeddingSet) -> np.ndarray:
    """The rows of ``eset`` in position order (0, 1, 2, …), reserved rows (-1) left out."""
    if POSITION not in eset.metadata:
        raise EmbvizError(f"{eset.name} has no '{POSITION}' column: it is not a positions table.")
    position = np.asarray(eset.metadata[POSITION])
    rows = np.flatnonzero(position >= 0)
    ordered: np.ndarray = rows[np.argsort(position[rows], kind="stable")]
    return ordered


def sequence_edges(eset: EmbeddingSet) -> list[tuple[int, int]]:
    """Row pairs joining position p to p + 1: the curve the positions trace on a map."""
    rows = position_rows(eset)
    return [(int(a), int(b)) for a, b in zip(rows[:-1], rows[1:], strict=True)]


def piece_summary(counts: Sequence[int] | np.ndarray) -> dict[str, int]:
    """How many words split into 1, 2, 3 and 4 or more pieces (0-piece words are not counted)."""
    values = np.asarray(counts, dtype=np.int64)
    return {
        "1": int((values == 1).sum()),
        "2": int((values == 2).sum()),
        "3": int((values == 3).sum()),
        "4+": int((values >= 4).sum()),
    }


def pieces_task(text: str, model: str = "default") -> Task[Pieces]:
    """Cut ``text`` with ``model``'s tokenizer (loading the model the first time)."""
    from embviz.models import hf_loading
    from embviz.models.pieces import pieces

    yield Progress(None, f"Loading the tokenizer of {model}…")
    return pieces(text, hf_loading.load(model))


def split_counts_task(words: Sequence[str], model: str = "default") -> Task[np.ndarray]:
    """How many pieces ``model``'s tokenizer cuts each word into, in ``words``' order."""
    from embviz.models import hf_loading
    from embviz.models.pieces import split_counts

    yield Progress(None, f"Loading the tokenizer of {model}…")
    loaded = hf_loading.load(model)
    words = list(words)
    counts = np.zeros(len(words), dtype=np.int64)
    step = 5000
    for start in range(0, len(words), step):
        batch = words[start : start + step]
        counts[start : start + len(batch)] = split_counts(batch, loaded)
        done = start + len(batch)
        yield Progress(done / max(len(words), 1), f"Cut {done:,} of {len(words):,} words")
    return counts
