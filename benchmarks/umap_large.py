"""UMAP on large sets: time and peak memory of embviz's fit against umap-learn, and where exact
neighbours stop being cheaper than NN-descent.

    python benchmarks/umap_large.py [--sizes 100000] [--parts knn,fit]
        [--peer euclidean,cosine] [--sampled] [--epochs N]

Rows: the demo's 21,721 real MiniLM word vectors, and beyond them points on the segments between
a word and one of its 15 nearest words (``(1 - t) a + t b``, t uniform in [0, 0.5], renormalised):
a denser sample of the same neighbourhoods (real vectors are all we ship; no larger real set is
available offline). Parts:

- knn: exact neighbours (embviz.reduce.knn, one float32 matrix product) against NN-descent
  (pynndescent, umap-learn's settings but embviz's ``NN_MAX_CANDIDATES``, already compiled),
  time and NN-descent's recall@15.
- fit: a fresh process runs embviz's UMAP fit of every row (cosine, seed 0) and reports its time
  and peak resident memory (VmHWM) minus the process's before the matrix was loaded (so the
  matrix itself counts), as a multiple of the matrix's bytes, also for each stage (neighbours,
  recall check, graph, start, optimiser; VmHWM is reset between stages). numba's code is
  compiled or loaded from its cache on a small set first, and its memory is printed apart.
  ``--peer`` runs umap-learn (no seed, every core) with the given metrics the same way
  (euclidean = its defaults); ``--sampled`` runs the app's path above ``UMAP_FIT_SAMPLE`` rows
  (umap-learn, cosine, seed 0, fitted on a sample, the other rows placed by its ``transform`` a
  chunk at a time, embviz.reduce.umap_place, the matrix memory-mapped as in the app's process)
  and, as its peer, the same fit with one ``transform`` call for every other row
  (``sampled-one-call``). The matrix file holds the sample's rows first, as the app writes it
  (embviz.reduce.umap); ``sampled-scattered`` keeps the set's order (the sample spread over the
  file: every page of the map resident while umap-learn fits, as before 1 December 2026), and
  ``sampled-release`` also releases the map's pages once the sample is copied (a change to
  umap_process's ``_fit`` that this measures). ``--fits`` picks the fits to run (e.g.
  ``--fits sampled`` alone).
  Trustworthiness is measured on the same 5,000 random rows for every method.

``--max-candidates 60,30`` runs embviz's fit once for each NN-descent ``max_candidates`` (the
neighbours stage's memory against recall and trustworthiness, in one run).

``--epochs`` overrides the number of epochs (umap-learn's default: 200 above 10,000 rows), for
runs that must fit in less time; the printed rows say so.

A million rows (the lead's run; hours on 2 cores):
    nice -n 5 python benchmarks/umap_large.py --sizes 1000000 --parts fit
The sampled path alone at a million rows, against one transform call:
    nice -n 5 python benchmarks/umap_large.py --sizes 1000000 --parts fit \
        --fits sampled,sampled-one-call
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
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
which, path, epochs, candidates = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def memory(field):  # bytes; VmHWM is this process's own peak (ru_maxrss keeps the parent's)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024


def reset_peak():  # VmHWM back to VmRSS (Linux: "5" to clear_refs); False where not allowed
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


STAGES = (("nearest", "neighbours"), ("recall", "recall check"), ("graph", "graph"),
          ("start", "start"), ("optimising", "optimiser"), ("fitting", "fit of the sample"),
          ("placing", "placing the rest"))
stages, current = [], [None, 0.0]


def status(text):  # each stage starts with a status line: the peak of the one that ended
    if current[0] is not None:
        stages.append((current[0], memory("VmHWM") - base, time.perf_counter() - current[1]))
    current[:] = [next((name for key, name in STAGES if key in text), text), time.perf_counter()]
    reset_peak()


compile_extra = None
if which == "embviz":
    import embviz.reduce.umap_fit as umap_fit
    from embviz.reduce.umap_fit import fit

    # numba's code (pynndescent's and the layout kernel) compiled or loaded from the disk
    # cache on a small set first: its memory is reported apart from the stages
    if candidates:  # NN-descent's candidate lists, when asked for
        umap_fit.NN_MAX_CANDIDATES = candidates
    before, limit = memory("VmRSS"), umap_fit.EXACT_KNN_MAX
    umap_fit.EXACT_KNN_MAX = 0  # the NN-descent path, as for the large set
    small = np.random.default_rng(0).normal(size=(2000, 32)).astype(np.float32)
    fit(small, {"metric": "cosine", "random_state": 0, "n_epochs": 5}, lambda _: None)
    umap_fit.EXACT_KNN_MAX = limit
    compile_extra = memory("VmHWM") - before
    del small
    reset_peak()
else:
    import umap
    if which.startswith("sampled"):  # umap-learn's fit and transform compiled the same way
        from embviz.reduce.umap_process import cache_kernels

        cache_kernels()
        before = memory("VmRSS")
        small = np.random.default_rng(0).normal(size=(5000, 32)).astype(np.float32)
        model = umap.UMAP(metric="cosine", random_state=0, n_epochs=5).fit(small[:4500])
        model.transform(small[4500:])
        compile_extra = memory("VmHWM") - before
        del small, model
        reset_peak()
base = memory("VmRSS")
sampled = which.startswith("sampled")
x = np.load(path, mmap_mode="r" if sampled else None)  # the app's UMAP process maps the matrix
started = time.perf_counter()
kwargs = {"n_epochs": epochs} if epochs else {}
if which == "embviz":
    coords, note = fit(x, {"metric": "cosine", "random_state": 0, **kwargs}, status)
    status("end")
elif sampled:  # the app's path above UMAP_FIT_SAMPLE rows: umap-learn, as umap_process
    from embviz.reduce.sampling import split_rows
    from embviz.reduce.umap import UMAP_FIT_SAMPLE
    from embviz.reduce.umap_place import place_rows, release_pages

    fitted, rest = split_rows(len(x), UMAP_FIT_SAMPLE, 0)
    if which != "sampled-scattered":  # the file holds the sample first, as the app writes it
        fitted, rest = np.arange(len(fitted)), np.arange(len(fitted), len(x))
    status("fitting the sample")
    x_fit = np.asarray(x[fitted])
    if which == "sampled-release":  # the map's pages released once the sample is copied
        release_pages(x)
    model = umap.UMAP(metric="cosine", random_state=0, **kwargs).fit(x_fit)
    coords = np.full((len(x), 2), np.nan, dtype=np.float32)
    coords[fitted] = model.embedding_
    if which != "sampled-one-call":  # embviz: a chunk at a time (umap_place), as the app does
        chunks = []
        status("placing the other rows")
        placing = time.perf_counter()

        def progress(text):  # before each chunk: the time and the stage's peak so far, on disk
            chunks.append(time.perf_counter())  # (a run cut short still tells how far it got)
            with open(path + ".progress", "a") as f:
                f.write(f"{time.strftime('%H:%M:%S', time.gmtime())} UTC  {text}  "
                        f"placing for {chunks[-1] - placing:.0f} s, fit took "
                        f"{placing - started:.0f} s, peak so far "
                        f"{(memory('VmHWM') - base) / x.nbytes:.2f}x the matrix\n")

        place_rows(model, x, rest, coords, progress)
        how = f"placed in {len(chunks)} chunks"
    else:  # the peer: umap-learn's own transform, one call for every other row
        status("placing the other rows")
        coords[rest] = model.transform(np.asarray(x[rest]))
        how = "placed by one transform call"
    status("end")
    note = f"umap-learn (cosine, seed 0) fitted on {len(fitted):,} rows, the rest {how}"
else:
    metric = which.split(":")[1] if ":" in which else "euclidean"
    coords = umap.UMAP(metric=metric, **kwargs).fit_transform(x)
    note = f"umap-learn, metric {metric}, no seed (every core)"
seconds = time.perf_counter() - started
peak = max([memory("VmHWM") - base] + [extra for _, extra, _ in stages])
np.save(path + ".out.npy", coords)
print(json.dumps({"seconds": seconds, "extra": peak, "note": note, "stages": stages,
                  "compile": compile_extra}))
"""


