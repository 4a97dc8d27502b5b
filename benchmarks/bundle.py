"""Bundle sizes and start time of the frozen executables.

    python benchmarks/bundle.py [--build] [--flavours lite full] [--dist build/pyinstaller/dist]

With --build, builds each flavour with PyInstaller first. Prints each bundle's size (goal for lite:
at most 400 MB) and its largest parts, then the time of the lite executable from start to a drawn
window saved as PNG (`embviz render`), cold (OS file cache dropped when this user may drop it, else
the first run) and warm (median of 3), next to the same command run from Python in the same run
(the peer: an installed embviz). Then the lite executable runs UMAP (`embviz project --method umap`
on 400 rows): first with an empty user cache (on Linux it unpacks llvmlite's library there, see
packaging/rth_llvmlite.py, and numba compiles), then again, next to umap-learn itself.
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


def largest_parts(folder: Path, count: int = 8) -> str:
    """The biggest top-level parts of a bundle (packages, libraries), in MB."""
    sizes: dict[str, int] = {}
    for f in folder.rglob("*"):
        if f.is_file() and not f.is_symlink():
            parts = f.relative_to(folder).parts
            key = parts[1] if parts[0] == "_internal" and len(parts) > 2 else parts[-1]
            sizes[key] = sizes.get(key, 0) + f.lstat().st_size
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(f"{name} {size / 1e6:.0f}" for name, size in top)


def frozen_env(cache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
        env["NUMBA_CACHE_DIR"] = str(cache / "numba")
    return env


def time_umap(exe: Path, data: Path, cache: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "umap.npy"
        start = time.perf_counter()
        done = subprocess.run(
            [str(exe), "project", str(data), "--method", "umap", "-o", str(out)],
            env=frozen_env(cache),
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"the frozen UMAP failed:\n{done.stderr[-3000:]}")
        import numpy as np

        coords = np.load(out)
        if coords.shape != (ROWS, 2) or not np.isfinite(coords).all():
            raise SystemExit(f"the frozen UMAP wrote {coords.shape} coordinates")
        return elapsed


ROWS = 400


def write_rows(path: Path) -> None:
    """400 rows of 32 dims in 4 clusters, as a GloVe text file."""
    import numpy as np

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 32)) * 4
    vectors = centres[np.arange(ROWS) % 4] + rng.normal(size=(ROWS, 32))
    with path.open("w") as f:
        for i, row in enumerate(vectors):
            f.write(f"w{i} " + " ".join(f"{v:.5f}" for v in row) + "\n")


def time_umap_learn(data: Path) -> float:
    """umap-learn in a fresh Python with embviz's settings (cosine, seed 0): the peer."""
    code = (
        "import numpy as np, umap\n"
        f"x = np.loadtxt({str(data)!r}, usecols=range(1, 33))\n"
        "umap.UMAP(metric='cosine', random_state=0).fit_transform(x)\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def time_render(command: list[str], frozen: bool = True) -> float:
    env = frozen_env() if frozen else dict(os.environ)
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
            goal = " (goal <= 400 MB)" if flavour == "lite" else ""
            print(f"{flavour} bundle: {size_mb(folder):.0f} MB{goal} ({folder})")
            print(f"  largest parts (MB): {largest_parts(folder)}")
        else:
            print(f"{flavour} bundle: not built ({folder}); run with --build")
    exe = args.dist / "embviz-lite" / "embviz"
    if not exe.is_file():
        return
    dropped = drop_caches()
    cold = time_render([str(exe)])
    warm = statistics.median(time_render([str(exe)]) for _ in range(3))
    peer = statistics.median(
        time_render([sys.executable, "-m", "embviz"], frozen=False) for _ in range(3)
    )
    label = "cold (caches dropped)" if dropped else "first run (caches not droppable here)"
    print(f"lite executable to a drawn window: {label} {cold:.2f} s, warm {warm:.2f} s")
    print(f"installed embviz (python -m embviz) to a drawn window: warm {peer:.2f} s")
    print(f"ratio frozen / installed (warm): {warm / peer:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "rows.txt"
        write_rows(data)
        cache = Path(tmp) / "cache"
        first = time_umap(exe, data, cache)
        again = time_umap(exe, data, cache)
        peer_umap = time_umap_learn(data)
    print(
        f"lite executable, UMAP of {ROWS} rows (embviz project --method umap): "
        f"first with an empty cache {first:.1f} s, again {again:.1f} s; "
        f"umap-learn in a fresh Python {peer_umap:.1f} s"
    )
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
