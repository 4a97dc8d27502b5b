"""Loading speed and memory: embviz against gensim's KeyedVectors.load_word2vec_format and
pandas' C parser (``read_csv(engine="c")``, the fastest common text reader; `pip install
embviz[bench]`).

Writes a ROWS x DIMS set (default 200,000 x 300) as word2vec text (6 decimals, as GloVe and the
word2vec C tool write) and binary, then loads each with embviz and with gensim, every load in a
fresh process. Prints times, ratios, peak memory, and the time to reopen a 1M x DIMS .npy (memory-mapped).

- text, cold: the first embviz load on a machine compiles the parser (an empty numba cache);
  warm: later loads, from the on-disk cache.
- pandas: the same text file through ``pandas.read_csv(sep=" ", engine="c")`` into a float32
  matrix (the labels as its index); not checked for equality (its default float parser is not
  correctly rounded), only timed.
- peak memory: tracemalloc's peak during the load (numpy arrays included), as a multiple of the
  final matrix (numba is imported before it starts); and the rise of the process's peak RSS.

    python benchmarks/load.py [--rows 200000] [--dims 300] [--npy-rows 1000000] [--no-gensim]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import time
started = time.perf_counter()
import json, sys, tracemalloc
kind, path, mode, check = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
import numpy as np
def status_kb(key):  # VmHWM: this process's peak RSS (ru_maxrss would include the parent's)
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
if kind == "embviz":
    import embviz, numba  # importing numba is a fixed cost, not memory used for loading
    load = lambda: embviz.load(path)
elif kind == "pandas":
    import pandas as pd
    class Loaded:
        def __init__(self, frame):
            self.vectors = frame.to_numpy(np.float32)
    def load():
        with open(path) as f:
            dims = int(f.readline().split()[1])
        types = {k: np.float32 for k in range(1, dims + 1)}
        return Loaded(pd.read_csv(path, sep=" ", header=None, skiprows=1, index_col=0,
                                  engine="c", dtype=types, na_filter=False, quoting=3))
else:
    from gensim.models import KeyedVectors
    load = lambda: KeyedVectors.load_word2vec_format(path, binary=mode == "binary")
base = status_kb("VmRSS")
if mode == "trace":
    tracemalloc.start()
t = time.perf_counter()
result = load()
seconds = time.perf_counter() - t
with_imports = time.perf_counter() - started
vectors = result.vectors
traced = tracemalloc.get_traced_memory()[1] if mode == "trace" else None
peak_rss = status_kb("VmHWM") - base
if check != "-":
    ref = np.load(check)
    assert np.array_equal(np.asarray(vectors), ref), "vectors differ from the reference"
print(json.dumps({"seconds": seconds, "traced": traced, "rss_kb": peak_rss,
                  "with_imports": with_imports,
                  "nbytes": int(vectors.nbytes)}))
"""