def large_rows(n: int, seed: int = 0) -> np.ndarray:
    """n unit rows: the demo's words, then points between a word and one of its neighbours."""
    import embviz
    from embviz.core.paths import demo_path
    from embviz.reduce.knn import exact_knn

    demo = np.asarray(embviz.load(demo_path()).vectors, dtype=np.float32)
    if n <= len(demo):
        rng = np.random.default_rng(seed)
        return demo[np.sort(rng.choice(len(demo), n, replace=False))]
    near = exact_knn(demo, 16, "cosine")[0][:, 1:]
    rng = np.random.default_rng(seed)
    out = np.empty((n, demo.shape[1]), dtype=np.float32)
    out[: len(demo)] = demo
    step = 1 << 16
    for start in range(len(demo), n, step):
        stop = min(start + step, n)
        a = rng.integers(len(demo), size=stop - start)
        b = near[a, rng.integers(near.shape[1], size=stop - start)]
        t = rng.uniform(0.0, 0.5, size=(stop - start, 1)).astype(np.float32)
        rows = (1 - t) * demo[a] + t * demo[b]
        out[start:stop] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def knn_part(x: np.ndarray) -> None:
    from pynndescent import NNDescent

    from embviz.reduce.knn import exact_knn, knn_of_rows, recall
    from embviz.reduce.umap_fit import NN_MAX_CANDIDATES

    n = len(x)
    NNDescent(x[:2000], n_neighbors=15, metric="cosine", random_state=0)  # compiled already
    started = time.perf_counter()
    index = NNDescent(
        x,
        n_neighbors=15,
        metric="cosine",
        random_state=0,
        n_trees=min(64, 5 + int(round(n**0.5 / 20.0))),
        n_iters=max(5, int(round(np.log2(n)))),
        max_candidates=NN_MAX_CANDIDATES,
        low_memory=True,
        compressed=True,
    )
    found = index.neighbor_graph[0]
    nnd = time.perf_counter() - started
    rows = np.random.default_rng(0).choice(n, 500, replace=False)
    share = recall(found[rows], knn_of_rows(x, rows, 15, "cosine"))
    if n <= 60_000:
        started = time.perf_counter()
        exact_knn(x, 15, "cosine")
        exact = f"{time.perf_counter() - started:7.2f} s"
    else:
        exact = "    (not run)"
    print(
        f"{n:>9,} knn   exact {exact}   NN-descent {nnd:7.2f} s, recall@15 {share:.3f}   "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def fit_part(x: np.ndarray, name: str, epochs: int, work: Path, candidates: int = 0) -> None:
    from embviz.reduce.quality import trustworthiness

    path = work / "x.npy"
    order = None
    if name.startswith("sampled") and name != "sampled-scattered":  # as embviz.reduce.umap
        from embviz.reduce.sampling import save_rows, split_rows
        from embviz.reduce.umap import UMAP_FIT_SAMPLE

        split = split_rows(len(x), UMAP_FIT_SAMPLE, 0)
        assert split is not None, "the sampled path needs more rows than UMAP_FIT_SAMPLE"
        order = np.concatenate(split)
        save_rows(str(path), x, order)
    else:
        np.save(path, x)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(path), str(epochs), str(candidates)],
        env=env,
        capture_output=True,
        text=True,
        timeout=6 * 3600,
    )
    if proc.returncode:
        print(f"{len(x):>9,} fit   {name}: failed: {proc.stderr[-2000:]}", flush=True)
        return
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - started
    rows = np.random.default_rng(0).choice(len(x), min(len(x), 5000), replace=False)
    coords = np.load(str(path) + ".out.npy")
    if order is not None:  # back in the set's order
        coords[order] = coords.copy()
    trust = trustworthiness(x[rows], coords[rows], k=10)
    label = f"{epochs} epochs" if epochs else "default epochs"
    if candidates:
        label += f", NN-descent max_candidates {candidates}"
    print(
        f"{len(x):>9,} fit   {name:10s} {result['seconds']:8.1f} s (process {wall:.1f} s)  "
        f"peak memory {result['extra'] / x.nbytes:.2f}x the matrix ({x.nbytes / 2**20:.0f} MiB)  "
        f"trust@10 on 5,000 rows {trust:.4f}  {label}  [{result['note']}]  "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if result["stages"]:
        parts = ", ".join(
            f"{stage} {extra / x.nbytes:.2f}x ({seconds:.0f} s)"
            for stage, extra, seconds in result["stages"]
        )
        print(f"{'':>9}       peak by stage (the matrix counts): {parts}", flush=True)
    if result["compile"] is not None:
        print(
            f"{'':>9}       numba (compiled or loaded from its cache on a small set first, "
            f"not counted above): {result['compile'] / 2**20:.0f} MiB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--parts", default="knn,fit")
    parser.add_argument(
        "--peer",
        default="",
        help="umap-learn too, with these metrics (e.g. euclidean,cosine; euclidean = its defaults)",
    )
    parser.add_argument("--epochs", type=int, default=0)
    parser.add_argument(
        "--sampled",
        action="store_true",
        help="the app's sampled path too (fit 50,000, place the rest)",
    )
    parser.add_argument(
        "--fits",
        default="",
        help="only these fits (embviz, sampled, sampled-scattered, sampled-release, "
        "sampled-one-call, umap-learn:METRIC); "
        "default: embviz, then --peer and --sampled",
    )
    parser.add_argument(
        "--max-candidates",
        default="",
        help="embviz's fit once for each of these NN-descent max_candidates (e.g. 60,30); "
        "default: umap_fit.NN_MAX_CANDIDATES",
    )
    args = parser.parse_args()
    candidate_list = [int(c) for c in args.max_candidates.split(",") if c] or [0]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    work = Path(tempfile.mkdtemp(prefix="umap-large-"))
    print(f"work folder {work} (x.npy.progress: the sampled path's chunks as they go)", flush=True)
    for n in (int(s) for s in args.sizes.split(",")):
        x = large_rows(n)
        if "knn" in args.parts:
            knn_part(x)
        if "fit" in args.parts:
            fits = args.fits.split(",") if args.fits else ["embviz"]
            fits += [f"umap-learn:{metric}" for metric in args.peer.split(",") if metric]
            fits += ["sampled", "sampled-one-call"] if args.sampled else []
            for name in fits:
                for candidates in candidate_list if name == "embviz" else [0]:
                    fit_part(x, name, args.epochs, work, candidates)


if __name__ == "__main__":
    main()
