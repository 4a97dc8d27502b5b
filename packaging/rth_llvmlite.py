"""PyInstaller runtime hook (Linux builds): llvmlite's library ships deflated and is unpacked once.

libllvmlite.so holds LLVM with all 21 of its targets: 160 MB stripped, a third of the lite bundle,
and only numba needs it (UMAP's layout, the text parser's scanner). The spec ships it gzipped
(55 MB) as ``llvmlite/binding/libllvmlite.so.gz``; this hook makes llvmlite load it from the
user's cache, unpacking it there the first time numba is used (about a second, once; the CRC in the
gzip trailer names the copy, so a new build unpacks its own). Nothing happens at start-up:
llvmlite is not imported until numba is.
"""

from __future__ import annotations

import contextlib
import os
import sys

PACKED = ("llvmlite", "binding", "libllvmlite.so.gz")
MODULE = "llvmlite.binding.ffi"


def _cache_root() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "embviz", "llvmlite")


def _unpack(packed: str, name: str) -> str:
    """The unpacked library's path, unpacked now if no whole copy is there yet."""
    import gzip
    import shutil
    import struct
    import tempfile

    with open(packed, "rb") as f:
        f.seek(-8, os.SEEK_END)
        crc, size = struct.unpack("<II", f.read(8))  # gzip trailer: CRC-32, size mod 2**32
    key = f"{crc:08x}-{size}"
    for root in (_cache_root(), os.path.join(tempfile.gettempdir(), "embviz-llvmlite")):
        target = os.path.join(root, key, name)
        if os.path.isfile(target) and os.path.getsize(target) % 2**32 == size:
            return target
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _remove_abandoned(os.path.dirname(target))
            part = f"{target}.{os.getpid()}.part"
            with gzip.open(packed, "rb") as src, open(part, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)  # gzip checks the CRC at the end
            os.chmod(part, 0o755)
            os.replace(part, target)  # whole or not at all, whoever unpacks at the same time
            return target
        except OSError:
            continue  # a read-only home: the temporary folder
    raise OSError(f"could not unpack {packed} into {_cache_root()} or the temporary folder")


def _remove_abandoned(folder: str) -> None:
    """Partial copies left by a process that ended while unpacking (160 MB each)."""
    for name in os.listdir(folder):
        if name.endswith(".part"):
            try:
                os.kill(int(name.split(".")[-2]), 0)  # its process still runs: leave it
            except ProcessLookupError:
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))
            except (ValueError, OSError):
                pass


def _install() -> None:
    import importlib.abc

    packed = os.path.join(getattr(sys, "_MEIPASS", ""), *PACKED)
    if not os.path.isfile(packed):
        return

    def library_path(package: str, resource: str):  # replaces ffi._importlib_resources_path
        del package
        return contextlib.nullcontext(_unpack(packed, resource))

    class Loader(importlib.abc.Loader):
        def __init__(self, inner) -> None:
            self.inner = inner

        def create_module(self, spec):
            return self.inner.create_module(spec)

        def exec_module(self, module) -> None:
            self.inner.exec_module(module)
            module._importlib_resources_path = library_path  # read when the library is loaded

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != MODULE:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    spec.loader = Loader(spec.loader)
                    return spec
            return None

    sys.meta_path.insert(0, Finder())


_install()
