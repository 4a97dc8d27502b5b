"""Barnes-Hut or FFT: openTSNE's two negative gradients, timed in CPU seconds on one thread.

    python benchmarks/tsne_gradient.py [--sizes 2000,5000,10000,20000]

On a shared, loaded machine wall time says more about the neighbours' work than about ours;
CPU time of one thread (process_time, n_jobs=1, numpy's one-thread FFT) does not. The same
affinities and starting layout feed both methods; the full schedule (250 + 500 iterations) runs,
since both costs grow as the layout spreads, with embviz's learning rate (rows / 12 in both phases:
the layout spreads less than with openTSNE's, which makes the FFT's grid smaller). Prints the CPU seconds of each, their ratio and
trustworthiness (k = 10). embviz.reduce.tsne.FFT_MIN_ROWS is set from this.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tsne_speed import rows_of_demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,5000,10000,20000")
    args = parser.parse_args()
    from openTSNE import TSNE

    from embviz.reduce.quality import trustworthiness
    from embviz.reduce.tsne import TSNEParams, initial_layout, learning_rate

    for n in (int(s) for s in args.sizes.split(",")):
        x = rows_of_demo(n)
        init = initial_layout(x, 2, 0, True)
        cpu = {}
        for method in ("bh", "fft"):
            tsne = TSNE(
                metric="cosine",
                neighbors="exact",
                negative_gradient_method=method,
                learning_rate=learning_rate(n, TSNEParams()),  # embviz's: rows / 12, both phases
                initialization=init,
                random_state=0,
                n_jobs=1,
            )
            embedding = tsne.prepare_initial(x)
            started = time.process_time()
            embedding = embedding.optimize(250, exaggeration=12, momentum=0.8, inplace=True)
            embedding = embedding.optimize(500, momentum=0.8, inplace=True)
            cpu[method] = time.process_time() - started
            trust = trustworthiness(x, np.asarray(embedding), k=10)
            print(f"{n:>7,} {method:3s} {cpu[method]:7.2f} CPU s  trust {trust:.4f}", flush=True)
        print(f"{n:>7,} BH / FFT {cpu['bh'] / cpu['fft']:.2f}", flush=True)


if __name__ == "__main__":
    main()
