"""Document vectors cached on disk per (model identity, texts), written a chunk at a time.

A corpus embedded once opens at once the next time: the finished vectors are one ``.npy`` file,
opened as a memory map. While a corpus is being embedded, every finished chunk of rows is written
to its own file as soon as it is done, so a run that is cancelled or killed resumes where it
stopped: :func:`cached_vectors` embeds only the chunks that are missing.

The key holds everything that changes the vectors: the embedder's identity (its name, the
weights' checksum, every setting that matters) and a hash of every text in order. The cache lives
in the platform's cache folder (:func:`embviz.core.paths.cache_dir`); deleting it loses nothing
but time. It is kept under a size limit (5 GiB, or ``EMBVIZ_DOCUMENT_CACHE_GB``): each finished
corpus drops the least recently used others until the rest fit (:func:`prune`).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.tasks import Progress, Task, scaled

CHUNK_ROWS = 2048  # rows per chunk file: at most this much work is lost to a cancel
VECTORS_FILE = "vectors.npy"
FORMAT_VERSION = 1
CACHE_LIMIT_GB = 5.0  # the documents cache's default size limit; EMBVIZ_DOCUMENT_CACHE_GB sets it
RESUMABLE_SECONDS = 24 * 3600  # an unfinished run's chunks are kept this long (it may resume)


def texts_digest(texts: Sequence[str]) -> str:
    """sha256 over the texts in order (each length-prefixed, so 'ab','c' != 'a','bc')."""
    digest = hashlib.sha256()
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _atomic_save(path: Path, array: np.ndarray) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    with open(temp, "wb") as f:
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


class CorpusCache:
    """The cache folder of one (identity, texts) pair."""

    def __init__(
        self,
        identity: dict[str, Any],
        texts: Sequence[str],
        *,
        root: Path | None = None,
        chunk_rows: int | None = None,
    ) -> None:
        from embviz.core.paths import cache_dir

        self.rows = len(texts)
        self.chunk_rows = max(1, int(chunk_rows or CHUNK_ROWS))
        key_source = json.dumps(
            {"identity": identity, "format": FORMAT_VERSION},
            sort_keys=True,
            default=str,
        )
        self.key = hashlib.sha256((key_source + texts_digest(texts)).encode()).hexdigest()[:40]
        self.folder = (root or cache_dir()) / "documents" / self.key
        self.identity = identity

    def chunks(self) -> list[tuple[int, int]]:
        return [
            (start, min(start + self.chunk_rows, self.rows))
            for start in range(0, self.rows, self.chunk_rows)
        ]

    def _chunk_path(self, start: int, stop: int) -> Path:
        return self.folder / f"chunk-{start:010d}-{stop:010d}.npy"

    def finished(self) -> np.ndarray | None:
        """The cached vectors (a read-only memory map), or None when the run is not complete."""
        path = self.folder / VECTORS_FILE
        if not path.is_file():
            return None
        try:
            vectors: np.ndarray = np.load(path, mmap_mode="r")
        except (OSError, ValueError):
            return None  # damaged: embedded again
        if vectors.shape[0] != self.rows:
            return None
        try:  # the file's time is its last use, which prune() goes by (atime is often off)
            os.utime(path)
        except OSError:
            pass  # a read-only cache still serves
        return vectors

    def load_chunk(self, start: int, stop: int) -> np.ndarray | None:
        path = self._chunk_path(start, stop)
        if not path.is_file():
            return None
        try:
            chunk: np.ndarray = np.load(path)
        except (OSError, ValueError):
            return None
        return chunk if chunk.shape[0] == stop - start else None

    def save_chunk(self, start: int, stop: int, vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / "identity.json"
        if not meta.is_file():
            meta.write_text(json.dumps(self.identity, indent=1, default=str), encoding="utf-8")
        _atomic_save(self._chunk_path(start, stop), np.asarray(vectors, dtype=np.float32))

    def finish(self, parts: list[np.ndarray]) -> np.ndarray:
        """Join the chunks into the final file, drop the chunk files, return the vectors."""
        vectors = np.concatenate(parts, axis=0) if parts else np.zeros((0, 0), np.float32)
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_save(self.folder / VECTORS_FILE, vectors.astype(np.float32, copy=False))
        for start, stop in self.chunks():
            self._chunk_path(start, stop).unlink(missing_ok=True)
        prune(self.folder.parent, limit_bytes(), keep=self.folder)
        return vectors

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # fitted state (a vocabulary and weights) that query embedding needs, as plain arrays
    def save_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".state.{os.getpid()}-{secrets.token_hex(4)}.npz"
        with open(temp, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        os.replace(temp, self.folder / "state.npz")

    def load_state(self) -> dict[str, np.ndarray] | None:
        path = self.folder / "state.npz"
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError):
            return None


def limit_bytes() -> int:
    """The documents cache's size limit: ``EMBVIZ_DOCUMENT_CACHE_GB`` (GiB) or 5 GiB."""
    wanted = os.environ.get("EMBVIZ_DOCUMENT_CACHE_GB", "")
    try:
        gib = float(wanted) if wanted.strip() else CACHE_LIMIT_GB
    except ValueError:
        gib = CACHE_LIMIT_GB  # a malformed setting must not stop embedding
    return int(max(gib, 0.0) * 2**30)


