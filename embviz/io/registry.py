"""Formats: sniffed by content, the extension only a hint.

Each format is an object with ``name``, ``title``, ``extensions``,
``sniff(path, head) -> float`` (0 = not mine, 1 = certainly mine; ``head`` is the first bytes of the
file, already decompressed when the file is gzip/bz2) and ``read(path, **options) -> Task``.
The registry asks every format and reads with the highest score. Third parties add formats through
the ``embviz.formats`` entry point group (an object or a class with that shape).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import LoadError, UnknownFormatError
from embviz.core.plugins import Registry
from embviz.core.tasks import Task, run_task
from embviz.io.compression import sniff_head, text_kind_of
from embviz.io.guards import check_regular_file

HEAD_BYTES = 64 * 1024


class Format(Protocol):
    # Read-only members, so a class attribute such as ``name = "glove-text"`` fits.
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    def sniff(self, path: Path, head: bytes) -> float: ...

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]: ...


def _builtin_formats() -> list[Format]:
    from embviz.io.atlas_dataset import PartitionedAtlasFormat
    from embviz.io.atlas_parquet import AtlasFormat
    from embviz.io.gensim_kv import FastTextBinFormat, GensimPickleFormat
    from embviz.io.matrix_text import TextMatrixFormat
    from embviz.io.numpy_archive import NpzFormat
    from embviz.io.numpy_format import NpyFormat
    from embviz.io.projector import ProjectorTsvFormat
    from embviz.io.projector_config import ProjectorBytesFormat, ProjectorConfigFormat
    from embviz.io.table import ParquetFormat, TableFormat
    from embviz.io.word2vec import GloveTextFormat, Word2VecTextFormat
    from embviz.io.word2vec_binary import Word2VecBinaryFormat

    return [
        Word2VecBinaryFormat(),
        Word2VecTextFormat(),
        GloveTextFormat(),
        TextMatrixFormat(),
        NpyFormat(),
        NpzFormat(),
        ProjectorTsvFormat(),
        ProjectorConfigFormat(),
        ProjectorBytesFormat(),
        TableFormat(),
        ParquetFormat(),
        AtlasFormat(),
        PartitionedAtlasFormat(),
        GensimPickleFormat(),
        FastTextBinFormat(),
    ]


formats: Registry[Format] = Registry("embviz.formats", _builtin_formats)


def _check_path(path: Path) -> None:
    check_regular_file(path)


TEXT_KIND_WARNINGS = {
    "utf-16": "the file is UTF-16 text (it starts with a UTF-16 byte order mark); it was decoded "
    "as UTF-16. Save it as UTF-8 to open it faster.",
    "utf-32": "the file is UTF-32 text (it starts with a UTF-32 byte order mark); it was decoded "
    "as UTF-32. Save it as UTF-8 to open it faster.",
    "cr": "the lines of the file end with CR only (old Mac style); each CR was read as a line end.",
}


def _not_recognised(path: Path, head: bytes, kind: str | None) -> UnknownFormatError:
    """The error for a file no format claims, saying what its bytes do show."""
    titles = ", ".join(fmt.title for fmt in formats)
    hint = f"embviz reads: {titles}. Check that the file is one of these."
    from embviz.io.textparse import CONTROL_BYTES, mostly_text

    sample = head[:512]
    problem = "not a recognised embedding file"
    if len(sample) >= 16 and sample[1::2].count(0) > 0.9 * len(sample[1::2]) > 0:
        problem += ": it looks like UTF-16 text without a byte order mark (every other byte is 0)."
        hint = (
            "Convert it to UTF-8, e.g. 'iconv -f UTF-16LE -t UTF-8 FILE > out.txt', then open that."
        )
    elif mostly_text(head) and (stray := CONTROL_BYTES.search(head[:4096])) is not None:
        problem += (
            f": it is text, but holds the control byte 0x{stray[0][0]:02x} at byte "
            f"{stray.start():,}, which no text file has (a damaged copy or download?)."
        )
        hint = "Download or export it again. " + hint
    elif kind is not None:
        problem += f": it was decoded as {kind} text, but its content is no format embviz knows."
    else:
        problem += "."
    return UnknownFormatError(path, problem, hint=hint)


def sniff(path: str | Path) -> tuple[Format, float]:
    """The best format for ``path`` and its score; UnknownFormatError when none fits."""
    path = Path(path)
    _check_path(path)
    head, damage, kind = sniff_head(path, HEAD_BYTES)
    scored: list[tuple[float, int, Format]] = []
    suffixes = "".join(path.suffixes).lower()
    for order, fmt in enumerate(formats):
        try:
            score = float(fmt.sniff(path, head))
        except Exception:  # a sniffer must never break opening a file
            score = 0.0
        if score > 0 and any(suffixes.endswith(ext) for ext in fmt.extensions):
            score += 0.05  # the extension breaks ties, nothing more
        scored.append((score, -order, fmt))
    score, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if score <= 0:
        if damage is not None:
            raise damage
        raise _not_recognised(path, head, kind)
    return best, score


def _check_not_empty(path: Path, eset: EmbeddingSet) -> None:
    if len(eset) == 0:
        raise LoadError(
            path, "holds no rows (0 vectors).", hint="Choose a file with at least one vector."
        )
    if eset.dims == 0:
        raise LoadError(
            path,
            f"its {len(eset):,} vectors have 0 dimensions.",
            hint="Choose a file whose vectors have at least one value each.",
        )


def load_task(path: str | Path, format: str | None = None, **options: Any) -> Task[EmbeddingSet]:
    """A task that reads ``path`` (format sniffed unless ``format`` names one); a folder is read
    when it is a partitioned atlas (:mod:`embviz.io.atlas_dataset`)."""
    path = Path(path)
    if path.is_dir():
        from embviz.io.atlas_dataset import partitioned_directory
        from embviz.io.atlas_partitions import RECORD_FILE

        if partitioned_directory(path) is not None:
            path, format = path / RECORD_FILE, format or "atlas-partitioned"
            if not path.is_file():  # parts without a record: say so, not "not a file"
                from embviz.io.atlas_checks import read_record_strict

                read_record_strict(path.parent)
    if format is None:
        fmt, _ = sniff(path)
    else:
        _check_path(path)
        try:
            fmt = formats.get(format)
        except KeyError as exc:
            names = ", ".join(fmt.name for fmt in formats)
            raise LoadError(path, str(exc.args[0]) + ".", hint=f"Formats: {names}.") from None
    try:
        result = yield from fmt.read(path, **options)
    except MemoryError:
        raise LoadError(
            path,
            "there was not enough memory to read it.",
            hint="Close other sets or programs, or read only the first rows (--limit N).",
        ) from None
    except OSError as exc:  # the disk or the network share failed under the reader
        raise LoadError(
            path,
            f"reading failed ({exc.strerror or exc}).",
            hint="Check the disk or network share, then try again.",
        ) from None
    _check_not_empty(path, result)
    binary = ("numpy", "numpy-npz", "parquet", "atlas-partitioned")
    kind = text_kind_of(path) if fmt.name not in binary else None
    if kind is not None:
        result.source.warnings.insert(0, TEXT_KIND_WARNINGS[kind])
    # projector and numpy read their sidecars themselves; a partitioned atlas has none
    if not fmt.name.startswith(("projector", "numpy", "atlas-partitioned")):
        from embviz.io.metadata import attach_sidecar

        result = attach_sidecar(result, path)
    result.source.path = result.source.path or str(path)
    result.source.format = result.source.format or fmt.name
    return result


def load(path: str | Path, **options: Any) -> EmbeddingSet:
    """Read an embedding file into an :class:`EmbeddingSet` (format sniffed by content).

    Options: ``format`` (a format name, to skip sniffing), ``encoding`` (labels, default utf-8),
    ``limit`` (read only the first N rows), ``trust`` (allow a Python pickle, recognised by its
    bytes whatever its name, to be loaded from this file, which runs code from it; without it
    :class:`~embviz.core.errors.TrustRequired` is raised and nothing is unpickled).

    Bad input raises a :class:`~embviz.core.errors.LoadError` naming the file, the line, row or
    byte, what is wrong and what to do; what a reader had to decide is in ``eset.warnings``. The
    rules of every reader: :mod:`embviz.io.contract` (docs/contract.md).
    """
    return run_task(load_task(path, **options))
