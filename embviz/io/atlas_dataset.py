"""A partitioned atlas directory (:mod:`embviz.io.atlas_partitions`) opened lazily.

The parts are one ``pyarrow.dataset`` over memory-mapped files. Opening reads only what the map
needs at once: ``x``/``y``, the small metadata columns (numbers, dates, categories, cluster ids
and names) and the titles (kept as Arrow strings; :class:`~embviz.core.lazy_rows.LazyLabels`
makes a label when one is shown). The ``vector`` column is read only when something needs the
vectors (neighbours, search, health...), part by part with progress, into one float32 array that
the set then keeps (:class:`~embviz.core.lazy_rows.LazyVectors`).

Why an in-memory array and not a .npy memmap cache: measured (``benchmarks/bigmap.py
--vectors``, 10M x 8, load average 10), the parts decode in 4.8 s and a float32 .npy cache read
back through a memory map and touched once takes 3.6 s, so a cache would save about a second on
the next opening while costing a write and a writable place beside or away from the atlas; the
array costs N x D x 4 bytes, as a memmap does once an exact search has touched all its pages.

Big string columns (many distinct values in more than :data:`SMALL_ROWS` rows: the text, unique
titles) stay on disk and out of the metadata; a warning says so.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.corpus import (
    CLUSTER_COLUMN,
    CLUSTER_LABEL_COLUMN,
    FINE_CLUSTER_COLUMN,
    ROW_COLUMN,
    CorpusInfo,
)
from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.lazy_rows import LazyLabels, LazyVectors
from embviz.core.tasks import Progress, Task
from embviz.io.atlas_checks import REWRITE, CheckedParts, check_parts
from embviz.io.atlas_partitions import RECORD_FILE

SMALL_ROWS = 1_000_000  # up to this many rows every column is read as a single-file atlas's
MAX_CATEGORIES = 65_536  # a string column with more distinct values (above SMALL_ROWS) stays out
VECTOR_BATCH = 65_536
NAME = "atlas-partitioned"
# times the vector column of each atlas directory was read: tests prove that opening, drawing and
# hovering read none of it
VECTOR_READS: Counter[str] = Counter()
ATLAS_KEY = ("partitioned-atlas",)  # the set's open dataset, in its derived cache


def partitioned_directory(path: str | Path) -> Path | None:
    """The atlas directory meant by ``path`` (the folder or its record file), else None."""
    path = Path(path)
    if path.name == RECORD_FILE and path.is_file():
        return path.parent
    if path.is_dir() and ((path / RECORD_FILE).is_file() or any(path.glob("part-*.parquet"))):
        return path
    return None


class ArrowStrings:
    """Cells of a string column kept as Arrow chunks; a cell becomes a str when asked for."""

    def __init__(self, column: Any) -> None:
        self.chunks = [c for c in column.chunks if len(c)]
        self.ends = np.cumsum([len(c) for c in self.chunks])
        self.column = column

    def __len__(self) -> int:
        return int(self.ends[-1]) if len(self.ends) else 0

    def __getitem__(self, row: int) -> str | None:
        chunk = int(np.searchsorted(self.ends, row, side="right"))
        start = int(self.ends[chunk - 1]) if chunk else 0
        value: str | None = self.chunks[chunk][row - start].as_py()
        return value

    def first_row_of(self, value: str) -> int | None:
        import pyarrow.compute as pc

        found = int(pc.index(self.column, value).as_py())
        return found if found >= 0 else None

    def repeated(self) -> frozenset[str]:
        """The values (one line each) that occur in more than one row."""
        import pyarrow.compute as pc

        from embviz.core.lazy_rows import clean_title

        counts = pc.value_counts(self.column)
        many = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
        return frozenset(clean_title(v) for v in many.to_pylist())


class RowGroupCells:
    """A string column of a big atlas read one row group at a time, when a cell is asked for
    (a label on the map, the hovered document); the last few row groups are kept."""

    KEPT = 32

    def __init__(self, atlas: PartitionedAtlas, name: str) -> None:
        self.atlas, self.name = atlas, name
        self.where = [
            (p, g) for p, sizes in enumerate(atlas.parts.groups) for g in range(len(sizes))
        ]
        sizes = [size for part in atlas.parts.groups for size in part]
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._kept: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, row: int) -> str | None:
        group = int(np.searchsorted(self.starts, row, side="right")) - 1
        with self._lock:
            cells = self._kept.get(group)
            if cells is None:
                part, index = self.where[group]
                fragment = self.atlas.fragments[part].subset(row_group_ids=[index])
                cells = self.atlas._read(fragment, self.atlas.parts.paths[part], [self.name])
                cells = cells.column(0)
                self._kept[group] = cells
                if len(self._kept) > self.KEPT:
                    self._kept.popitem(last=False)
            else:
                self._kept.move_to_end(group)
        value: str | None = cells[int(row - self.starts[group])].as_py()
        return value


class PartitionedAtlas:
    """The checked parts of an atlas directory as one memory-mapped Arrow dataset."""

    def __init__(self, directory: Path) -> None:
        import pyarrow as pa
        import pyarrow.dataset as ds
        from pyarrow import fs

        self.parts: CheckedParts = check_parts(directory)
        self.directory = directory
        self.record = self.parts.record
        schema, record = self.parts.schema, self.record
        big_text = {record.get("text_column"), record.get("title_column")}
        categories = [  # read as Arrow dictionaries, as Parquet stores them: no hashing again
            f.name for f in schema if pa.types.is_string(f.type) and f.name not in big_text
        ]
        parquet = ds.ParquetFileFormat(
            read_options=ds.ParquetReadOptions(dictionary_columns=categories)
        )
        self.dataset = ds.dataset(
            [str(p) for p in self.parts.paths],
            schema=pa.schema([f.with_type(pa.dictionary(pa.int32(), pa.string()))
                              if f.name in categories else f for f in schema]),
            format=parquet,
            filesystem=fs.LocalFileSystem(use_mmap=True),
        )  # fmt: skip
        self.fragments = list(self.dataset.get_fragments())  # in the record's order

    def __len__(self) -> int:
        return self.parts.total

    def read_columns(self, names: list[str], what: str) -> Task[dict[str, Any]]:
        """``names`` of every part, as pyarrow ChunkedArrays in row order (progress per part)."""
        import pyarrow as pa

        pieces: dict[str, list[Any]] = {n: [] for n in names}
        n = len(self.fragments)
        for i, (fragment, path) in enumerate(zip(self.fragments, self.parts.paths, strict=True)):
            yield Progress(i / n, f"Reading {what} of {path.name} ({i + 1}/{n})")
            table = self._read(fragment, path, names)
            for name in names:
                pieces[name].extend(table.column(name).chunks)
        return {
            name: pa.chunked_array(chunks, type=self.dataset.schema.field(name).type)
            for name, chunks in pieces.items()
        }

    def _read(self, fragment: Any, path: Path, names: list[str]) -> Any:
        try:
            return fragment.to_table(columns=names)
        except OSError as exc:
            raise LoadError(
                path, f"reading it failed ({exc}).", hint=f"Check the disk, or {REWRITE}."
            ) from None
        except Exception as exc:  # a damaged page: ArrowInvalid
            raise LoadError(path, f"is damaged ({exc}).", hint=f"{REWRITE}.") from None

    def read_vectors(self) -> Task[np.ndarray]:
        """Every row's vector (N x D float32), part by part, batch by batch."""
        import pyarrow.compute as pc

        from embviz.io.atlas_parquet import VECTOR

        VECTOR_READS[str(self.directory)] += 1
        from embviz.io.guards import check_memory

        total, dims = len(self), self.dims()
        check_memory(
            self.directory,
            total * dims * 4.0,
            f"reading the vectors ({total:,} x {dims} float32)",
            hint="Close other sets or programs, or use a machine with more memory.",
        )
        out = np.empty((total, dims), dtype=np.float32)
        done = 0
        for fragment, path in zip(self.fragments, self.parts.paths, strict=True):
            yield Progress(done / max(total, 1), f"Reading the vectors of {path.name}")
            start = done
            try:
                batches = fragment.to_batches(columns=[VECTOR], batch_size=VECTOR_BATCH)
                for batch in batches:
                    column = batch.column(0)
                    lengths = pc.list_value_length(column).to_numpy(zero_copy_only=False)
                    bad = (
                        np.flatnonzero(np.isnan(lengths) | (lengths != dims))
                        if len(lengths)
                        else np.empty(0, np.int64)
                    )
                    if bad.size:
                        row = done - start + int(bad[0])
                        got = lengths[bad[0]]
                        raise LoadError(
                            path,
                            f"the vector of this row has {'no' if np.isnan(got) else int(got)} "
                            f"values, the atlas's vectors have {dims}.",
                            row=row,
                            hint=f"{REWRITE}.",
                        )
                    flat = pc.list_flatten(column).to_numpy(zero_copy_only=False)
                    out[done : done + len(column)] = flat.reshape(-1, dims)
                    done += len(column)
                    yield Progress(done / max(total, 1), f"Reading the vectors of {path.name}")
            except LoadError:
                raise
            except OSError as exc:
                raise LoadError(
                    path, f"reading it failed ({exc}).", hint="Check the disk."
                ) from None
            except Exception as exc:
                raise LoadError(path, f"is damaged ({exc}).", hint=f"{REWRITE}.") from None
        return out

    def cells(self, name: str, rows: Any) -> list[Any]:
        """Column ``name`` at a few ``rows`` (global row numbers), read from their row groups only."""
        import pyarrow as pa

        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return []
        taken = self.dataset.take(pa.array(rows), columns=[name])
        values: list[Any] = taken.column(name).to_pylist()
        return values

    def dims(self) -> int:
        import pyarrow as pa

        from embviz.io.atlas_parquet import VECTOR

        kind = self.parts.schema.field(VECTOR).type
        if pa.types.is_fixed_size_list(kind):
            return int(kind.list_size)
        if self.record.get("dims") is not None:
            return int(self.record["dims"])
        first = self.fragments[0].head(1, columns=[VECTOR]).column(0)  # one row, not all
        return len(first[0].as_py())