def _usage(folder: Path) -> tuple[int, float, bool]:
    """(bytes, last use as the newest file time, finished) of one corpus folder."""
    size, newest = 0, folder.stat().st_mtime
    for item in folder.iterdir():
        try:
            info = item.stat()
        except OSError:
            continue  # removed meanwhile by another process
        size += info.st_size
        newest = max(newest, info.st_mtime)
    return size, newest, (folder / VECTORS_FILE).is_file()


def prune(root: Path, limit: int, keep: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the least recently used corpus folders under ``root`` until the others fit in
    ``limit`` bytes; returns what was removed. Never removed: ``keep`` (the corpus just
    written, even when it alone is over the limit) and an unfinished run's chunks younger than
    ``RESUMABLE_SECONDS`` (another process may be writing them, or the run may resume).

    Written here rather than with a cache library (diskcache evicts per entry, not per folder
    of chunk files that is written and read as one memory-mapped file)."""
    import time

    now = time.time() if now is None else now
    folders = []
    for folder in root.iterdir() if root.is_dir() else ():
        if folder.is_dir():
            try:
                folders.append((folder, *_usage(folder)))
            except OSError:
                continue
    total = sum(size for _, size, _, _ in folders)
    removed = []
    for folder, size, used, finished in sorted(folders, key=lambda entry: entry[2]):
        if total <= limit:
            break
        if keep is not None and folder.resolve() == keep.resolve():
            continue
        if not finished and now - used < RESUMABLE_SECONDS:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        total -= size
        removed.append(folder)
    return removed


Encode = Callable[[int, list[str]], Task[np.ndarray]]  # (first row, texts) -> vectors


def cached_vectors(
    cache: CorpusCache | None, texts: Sequence[str], encode: Encode, what: str = "documents"
) -> Task[np.ndarray]:
    """Vectors for ``texts``: from the cache when finished; else the missing chunks are encoded
    (``encode(first_row, chunk_texts)`` is a task) and written as they finish."""
    total = len(texts)
    if cache is None:
        return (yield from _scaled(encode(0, list(texts)), 0, total, total, what))
    done = cache.finished()
    if done is not None:
        yield Progress(1.0, f"{total:,} {what} from the cache")
        return done
    parts: list[np.ndarray] = []
    finished_rows = 0
    for start, stop in cache.chunks():
        chunk = cache.load_chunk(start, stop)
        if chunk is None:
            chunk = yield from _scaled(
                encode(start, list(texts[start:stop])), finished_rows, stop - start, total, what
            )
            cache.save_chunk(start, stop, chunk)
        parts.append(np.asarray(chunk, dtype=np.float32))
        finished_rows += stop - start
        yield Progress(
            finished_rows / max(total, 1), f"Embedded {finished_rows:,} of {total:,} {what}"
        )
    return cache.finish(parts)


def _scaled(
    task: Task[np.ndarray], before: int, rows: int, total: int, what: str
) -> Task[np.ndarray]:
    """Pass on a chunk task's progress as a fraction of the whole corpus, in rows embedded."""
    whole = max(total, 1)
    return scaled(
        task,
        before / whole,
        (before + rows) / whole,
        lambda f: f"Embedded {before + int(round(f * rows)):,} of {total:,} {what}",
    )
