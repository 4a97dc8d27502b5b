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
from embviz.io.compression import read_head

HEAD_BYTES = 64 * 1024


class Format(Protocol):
    name: str
    title: str
    extensions: tuple[str, ...]

    def sniff(self, path: Path, head: bytes) -> float: ...

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]: ...


def _builtin_formats() -> list[Format]:
    from embviz.io.gensim_kv import FastTextBinFormat, GensimPickleFormat
    from embviz.io.numpy_format import NpyFormat, NpzFormat
    from embviz.io.projector import ProjectorBytesFormat, ProjectorConfigFormat, ProjectorTsvFormat
    from embviz.io.table import ParquetFormat, TableFormat
    from embviz.io.word2vec import GloveTextFormat, Word2VecBinaryFormat, Word2VecTextFormat

    return [
        Word2VecBinaryFormat(),
        Word2VecTextFormat(),
        GloveTextFormat(),
        NpyFormat(),
        NpzFormat(),
        ProjectorTsvFormat(),
        ProjectorConfigFormat(),
        ProjectorBytesFormat(),
        TableFormat(),
        ParquetFormat(),
        GensimPickleFormat(),
        FastTextBinFormat(),
    ]


formats: Registry[Format] = Registry("embviz.formats", _builtin_formats)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise LoadError(path, "no such file.", hint="Check the path and try again.")
    if path.is_dir():
        raise LoadError(path, "is a folder, not a file.", hint="Choose a vector file inside it.")
    if path.stat().st_size == 0:
        raise LoadError(
            path, "the file is empty.", hint="Choose a file that holds vectors (one row per item)."
        )


def sniff(path: str | Path) -> tuple[Format, float]:
    """The best format for ``path`` and its score; UnknownFormatError when none fits."""
    path = Path(path)
    _check_path(path)
    head = read_head(path, HEAD_BYTES)
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
        titles = ", ".join(fmt.title for fmt in formats)
        raise UnknownFormatError(
            path,
            "not a recognised embedding file.",
            hint=f"embviz reads: {titles}. Check that the file is one of these.",
        )
    return best, score


def load_task(path: str | Path, format: str | None = None, **options: Any) -> Task[EmbeddingSet]:
    """A task that reads ``path`` (format sniffed unless ``format`` names one)."""
    path = Path(path)
    if format is None:
        fmt, _ = sniff(path)
    else:
        _check_path(path)
        try:
            fmt = formats.get(format)
        except KeyError as exc:
            raise LoadError(path, str(exc.args[0]) + ".") from None
    result = yield from fmt.read(path, **options)
    if not fmt.name.startswith(("projector", "numpy")):  # those read their sidecars themselves
        from embviz.io.metadata import attach_sidecar

        result = attach_sidecar(result, path)
    result.source.path = result.source.path or str(path)
    result.source.format = result.source.format or fmt.name
    return result


def load(path: str | Path, **options: Any) -> EmbeddingSet:
    """Read an embedding file into an :class:`EmbeddingSet` (format sniffed by content).

    Options: ``format`` (a format name, to skip sniffing), ``encoding`` (labels, default utf-8),
    ``limit`` (read only the first N rows), ``trust`` (allow gensim pickles, which run code from
    the file; without it they raise :class:`~embviz.core.errors.TrustRequired`).
    """
    return run_task(load_task(path, **options))
