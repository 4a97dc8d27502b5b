"""Projections on 10,000 demo words (384 dims): time to the first drawn layout, final time and
trustworthiness (k=10) for embviz's PCA, t-SNE (openTSNE) and UMAP (umap-learn in a process),
against scikit-learn's TSNE and umap-learn's UMAP with default settings, in the same run.

    python benchmarks/projections.py [--rows 10000] [--skip-peers]

"First layout" is when the GUI would first draw something: the first partial layout a task
yields (or its result). umap-learn's peer runs in this process, cold (import + numba compile),
as a person calling it would; embviz's UMAP is timed from a cold process too, then warm.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def timed_task(task):
    from embviz.core.tasks import run_task

    started = time.perf_counter()
    first = []

    def on_progress(progress):
        if progress.partial is not None and not first:
            first.append(time.perf_counter() - started)

    result = run_task(task, on_progress)
    total = time.perf_counter() - started
    return result, (first[0] if first else total), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--methods", default="pca,tsne,umap", help="comma-separated")
    args = parser.parse_args()

    import embviz
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.paths import demo_path
    from embviz.reduce import projection_task
    from embviz.reduce.quality import trustworthiness

    demo = embviz.load(demo_path())
    rows = np.sort(np.random.default_rng(0).choice(len(demo), args.rows, replace=False))
    eset = EmbeddingSet([demo.labels[r] for r in rows], demo.vectors[rows], name="bench")
    x = np.asarray(eset.vectors, dtype=np.float32)
    print(f"{len(eset):,} demo words x {eset.dims} dims")
    results = {}

    def report(name, coords, first, total):
        trust = trustworthiness(x, coords, k=10)
        results[name] = (first, total, trust)
        print(f"{name:28s} first layout {first:7.2f} s   final {total:7.1f} s   trust {trust:.4f}")

    methods = args.methods.split(",")
    for name, method in (("embviz PCA", "pca"), ("embviz t-SNE (openTSNE)", "tsne")):
        if method in methods:
            projection, first, total = timed_task(projection_task(eset, method))
            report(name, projection.coords, first, total)
    if "umap" in methods:
        projection, first, total = timed_task(projection_task(eset, "umap"))
        report("embviz UMAP (cold process)", projection.coords, first, total)
        projection, first, total = timed_task(projection_task(eset, "umap"))
        report("embviz UMAP (warm process)", projection.coords, first, total)
    if not args.skip_peers and "tsne" in methods:
        from sklearn.manifold import TSNE

        started = time.perf_counter()
        coords = TSNE(random_state=0).fit_transform(x)
        total = time.perf_counter() - started
        report("sklearn TSNE (defaults)", coords, total, total)
    if not args.skip_peers and "umap" in methods:
        started = time.perf_counter()
        import umap

        coords = umap.UMAP().fit_transform(x)
        total = time.perf_counter() - started
        report("umap-learn UMAP (cold)", coords, total, total)
    pairs = [
        ("embviz t-SNE (openTSNE)", "sklearn TSNE (defaults)"),
        ("embviz UMAP (cold process)", "umap-learn UMAP (cold)"),
        ("embviz UMAP (warm process)", "umap-learn UMAP (cold)"),
    ]
    print("\nratios (embviz / peer): first layout, final time; trustworthiness difference")
    for ours, peer in pairs:
        if ours in results and peer in results:
            (f1, t1, q1), (f2, t2, q2) = results[ours], results[peer]
            print(f"{ours:28s} vs {peer:24s} {f1 / f2:6.3f}  {t1 / t2:5.2f}  {q1 - q2:+.4f}")


if __name__ == "__main__":
    main()
