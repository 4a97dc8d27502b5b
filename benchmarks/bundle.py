"""Bundle sizes and start time of the frozen executables.

    python benchmarks/bundle.py [--build] [--flavours lite full] [--dist build/pyinstaller/dist]

With --build, builds each flavour with PyInstaller first. Prints each bundle's size, then the time
of the lite executable from start to a drawn window saved as PNG (`embviz render`), cold (OS file
cache dropped when this user may drop it, else the first run) and warm (median of 3), next to the
same command run from Python in the same run (the peer: an installed embviz).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(flavour: str, dist: Path) -> None:
    env = {**os.environ, "EMBVIZ_BUILD": flavour}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "embviz.spec"),
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(dist.parent / "work"),
        ],
        check=True,
        env=env,
    )


def size_mb(folder: Path) -> float:
    # lstat: PyInstaller links some libraries; a link must not count its target twice
    return (
        sum(f.lstat().st_size for f in folder.rglob("*") if not f.is_symlink() and f.is_file())
        / 1e6
    )


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def time_render(command: list[str]) -> float:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [*command, "render", "-o", str(Path(tmp) / "x.png")],
            check=True,
            env=env,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--flavours", nargs="+", default=["lite", "full"])
    parser.add_argument("--dist", type=Path, default=ROOT / "build" / "pyinstaller" / "dist")
    args = parser.parse_args()
    for flavour in args.flavours:
        if args.build:
            build(flavour, args.dist)
        folder = args.dist / f"embviz-{flavour}"
        if folder.is_dir():
            print(f"{flavour} bundle: {size_mb(folder):.0f} MB ({folder})")
        else:
            print(f"{flavour} bundle: not built ({folder}); run with --build")
    exe = args.dist / "embviz-lite" / "embviz"
    if not exe.is_file():
        return
    dropped = drop_caches()
    cold = time_render([str(exe)])
    warm = statistics.median(time_render([str(exe)]) for _ in range(3))
    peer = statistics.median(time_render([sys.executable, "-m", "embviz"]) for _ in range(3))
    label = "cold (caches dropped)" if dropped else "first run (caches not droppable here)"
    print(f"lite executable to a drawn window: {label} {cold:.2f} s, warm {warm:.2f} s")
    print(f"installed embviz (python -m embviz) to a drawn window: warm {peer:.2f} s")
    print(f"ratio frozen / installed (warm): {warm / peer:.2f}")


if __name__ == "__main__":
    main()
