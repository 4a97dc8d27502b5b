"""Where embviz's resources (demo data, icons, samples) live.

Three layouts are supported: a source checkout or editable install (``resources/`` beside the
package), an installed wheel (``embviz/resources``, put there by the build), and a PyInstaller
bundle (``resources/`` under ``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

DEMO_FILE = "demo/minilm-words.npz"


@cache
def resources_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates += [package / "resources", package.parent / "resources"]
    for candidate in candidates:
        if (candidate / DEMO_FILE).is_file():
            return candidate
    raise FileNotFoundError(
        "embviz's resources folder was not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "). Reinstall embviz."
    )


def resource(relative: str) -> Path:
    return resources_dir() / relative


def demo_path() -> Path:
    """The built-in demo set: ~20k English words embedded with all-MiniLM-L6-v2."""
    return resource(DEMO_FILE)


def log_dir() -> Path:
    """The platform's place for this user's logs (XDG state dir, ~/Library/Logs, %LOCALAPPDATA%)."""
    import os

    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "embviz" / "Logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "embviz"
    return Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state") / "embviz" / "log"


def cache_dir() -> Path:
    """The platform's place for this user's caches (XDG cache dir, ~/Library/Caches,
    %LOCALAPPDATA%); ``EMBVIZ_CACHE_DIR`` overrides it (tests, shared machines)."""
    import os

    override = os.environ.get("EMBVIZ_CACHE_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "embviz" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "embviz"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "embviz"
