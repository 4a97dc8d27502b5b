"""t-SNE's learning rate: openTSNE's "auto" against embviz's, trustworthiness paired on samples.

    python benchmarks/tsne_learning_rate.py [--size 3000] [--samples 0,1,2,3] [--sklearn]

openTSNE's "auto" learning rate is rows / the phase's exaggeration: rows / 12 during early
exaggeration, then rows (12x more). embviz's (embviz.reduce.tsne.learning_rate) keeps rows / early
exaggeration in both phases, as Belkina et al. (2019) and scikit-learn's "auto" do. Everything
else is the same run (exact cosine neighbours, embviz's PCA start, Barnes-Hut below
FFT_MIN_ROWS rows, FFT from there, one thread, 250 + 500 iterations, momentum 0.8). Each sample is
a different random set of demo words (sample 0 is the one tsne_speed.py uses); the per-sample
difference is printed, since trustworthiness varies by ~0.005 between samples.
With --sklearn, scikit-learn's TSNE (defaults, cosine) runs on each sample too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def demo_sample(n: int, sample: int) -> np.ndarray:
    import embviz
    from embviz.core.paths import demo_path

    demo = embviz.load(demo_path())
    rows = np.sort(np.random.default_rng(sample).choice(len(demo), n, replace=False))
    return np.asarray(demo.vectors[rows], dtype=np.float32)


def opentsne_run(x: np.ndarray, fixed_rate: bool) -> np.ndarray:
    from openTSNE import TSNE

    from embviz.reduce.tsne import (
        TSNEParams,
        gradient_method,
        initial_layout,
        learning_rate,
        scaled,
    )
    from embviz.reduce.tsne_knn import ExactNeighbors

    x = scaled(x)
    tsne = TSNE(
        metric="cosine",
        initialization=initial_layout(x, 2, 0, True),
        neighbors=ExactNeighbors(x, 90, metric="cosine"),
        negative_gradient_method=gradient_method(len(x), 2),
        learning_rate=learning_rate(len(x), TSNEParams()) if fixed_rate else "auto",
        random_state=0,
        n_jobs=1,
    )
    embedding = tsne.prepare_initial(x)
    embedding = embedding.optimize(250, exaggeration=12, momentum=0.8, inplace=True)
    return np.asarray(embedding.optimize(500, momentum=0.8, inplace=True))


def sklearn_run(x: np.ndarray) -> np.ndarray:
    from sklearn.manifold import TSNE

    return np.asarray(TSNE(metric="cosine", random_state=0).fit_transform(x))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--samples", default="0,1,2,3")
    parser.add_argument("--sklearn", action="store_true")
    args = parser.parse_args()
    from embviz.reduce.quality import trustworthiness

    runs = {
        "openTSNE auto": lambda x: opentsne_run(x, False),
        "embviz rate": lambda x: opentsne_run(x, True),
    }
    if args.sklearn:
        runs["scikit-learn"] = sklearn_run
    trust: dict[str, list[float]] = {name: [] for name in runs}
    for sample in (int(s) for s in args.samples.split(",")):
        x = demo_sample(args.size, sample)
        for name, run in runs.items():
            started = time.process_time()
            coords = run(x)
            cpu = time.process_time() - started
            trust[name].append(trustworthiness(x, coords, k=10))
            print(
                f"{args.size:>7,} sample {sample} {name:14s} CPU {cpu:7.2f} s  "
                f"trust {trust[name][-1]:.4f}  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    for name, values in trust.items():
        print(f"{name:14s} mean trust {np.mean(values):.4f}")
    gain = np.subtract(trust["embviz rate"], trust["openTSNE auto"])
    print(f"embviz rate - openTSNE auto, per sample: {' '.join(f'{g:+.4f}' for g in gain)}")
    if args.sklearn:
        gap = np.subtract(trust["embviz rate"], trust["scikit-learn"])
        print(f"embviz rate - scikit-learn, per sample: {' '.join(f'{g:+.4f}' for g in gap)}")


if __name__ == "__main__":
    main()