def open_partitioned(directory: Path) -> Task[EmbeddingSet]:
    """The set of a partitioned atlas: coordinates, small metadata and titles read now; the
    vectors when they are first needed."""
    from embviz.io.atlas_metadata import metadata_columns

    atlas = PartitionedAtlas(directory)
    record, n = atlas.record, len(atlas)
    yield Progress(0.0, f"Opening {directory.name} ({n:,} rows in {len(atlas.fragments)} parts)")
    warnings = list(atlas.parts.warnings)
    title_column = record.get("title_column")
    names, strings = yield from metadata_columns(atlas, warnings)
    metadata, coords = names
    titles = strings.get(title_column) if title_column else None
    text_column = str(record.get("text_column") or "")
    if n > SMALL_ROWS:  # no pass over every title: each label names its row, read when shown
        has_titles = bool(title_column) and title_column in atlas.parts.schema.names
        cells = RowGroupCells(atlas, str(title_column)) if has_titles else None
        labels: Any = LazyLabels(n, cells.__getitem__ if cells else None, name_rows=True)
    elif titles is None and text_column in metadata:  # the single-file atlas's titles
        from embviz.io.titles import first_words, unique_titles

        labels = unique_titles([first_words(str(t)) for t in metadata[text_column]])
    elif titles is not None:
        yield Progress(0.95, "Finding repeated titles")
        labels = LazyLabels(n, titles.__getitem__, titles.repeated(), titles.first_row_of)
    else:
        labels = LazyLabels(n)
    metadata[ROW_COLUMN] = np.arange(n, dtype=np.int64)
    for name in (CLUSTER_COLUMN, FINE_CLUSTER_COLUMN):
        if name in metadata and metadata[name].dtype.kind == "f":
            values = metadata[name]
            metadata[name] = np.where(np.isnan(values), -1, values).astype(np.int64)
    vectors = LazyVectors((n, atlas.dims()), atlas.read_vectors)
    source = Source(str(directory), NAME, "float32", warnings)
    eset = EmbeddingSet(labels, vectors, metadata, source=source, name=directory.name)
    eset.corpus = CorpusInfo(
        text_column=text_column,
        title_column=title_column,
        embedder=str(record.get("embedder", "")),
        settings=dict(record.get("settings") or {}),
    )
    if record.get("embedder_name"):
        from embviz.models.documents.recorded import RecordedQueries

        texts: Any = metadata.get(text_column)
        eset.model = RecordedQueries(record, texts if texts is not None else _Texts(atlas))
    from embviz.io.atlas_parquet import keep_atlas_layout

    keep_atlas_layout(eset, record, coords)
    eset.store_derived(ATLAS_KEY, atlas)
    # what the window makes first from a set, made here in the worker rather than in the GUI
    # thread: the map's grid of points, the topic colours, the document table's histograms
    from embviz.core.raster import GRID_KEY, GridIndex

    yield Progress(0.96, "Sorting the map's points")
    eset.store_derived(GRID_KEY, GridIndex(coords))
    if CLUSTER_LABEL_COLUMN in metadata:  # the window opens coloured by topic
        from embviz.core.colors import colouring_for

        yield Progress(0.97, "Colouring the topics")
        colouring_for(eset, CLUSTER_LABEL_COLUMN)
    from embviz.core.column_filters import histogram_for

    yield Progress(0.98, "Counting the columns")
    for column in metadata:
        if column not in (ROW_COLUMN, text_column):
            histogram_for(eset, column)
    return eset


