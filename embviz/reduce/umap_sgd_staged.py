"""UMAP's layout on every core, reproducible for a seed: the schedule for small sets.

Each epoch reads the other points from the layout as it was when the epoch began and moves only
each edge's head, twice as far (umap-learn pulls i once as the head of (i, j) and once as the
moved tail of (j, i)); so the threads never write what another reads, and each point draws its
negative samples from its own random stream: the layout depends on the seed alone, not on the
number of threads. The terms, clipping, sampling schedule and learning rate are umap-learn's.

Why two schedules (umap_sgd holds umap-learn's own, in order on one thread when seeded): measured
on benchmarks/umap_large.py rows, 200-500 epochs, the same graph and start,

- 10,000 rows (load 4-5): this one 22.7 s, trustworthiness 0.8576; umap-learn's update on one
  thread 27.3 s, 0.8505 (umap-learn's own defaults: 0.854);
- 40,000 rows: this one 0.825, umap-learn's update 0.873 (umap-learn's optimiser 0.871).

So seeded fits up to ``STAGED_MAX_ROWS`` use this schedule, larger ones umap-learn's update. The
crossing between 10k and 40k rows was not measured; the switch sits at the last size where this
one was measured ahead.

The kernel is umap_sgd's (``_epoch_rows`` with ``staged``; the epochs are run by
``umap_sgd.Optimiser``), on threads from umap_threads; only the limit lives here.
"""

from __future__ import annotations

STAGED_MAX_ROWS = 10_000