def child(kind: str, path: Path, mode: str, env: dict, check: Path | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), mode, str(check or "-")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} {path.name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def best(repeat: int, run) -> dict:
    """The fastest of ``repeat`` runs (the machine may be shared; the minimum is the least noisy)."""
    return min((run() for _ in range(repeat)), key=lambda r: r["seconds"])


def write_files(folder: Path, rows: int, dims: int) -> tuple[Path, Path, Path]:
    """Text with 6 decimals (fixed width, built with numpy), binary, and the exact values."""
    rng = np.random.default_rng(0)
    ints = rng.integers(-999_999, 1_000_000, size=(rows, dims), dtype=np.int64)
    values = (ints / 1e6).astype(np.float32)  # what '%.6f' text means after float32 rounding
    digits = np.abs(ints)[..., None] // 10 ** np.arange(5, -1, -1) % 10
    cells = np.empty((rows, dims, 10), np.uint8)
    cells[..., 0] = 32
    cells[..., 1] = np.where(ints < 0, ord("-"), ord("+"))
    cells[..., 2], cells[..., 3] = ord("0"), ord(".")
    cells[..., 4:] = digits + ord("0")
    text, binary = folder / "bench.vec", folder / "bench.bin"
    with open(text, "wb") as t, open(binary, "wb") as b:
        t.write(f"{rows} {dims}\n".encode())
        b.write(f"{rows} {dims}\n".encode())
        for i in range(rows):
            label = f"w{i}".encode()
            t.write(label + cells[i].tobytes() + b"\n")
            b.write(label + b" " + values[i].astype("<f4").tobytes())
    ref = folder / "reference.npy"
    np.save(ref, values)
    return text, binary, ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs per fast load (best kept)")
    parser.add_argument("--npy-rows", type=int, default=1_000_000, help="rows of the .npy")
    parser.add_argument("--no-gensim", action="store_true", help="skip the (slow) gensim loads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        text, binary, ref = write_files(folder, args.rows, args.dims)
        mb = text.stat().st_size / 1e6
        print(
            f"{args.rows:,} x {args.dims}: text {mb:.0f} MB, binary "
            f"{binary.stat().st_size / 1e6:.0f} MB (written in {time.perf_counter() - t:.1f} s)"
        )
        env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba-cache")}
        cold = child("embviz", text, "time", env, ref)
        warm = best(args.repeat, lambda: child("embviz", text, "time", env, ref))
        trace_text = child("embviz", text, "trace", env)
        emb_bin = best(args.repeat, lambda: child("embviz", binary, "time", env, ref))
        trace_bin = child("embviz", binary, "trace", env)
        nbytes = warm["nbytes"]
        rows = [
            ("embviz text, cold (compiles)", cold),
            ("embviz text, warm", warm),
            ("embviz binary", emb_bin),
        ]
        try:
            import pandas  # noqa: F401

            pandas_text = best(args.repeat, lambda: child("pandas", text, "time", env))
            rows.append(("pandas read_csv (C) text", pandas_text))
        except ImportError:
            pandas_text = None
        if not args.no_gensim:
            gensim_text = child("gensim", text, "text", env, ref)  # once: it takes minutes
            gensim_bin = best(args.repeat, lambda: child("gensim", binary, "binary", env, ref))
            rows += [("gensim text", gensim_text), ("gensim binary", gensim_bin)]
        print(
            f"\n{'load':32} {'seconds':>8} {'MB/s':>7} {'peak RSS rise':>14} "
            f"{'process, with imports':>22}"
        )
        for name, r in rows:
            size = (text if "text" in name else binary).stat().st_size / 1e6
            print(
                f"{name:32} {r['seconds']:8.2f} {size / r['seconds']:7.0f} "
                f"{r['rss_kb'] / 1024 / (nbytes / 2**20):13.2f}x {r['with_imports']:21.2f}s"
            )
        print(
            f"\ntracemalloc peak / final matrix ({nbytes / 2**20:.0f} MiB): "
            f"text {trace_text['traced'] / nbytes:.2f}x, binary {trace_bin['traced'] / nbytes:.2f}x"
            " (goal < 1.5x)"
        )
        print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
        if pandas_text is not None:
            print(
                f"text:   pandas / embviz = {pandas_text['seconds'] / warm['seconds']:.2f}x warm "
                f"(goal >= 1x); with each one's imports (a fresh process to a loaded matrix): "
                f"{pandas_text['with_imports'] / warm['with_imports']:.2f}x"
            )
        if not args.no_gensim:
            print(
                f"text:   gensim / embviz = {gensim_text['seconds'] / warm['seconds']:.1f}x warm, "
                f"{gensim_text['seconds'] / cold['seconds']:.1f}x cold (goal >= 10x)"
            )
            print(
                f"binary: gensim / embviz = {gensim_bin['seconds'] / emb_bin['seconds']:.1f}x "
                "(goal >= 1x)"
            )
        reopen = min(reopen_npy(folder, args.npy_rows, args.dims, env, k) for k in range(2))
        print(
            f".npy reopen, {args.npy_rows:,} x {args.dims} memory-mapped with a labels.tsv "
            f"beside it: {reopen:.2f} s (goal < 1 s)"
        )


def reopen_npy(folder: Path, rows: int, dims: int, env: dict, again: int) -> float:
    npy = folder / "npy" / "big.npy"
    if again:
        return child("embviz", npy, "time", env)["seconds"]
    npy.parent.mkdir()
    array = np.lib.format.open_memmap(npy, mode="w+", dtype=np.float32, shape=(rows, dims))
    for start in range(0, rows, 100_000):
        array[start : start + 100_000] = np.float32(start)
    array.flush()
    del array
    (npy.parent / "labels.tsv").write_text("".join(f"word{i}\n" for i in range(rows)))
    return child("embviz", npy, "time", env)["seconds"]


if __name__ == "__main__":
    main()
