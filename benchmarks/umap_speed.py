"""UMAP against umap-learn, in the same run: warm (a running app), fresh processes, first ever.

    python benchmarks/umap_speed.py [--sizes 3000,10000] [--repeats 2] [--parts warm,fresh,first]

Rows are a random sample of the demo's MiniLM word vectors (unit length). Parts:

- warm: in one process, embviz's UMAP task (its worker process already warm from a first run)
  against umap-learn's second call in one process, with its defaults (euclidean, no seed,
  threads) and with embviz's settings (cosine, seed 0).
- fresh: a new process each, numba's disk cache warm: ``embviz project X.npy --method umap``
  against ``python -c "umap.UMAP(...).fit_transform(X)"`` (defaults; embviz's settings).
- first: the same with an empty numba cache (NUMBA_CACHE_DIR and XDG_CACHE_HOME in a new
  folder): the first UMAP after installing.

Every round alternates embviz and its peers. Medians are printed with trustworthiness (k = 10,
embviz.reduce.quality) and the ratios the goals name.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tsne_speed import rows_of_demo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PEER = (
    "import sys, numpy as np, umap, warnings; warnings.filterwarnings('ignore');"
    "x = np.load(sys.argv[1]); kw = eval(sys.argv[3]);"
    "np.save(sys.argv[2], umap.UMAP(**kw).fit_transform(x))"
)
SETTINGS = {"defaults": "{}", "cosine, seed 0": "{'metric': 'cosine', 'random_state': 0}"}


def embviz_umap(x: np.ndarray) -> np.ndarray:
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.tasks import run_task
    from embviz.reduce import projection_task

    eset = EmbeddingSet([f"w{i}" for i in range(len(x))], x)
    return run_task(projection_task(eset, "umap")).coords


def fresh(command: list[str], env: dict[str, str], out: Path) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=1800)
    return time.perf_counter() - started, np.load(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="3000,10000")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--parts", default="warm,fresh,first")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from embviz.reduce.quality import trustworthiness

    parts = args.parts.split(",")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    table: list[tuple[int, str, str, float, float]] = []

    def record(n: int, part: str, name: str, seconds: list[float], trust: list[float]) -> None:
        s, t = statistics.median(seconds), statistics.median(trust)
        table.append((n, part, name, s, t))
        print(
            f"{n:>7,} {part:6s} {name:28s} {s:7.2f} s  trust {t:.4f}  ({len(seconds)} runs, "
            f"load average {os.getloadavg()[0]:.1f} now)"
        )

    for n in (int(s) for s in args.sizes.split(",")):
        x = rows_of_demo(n)
        work = Path(tempfile.mkdtemp(prefix="umap-bench-"))
        np.save(work / "x.npy", x)
        if "warm" in parts:
            import umap

            runs: dict[str, tuple[list[float], list[float]]] = {}
            embviz_umap(x[:500])  # the worker process warm, as in a running app
            umap.UMAP(**eval(SETTINGS["defaults"])).fit_transform(x[:500])
            umap.UMAP(**eval(SETTINGS["cosine, seed 0"])).fit_transform(x[:500])
            for _ in range(args.repeats):
                for name in ("embviz", *SETTINGS):
                    started = time.perf_counter()
                    if name == "embviz":
                        coords = embviz_umap(x)
                    else:
                        coords = umap.UMAP(**eval(SETTINGS[name])).fit_transform(x)
                    seconds = time.perf_counter() - started
                    times, trust = runs.setdefault(name, ([], []))
                    times.append(seconds)
                    trust.append(trustworthiness(x, coords, k=10))
            for name, (times, trust) in runs.items():
                record(n, "warm", name if name == "embviz" else f"umap-learn {name}", times, trust)
        for part in ("fresh", "first"):
            if part not in parts:
                continue
            runs = {}
            for _ in range(args.repeats):
                for name in ("embviz", *SETTINGS):
                    env = dict(os.environ, PYTHONPATH=str(ROOT))
                    if part == "first":
                        cache = tempfile.mkdtemp(prefix="umap-cache-")
                        env |= {"NUMBA_CACHE_DIR": cache, "XDG_CACHE_HOME": cache}
                    out = work / "out.npy"
                    out.unlink(missing_ok=True)
                    if name == "embviz":
                        command = [sys.executable, "-m", "embviz", "project", str(work / "x.npy")]
                        command += ["--method", "umap", "-o", str(out)]
                    else:
                        command = [sys.executable, "-c", PEER, str(work / "x.npy"), str(out)]
                        command.append(SETTINGS[name])
                    seconds, coords = fresh(command, env, out)
                    times, trust = runs.setdefault(name, ([], []))
                    times.append(seconds)
                    trust.append(trustworthiness(x, coords, k=10))
            for name, (times, trust) in runs.items():
                record(n, part, name if name == "embviz" else f"umap-learn {name}", times, trust)
    print("\nratios (umap-learn / embviz: above 1 = embviz faster), trustworthiness difference")
    for n, part, name, peer_seconds, peer_trust in table:
        if name == "embviz":
            continue
        ours = next(row for row in table if row[:2] == (n, part) and row[2] == "embviz")
        print(
            f"{n:>7,} {part:6s} {name:28s} {peer_seconds / ours[3]:5.2f}x  trust embviz - peer "
            f"{ours[4] - peer_trust:+.4f}"
        )


if __name__ == "__main__":
    main()
