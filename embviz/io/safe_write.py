"""Writing files so that nothing is broken and nothing half-written is left behind.

Every writer in embviz goes through :func:`atomic_write`:

- an existing file is replaced only with ``force`` (``--force``; the window asks first), and never
  when it is read-only; a folder, device, FIFO or socket is never replaced;
- a symbolic link is never replaced by a file: with ``force`` the link's target is written;
- all outputs of one write (a file and its sidecars) go to temporary files in their own folders,
  are flushed to disk (fsync), and only then renamed over their targets (``os.replace``), so a
  failure or an interruption leaves the old files as they were and no new file;
- the free space is checked first when the size is known.

A process killed with SIGKILL cannot remove its temporary files. They are named
``.NAME.PID-RANDOM.embviz-part`` so that the next write of NAME removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from embviz.core.errors import EmbvizError

TEMP_SUFFIX = ".embviz-part"
SPACE_MARGIN = 16 * 1024 * 1024  # leave this much free beyond the estimate


class WriteError(EmbvizError):
    """An output that cannot or must not be written (exists, is a folder, no space, ...)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve_target(path: str | Path, force: bool = False) -> Path:
    """The file that writing ``path`` will create or replace; WriteError when it must not."""
    path = Path(path)
    target = path
    if path.is_symlink():
        if not force:
            raise WriteError(
                f"{path}: already exists (a link to {os.readlink(path)}). Choose another name, "
                "or use --force to write through the link to the file it points to."
            )
        target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a symlink loop, a path through a file, a name too long
        raise WriteError(
            f"{path}: cannot be written ({exc.strerror}). Choose another name."
        ) from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            shown = path if target == path else f"{path} (a link to {target})"
            hint = (
                f"name a file inside it, e.g. {path / 'out'}{path.suffix}"
                if stat.S_ISDIR(info.st_mode)
                else "embviz writes only regular files; choose a file name"
            )
            raise WriteError(f"{shown}: is {_kind(info.st_mode)}, not a file. Instead, {hint}.")
        if not force:
            raise WriteError(
                f"{path}: already exists. Choose another name, or use --force to replace it."
            )
        if not info.st_mode & 0o222 or (os.geteuid() != 0 and not os.access(target, os.W_OK)):
            raise WriteError(
                f"{target}: is read-only, so embviz does not replace it. Make it writable first "
                "(chmod u+w) if you mean to replace it, or choose another name."
            )
    folder = target.parent
    if not folder.is_dir():
        raise WriteError(
            f"{path}: the folder {folder} does not exist. Create it first, or choose another folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(
            f"{path}: the folder {folder} is not writable. Choose a folder you can write to."
        )
    return target


def check_free_space(folder: Path, size: int | None) -> None:
    """WriteError when ``folder``'s file system has less than ``size`` bytes (plus a margin)."""
    if not size:
        return
    free = shutil.disk_usage(folder).free
    if free < size + SPACE_MARGIN:
        raise WriteError(
            f"{folder}: not enough free space: the output needs about {size / 1e6:,.1f} MB and "
            f"only {free / 1e6:,.1f} MB are free. Free some space or choose another folder."
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files of earlier writes of ``target`` whose process is gone."""
    removed = []
    candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.*{TEMP_SUFFIX}"))
    old_style = target.with_name(f".{target.name}.part")  # embviz 0.1 named its temps so
    if old_style.is_file():
        candidates.append(old_style)
    for temp in candidates:
        middle = temp.name[len(target.name) + 2 : -len(TEMP_SUFFIX)]
        pid_text = middle.split("-", 1)[0]
        if temp.name.endswith(TEMP_SUFFIX) and pid_text.isdigit() and _pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()
            removed.append(temp)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[]" else ch for ch in name)


def _new_temp(target: Path) -> Path:
    temp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    os.close(fd)
    return temp


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        _fsync(folder)


def check_outputs(paths: Sequence[str | Path], force: bool = False) -> list[Path]:
    """Resolve every output before any slow work, so a refusal comes first and writes nothing."""
    targets = [resolve_target(p, force) for p in paths]
    if len(set(targets)) != len(targets):
        raise WriteError(f"{paths[0]}: two of the outputs are the same file; choose another name.")
    return targets


@contextlib.contextmanager
def atomic_write(
    paths: Sequence[str | Path], *, force: bool = False, size: int | None = None
) -> Iterator[list[Path]]:
    """Yield one temporary path per output; on success all are renamed over their targets.

    On any failure (or KeyboardInterrupt, or SystemExit from a signal handler) the temporary
    files are removed and the old files stay as they were.
    """
    targets = check_outputs(paths, force)
    check_free_space(targets[0].parent, size)
    for target in targets:
        remove_stale_temps(target)
    temps: list[Path] = []
    try:
        for target in targets:
            temps.append(_new_temp(target))
        yield list(temps)
        for temp, target in zip(temps, targets, strict=True):
            if not temp.exists():
                raise WriteError(f"{target}: the writer produced no file.")
            if target.exists():  # keep the replaced file's permissions
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
            _fsync(temp)
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
        for folder in {t.parent for t in targets}:
            _fsync_folder(folder)
    except OSError as exc:
        named = [t for t in targets if str(t) == str(exc.filename)]
        where = named[0] if named else targets[0]
        raise WriteError(
            f"{where}: could not be written ({exc.strerror or exc}). Nothing was changed."
        ) from None
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
