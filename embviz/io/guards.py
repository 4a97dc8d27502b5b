"""Checks made before a file is read: is it a regular readable file, is it a Python pickle, and
does what it declares (a header's rows x dims, an archive's sizes) fit in memory.

Every check raises a :class:`~embviz.core.errors.LoadError` that names the file, says what was
found and what to do; nothing here allocates what a file merely claims.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from embviz.core.errors import LoadError

PICKLE_PROTOCOLS = b"\x02\x03\x04\x05"
# what is left for everything else (the window, projections) once a file is read
MEMORY_HEADROOM = 0.8
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular_file(path: Path) -> None:
    """Raise unless ``path`` is an existing, readable, non-empty regular file."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(
                path,
                "is a symbolic link loop (the link points, directly or not, back to itself).",
                hint="Point the link at the real file, or open the file itself.",
            ) from None
        if exc.errno == errno.ENOENT:
            broken = os.path.islink(path)
            raise LoadError(
                path,
                "is a symbolic link to a file that does not exist." if broken else "no such file.",
                hint="Check the path and try again.",
            ) from None
        raise LoadError(
            path, f"cannot be opened ({exc.strerror}).", hint="Check the path and the disk."
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise LoadError(path, "is a folder, not a file.", hint="Choose a vector file inside it.")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise LoadError(
            path,
            f"is {kind}, not a regular file; embviz reads files it can measure and read again.",
            hint="Save the data to a file first (e.g. 'cat SOURCE > vectors.vec') and open that.",
        )
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        raise LoadError(
            path,
            "cannot be read: permission denied.",
            hint="Make it readable (e.g. chmod a+r FILE) or copy it somewhere you can read.",
        ) from None
    except OSError as exc:
        raise LoadError(
            path, f"cannot be opened ({exc.strerror}).", hint="Check the path and the disk."
        ) from None
    if info.st_size == 0:
        raise LoadError(
            path, "the file is empty.", hint="Choose a file that holds vectors (one row per item)."
        )


def reason(exc: BaseException, most: int = 300) -> str:
    """A library's exception text on one line (never a traceback's worth), cut at ``most``."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= most else text[: most - 3] + "..."


def pickle_protocol(head: bytes) -> int | None:
    """The protocol of a Python pickle that starts ``head`` (its PROTO opcode), else None."""
    if len(head) >= 2 and head[0] == 0x80 and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return head[1]
    return None


def available_memory() -> int:
    """Bytes of memory available now (psutil when installed, else the kernel's free pages)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def size_text(nbytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(nbytes) < 1000 or unit == "TB":
            return f"{nbytes:,.0f} {unit}" if unit == "bytes" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1000
    return f"{nbytes:,.1f} TB"  # pragma: no cover


def check_memory(
    path: Path,
    nbytes: float,
    what: str,
    *,
    line: int | None = None,
    hint: str | None = None,
) -> None:
    """Refuse, with the numbers, to allocate ``nbytes`` for ``what`` when memory cannot hold it."""
    budget = available_memory() * MEMORY_HEADROOM
    if nbytes > budget:
        raise LoadError(
            path,
            f"{what} needs {size_text(nbytes)} of memory, but only {size_text(budget)} is "
            "available; nothing was allocated.",
            line=line,
            hint=hint
            or "Check that the file is what you think it is, or read only the first rows "
            "(--limit N, or limit=N in embviz.load).",
        )
