"""NumPy ``.npz`` archives: vectors, labels and metadata columns in one file.

Every member's header is read before any member is expanded: members holding Python objects are
pickles (refused without trust), the expanded sizes are added up and checked against memory, and
a damaged member is named.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import LoadError
from embviz.core.tasks import Progress, Task
from embviz.io.guards import check_memory, reason, size_text
from embviz.io.numpy_format import (
    RAN_NOTE,
    _dedupe,
    _labels_from_array,
    _npy_header,
    _quiet,
    _trust_required,
    _trusted_vectors,
)
from embviz.io.textparse import flag_nonfinite

ZIP_MAGIC = b"PK\x03\x04"


EXPANSION_NOTE_BYTES = 100 * 1000 * 1000  # an archive expanding past this, and 50x its size,


EXPANSION_NOTE_RATIO = 50  # is said in the set's warnings even when memory can hold it


class NpzFormat:
    name = "numpy-npz"
    title = "NumPy archive (.npz)"
    extensions = (".npz",)

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.9 if head.startswith(ZIP_MAGIC) and b".npy" in head[:4096] else 0.0

    def read(self, path: Path, **options: Any) -> Task[EmbeddingSet]:
        path = Path(path)
        yield Progress(None, f"Opening {path.name}")
        trusted = bool(options.get("trust"))
        warnings: list[str] = []
        arrays = _read_members(path, trusted, warnings)
        if "vectors" in arrays:
            key = "vectors"
        else:
            two_d = [name for name, a in arrays.items() if a.ndim == 2]
            if len(two_d) != 1:
                found = ", ".join(f"{n} {a.shape}" for n, a in arrays.items()) or "no arrays"
                raise LoadError(
                    path,
                    f"cannot tell which array holds the vectors (found: {found}).",
                    hint="Name the vectors array 'vectors' when saving, e.g. np.savez(f, vectors=x).",
                )
            key = two_d[0]
        vectors, on_disk = _trusted_vectors(path, arrays.pop(key), f"array {key!r}", trusted)
        rows = vectors.shape[0]
        if "labels" in arrays:
            labels = _labels_from_array(path, arrays.pop("labels"), rows, warnings)
        else:
            labels = list(map(str, range(rows)))
        metadata = {k: a for k, a in arrays.items() if a.ndim == 1 and len(a) == rows}
        limit = options.get("limit")
        if limit:
            labels, vectors = labels[:limit], vectors[:limit]
            metadata = {k: v[:limit] for k, v in metadata.items()}
        labels, vectors, metadata = _dedupe(labels, vectors, metadata, warnings)
        flag_nonfinite(labels, vectors, warnings)
        source = Source(path=str(path), format=self.name, dtype_on_disk=on_disk, warnings=warnings)
        return EmbeddingSet(labels, vectors, metadata, source=source)


ZIP_DAMAGE = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError)


ZIP_HINT = "The archive may be cut short or damaged: save or download it again."


def _read_members(path: Path, trusted: bool, warnings: list[str]) -> dict[str, np.ndarray]:
    """The arrays of an .npz, checked member by member before any is expanded."""
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_DAMAGE as exc:
        raise LoadError(
            path, f"not a readable .npz archive ({reason(exc)}).", hint=ZIP_HINT
        ) from None
    with archive:
        declared: dict[str, tuple[zipfile.ZipInfo, tuple[int, ...], np.dtype[Any]]] = {}
        for info in archive.infolist():
            name = info.filename
            if not name.endswith(".npy"):
                warnings.append(
                    f"the archive member {name!r} is not a NumPy array; it was skipped."
                )
                continue
            what = f"the member {name!r}"
            try:
                with archive.open(info) as f:
                    shape, dtype = _npy_header(path, f, what)
            except ZIP_DAMAGE as exc:
                raise LoadError(
                    path, f"{what} cannot be read ({reason(exc)}).", hint=ZIP_HINT
                ) from None
            declared[name[:-4]] = (info, shape, dtype)
        if not declared:
            raise LoadError(
                path, "the archive holds no NumPy arrays.", hint="Save one with numpy.savez."
            )
        pickled = [k for k, (_, _, dtype) in declared.items() if dtype.hasobject]
        if pickled and not trusted:
            raise _trust_required(path, f"the member {pickled[0]!r}")
        expands = sum(
            max(info.file_size, int(np.prod(shape)) * dtype.itemsize)
            for info, shape, dtype in declared.values()
        )
        check_memory(
            path,
            expands,
            f"the archive ({size_text(path.stat().st_size)} on disk) expands to "
            f"{size_text(expands)}, which",
            hint="Check where the archive came from; a small file that expands this much may be "
            "a decompression bomb.",
        )
        on_disk = path.stat().st_size
        if expands > EXPANSION_NOTE_BYTES and expands > EXPANSION_NOTE_RATIO * on_disk:
            warnings.append(
                f"the archive is {size_text(on_disk)} on disk but its arrays take "
                f"{size_text(expands)} in memory ({expands / on_disk:,.0f}x)."
            )
        arrays = {}
        for key, (info, _, _) in declared.items():
            try:
                with archive.open(info) as f, _quiet():
                    arrays[key] = np.lib.format.read_array(f, allow_pickle=trusted)
            except ZIP_DAMAGE as exc:
                ran = f" {RAN_NOTE}" if trusted and pickled else ""
                raise LoadError(
                    path,
                    f"the member {info.filename!r} cannot be read ({reason(exc)}).{ran}",
                    hint=ZIP_HINT,
                ) from None
    return arrays
