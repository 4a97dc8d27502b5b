"""`embviz install-desktop` / `uninstall-desktop`: the start-menu entry, icons and file types for
this user, at the XDG paths (Linux and other freedesktop systems)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from embviz.core.errors import EmbvizError
from embviz.core.paths import resource

APP_ID = "embviz"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def add_parser(sub) -> None:
    p = sub.add_parser("install-desktop", help="add embviz to the start menu and open vector files")
    p.add_argument("--exec", dest="exec_path", help="command the entry runs (default: this one)")
    p.set_defaults(func=run_install)
    p = sub.add_parser("uninstall-desktop", help="remove what install-desktop added")
    p.set_defaults(func=run_uninstall)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def installed_paths(base: Path | None = None) -> list[Path]:
    base = base or data_home()
    paths = [
        base / "applications" / f"{APP_ID}.desktop",
        base / "mime" / "packages" / f"{APP_ID}.xml",
        base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    ]
    paths += [
        base / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in ICON_SIZES
    ]
    return paths


def launch_command() -> str:
    """How the start menu should start this embviz: the frozen executable, or the script."""
    if getattr(sys, "frozen", False):
        return _quote(sys.executable)
    script = shutil.which("embviz")
    if script:
        return _quote(str(Path(script).resolve()))
    return f"{_quote(sys.executable)} -m embviz"


def _quote(path: str) -> str:
    return f'"{path}"' if " " in path else path


def desktop_entry(exec_command: str) -> str:
    template = resource("desktop/embviz.desktop").read_text(encoding="utf-8")
    try_exec = (
        exec_command.split('"')[1] if exec_command.startswith('"') else exec_command.split()[0]
    )
    return template.replace("@EXEC@", exec_command).replace("@TRYEXEC@", try_exec)


def _refresh_caches(base: Path) -> list[str]:
    """Rebuild the MIME and desktop databases when the tools are there; say when they are not."""
    notes = []
    for tool, target in (
        ("update-mime-database", base / "mime"),
        ("update-desktop-database", base / "applications"),
        ("gtk-update-icon-cache", base / "icons" / "hicolor"),
    ):
        exe = shutil.which(tool)
        if exe is None:
            notes.append(f"{tool} not found: the desktop picks the change up at next login")
            continue
        args = (
            [exe, "-f", "-t", str(target)]
            if tool == "gtk-update-icon-cache"
            else [exe, str(target)]
        )
        subprocess.run(args, capture_output=True, timeout=60)
    return notes


def install(exec_command: str | None = None, base: Path | None = None) -> list[Path]:
    base = base or data_home()
    entry, mime, svg, *pngs = installed_paths(base)
    try:
        for path in installed_paths(base):
            path.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(desktop_entry(exec_command or launch_command()), encoding="utf-8")
        shutil.copyfile(resource("desktop/embviz-mime.xml"), mime)
        shutil.copyfile(resource("icons/embviz.svg"), svg)
        for size, png in zip(ICON_SIZES, pngs, strict=True):
            shutil.copyfile(resource(f"icons/embviz-{size}.png"), png)
    except OSError as exc:
        raise EmbvizError(f"{exc.filename}: could not write ({exc.strerror}).") from None
    return installed_paths(base)


def uninstall(base: Path | None = None) -> list[Path]:
    removed = []
    for path in installed_paths(base):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def run_install(args: argparse.Namespace) -> int:
    paths = install(args.exec_path)
    for note in _refresh_caches(data_home()):
        print(f"note: {note}")
    print(f"installed the start-menu entry {paths[0]} and {len(paths) - 1} icon/type files")
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    removed = uninstall()
    _refresh_caches(data_home())
    print(f"removed {len(removed)} files" if removed else "nothing to remove: not installed")
    return 0