def atlas_of(eset: EmbeddingSet) -> PartitionedAtlas | None:
    """The open dataset of a set read from a partitioned atlas (None for any other set)."""
    found = eset.peek_derived(ATLAS_KEY)
    return found if isinstance(found, PartitionedAtlas) else None


def document_texts(eset: EmbeddingSet, rows: Any) -> list[str]:
    """The full text of documents ``rows``: from the metadata, or read from the parts' row groups
    when a big atlas keeps its text on disk; the labels when neither has it."""
    rows = [int(r) for r in rows]
    column = eset.corpus.text_column if eset.corpus is not None else None
    if column and column in eset.metadata:
        return [str(eset.metadata[column][r]) for r in rows]
    atlas = atlas_of(eset)
    if column and atlas is not None and column in atlas.parts.schema.names:
        return ["" if v is None else str(v) for v in atlas.cells(column, rows)]
    return [eset.labels[r] for r in rows]


class _Texts(Sequence[str]):
    """The text column, read in full only if a query model must be fitted on it (TF-IDF)."""

    def __init__(self, atlas: PartitionedAtlas) -> None:
        self.atlas = atlas

    def __len__(self) -> int:
        return len(self.atlas)

    def __getitem__(self, row: Any) -> Any:
        name = str(self.atlas.record.get("text_column"))
        if isinstance(row, slice):
            return [
                "" if v is None else str(v) for v in self.atlas.cells(name, range(len(self))[row])
            ]
        return str(self.atlas.cells(name, [row])[0] or "")

    def __iter__(self) -> Iterator[str]:
        from embviz.core.tasks import run_task

        name = str(self.atlas.record.get("text_column"))
        column = run_task(self.atlas.read_columns([name], "the text"))[name]
        return iter(["" if v is None else str(v) for v in column.to_pylist()])


class PartitionedAtlasFormat:
    """A partitioned atlas: the folder, or its ``_embviz.json`` record."""

    name = NAME
    title = "Partitioned corpus atlas (folder with _embviz.json, from embviz atlas --cluster)"
    extensions = (".json",)

    def sniff(self, path: Path, head: bytes) -> float:
        if path.name != RECORD_FILE or b'"partitioned"' not in head:
            return 0.0
        return 0.99

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        directory = Path(path).parent if Path(path).name == RECORD_FILE else Path(path)
        eset = yield from open_partitioned(directory)
        return eset
