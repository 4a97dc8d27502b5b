"""t-SNE with openTSNE, streamed: the layout is handed out while the optimiser runs, so the map
shows structure forming within a couple of seconds.

openTSNE's optimiser runs once, start to end, in a worker thread (:mod:`embviz.reduce.tsne_stream`);
its gradient, wrapped, hands out the layout at most twice a second and stops it on Cancel. The
negative gradient is Barnes-Hut on small sets and FFT-interpolated on large ones (:func:`gradient_method`).
Above ``fit_sample`` rows, t-SNE is fitted on a random sample and the other rows are placed with
openTSNE's ``transform``.

Memory: nothing the size of the matrix is copied (the PCA preview and start are summed a block
at a time, sampling.blocked_pca), and above EXACT_NEIGHBORS_MAX rows openTSNE's affinities are
built by :mod:`embviz.reduce.tsne_affinity`, which keeps neither the Annoy index nor the
neighbour lists."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.reduce.base import Projection
from embviz.reduce.params import as_dict, param
from embviz.reduce.sampling import (
    blocked_pca,
    merge_rows,
    nearest_rows,
    preview_coords,
    project,
    split_rows,
)
from embviz.reduce.tsne_stream import OptimisationStream

# Above this many rows t-SNE is fitted on a random sample and the rest are placed with openTSNE's
# transform. Placing is cheaper per row but loses neighbourhoods: on 20,000 demo words
# (benchmarks/tsne_mid.py, same run) a 10,000-row sample gave trustworthiness 0.944 against 0.969
# fitting every row and 0.964 for openTSNE's defaults, which fit every row; the full fit took
# 0.72x openTSNE's time. At 50,000 rows (words and points between neighbouring words): 0.967
# sampled, 0.987 fitted whole in 0.82x openTSNE's time (its trust 0.986). So every row is fitted
# through the goal's range (100k rows; not measured at 100k on such data), and only larger sets
# are sampled.
TSNE_FIT_SAMPLE = 100_000
# The sample fitted above that is at most this many rows. Each placed row first sits on its
# nearest fitted row (one distance per fitted row) and is then placed by transform against the
# fitted layout, so the placing cost grows with the sample; 10,000 is the sample the 1M-row
# measurement used (benchmarks/tsne_large.py: 1,007 s at 1M). Larger samples were not measured.
SAMPLE_ROWS_MAX = 10_000
# Barnes-Hut below this many rows, FFT from here (2-D). Measured with benchmarks/tsne_gradient.py
# (CPU seconds of the whole 750-iteration run, one thread, same affinities, start and learning
# rate): BH took 0.83x FFT's time at 4,000 rows, 1.41x at 7,000 and more above; they cross near
# 5,000 (with openTSNE's own learning rate, whose layouts spread wider, they crossed near 8,000).
FFT_MIN_ROWS = 5_000
# The learning rate, "auto": rows / early exaggeration in both phases (Belkina et al. 2019; what
# scikit-learn's "auto" is in openTSNE's units, bar its floor of 200). openTSNE's own "auto" is
# rows / the phase's exaggeration, so after the early phase it jumps 12x to rows. Measured on
# demo words (benchmarks/tsne_learning_rate.py, paired on several samples): the fixed rate
# gave trustworthiness +0.005 at 3k rows (4 of 4 samples; the gap to scikit-learn went from
# -0.007 to -0.002), +0.003 at 1k, +0.004 at 10k, and at 10k half the CPU time (the layout
# spreads less, so the FFT's grid stays smaller).
EXACT_NEIGHBORS_MAX = 20_000  # exact kNN up to here: faster than Annoy on 384 dims, and truer
PLACE_BATCH = 1000  # rows placed per transform call (new rows do not interact in openTSNE)
# Work on the whole matrix goes a block at a time, so that t-SNE's peak memory stays near the
# matrix itself at 100k-1M rows (benchmarks/tsne_large.py prints it).
SCALE_BLOCK_CELLS = 1 << 22  # values per block when rescaling or checking (32 MB as float64)
# Placed rows per nearest-fitted-row search: sampling.nearest_rows holds three float32 blocks of
# (rows x fitted rows), 3 x 82 MB for 2,048 x 10,000 rows; 512 rows keep that to ~60 MB.
PLACE_BLOCK = 512


@dataclass
class TSNEParams:
    perplexity: float = param(30.0, low=2.0, high=500.0, help="effective number of neighbours")
    learning_rate: float = param(
        0.0,
        low=0.0,
        high=1e6,
        help="0 = auto: rows / early exaggeration, both phases (Belkina et al. 2019)",
        zero_means="auto",
    )
    early_exaggeration: float = param(12.0, low=1.0, high=100.0, help="pulls clusters apart early")
    early_iterations: int = param(250, low=0, high=5000, help="iterations with exaggeration")
    iterations: int = param(500, low=1, high=20000, help="iterations after the early phase")
    metric: str = param("cosine", choices=("cosine", "euclidean"), help="distance between vectors")
    initialization: str = param("pca", choices=("pca", "random"), help="starting layout")
    seed: int = param(0, low=0, high=2**31 - 1, help="random seed (same seed, same layout)")
    fit_sample: int = param(
        TSNE_FIT_SAMPLE,
        low=0,
        high=10_000_000,
        help="above this many rows, fit on a random sample (of at most 10,000 rows) and place "
        "the rest (0 = never)",
        zero_means="never",
    )


def gradient_method(rows: int, dims: int) -> str:
    """openTSNE's negative gradient: Barnes-Hut on small sets, where the FFT's grid costs more
    than the tree, FFT from FFT_MIN_ROWS (openTSNE's own "auto" switches at 10,000); 3-D is BH
    only (openTSNE's FFT is 1-D and 2-D)."""
    return "fft" if dims <= 2 and rows >= FFT_MIN_ROWS else "bh"


def learning_rate(rows: int, p: TSNEParams) -> float:
    """The step size of both phases: ``p.learning_rate``, or for 0 (auto) rows / early
    exaggeration, the same in both phases (see the note above EXACT_NEIGHBORS_MAX)."""
    if p.learning_rate > 0:
        return float(p.learning_rate)
    return rows / max(p.early_exaggeration, 1.0)


def neighbour_index(x: np.ndarray, perplexity: float, metric: str) -> Any:
    """Exact neighbours (one matrix product) up to EXACT_NEIGHBORS_MAX rows, else openTSNE's
    approximate index ("auto"). k is openTSNE's own: three times the perplexity."""
    if len(x) > EXACT_NEIGHBORS_MAX:
        return "auto"
    from embviz.reduce.tsne_knn import ExactNeighbors

    k = min(len(x) - 1, int(3 * min(perplexity, (len(x) - 1) / 3)))
    return ExactNeighbors(x, k, metric=metric)


def _n_jobs(rows: int) -> int:
    """openTSNE threads pay off on larger sets and spare cores only: on the 2-core reference
    machine, busy with other work, 2 threads ran the optimisation 2x slower than 1 (and 5x in
    short chunks), so 2 cores or fewer get one thread."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if rows < 5000 or cores <= 2:
        return 1
    return cores - 1


def scaled(vectors: np.ndarray) -> np.ndarray:
    """The rows divided by their largest absolute value (float32), or the rows themselves when
    they are float32 already with that value between 1e-3 and 1e3 (no copy: at 1M rows the
    matrix is the memory that counts).

    t-SNE's affinities do not change under one common scale (the bandwidth of each row is
    calibrated to the perplexity, and cosine ignores length), but float32 does: values near 1e37
    overflow when squared and values near 1e-40 underflow, and openTSNE then crashes. The copy,
    when one is needed, is written a block at a time (float64 only within a block)."""
    x = np.asarray(vectors)
    if not x.size:
        return x.astype(np.float32)
    top = max(abs(float(np.max(x))), abs(float(np.min(x))))  # no |x| copy
    if x.dtype == np.float32 and x.flags.c_contiguous and 1e-3 <= top <= 1e3:
        return x
    out = np.empty(x.shape, dtype=np.float32)
    step = max(1, SCALE_BLOCK_CELLS // max(1, x.shape[1] if x.ndim > 1 else 1))
    for start in range(0, len(x), step):
        block = np.asarray(x[start : start + step], dtype=np.float64)
        out[start : start + step] = block / top if top > 0 and np.isfinite(top) else block
    return out


def nearest_fitted(
    x: np.ndarray, placed: np.ndarray, fitted: np.ndarray, metric: str
) -> np.ndarray:
    """For each placed row, its nearest fitted row (index into ``fitted``), a block at a time."""
    x_fit = x[fitted]
    owner = np.empty(len(placed), dtype=np.int64)
    for start in range(0, len(placed), PLACE_BLOCK):
        rows = placed[start : start + PLACE_BLOCK]
        owner[start : start + PLACE_BLOCK] = nearest_rows(x[rows], x_fit, metric)
    return owner


def initial_layout(
    x: np.ndarray,
    dims: int,
    seed: int,
    pca: bool,
    basis: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """openTSNE's starting layout (the first components, column 0 scaled to std 1e-4), computed
    here so that it is never NaN: openTSNE divides by the first component's spread, which is 0 for
    identical rows, and its FFT gradient then ends the process with a segmentation fault. Data
    with fewer dimensions than the map (D = 1) get small random values in the missing columns.
    ``basis`` is (mean, components) of ``x`` when already known (the PCA preview's); the PCA is
    computed without a copy of ``x`` (sampling.blocked_pca)."""
    rng = np.random.default_rng(seed)
    n = len(x)
    layout = np.empty((n, 0))
    if pca:
        mean, components = basis if basis is not None else blocked_pca(x, dims)
        layout = project(x, mean, components)
    spread = float(np.std(layout[:, 0])) if layout.shape[1] else 0.0
    if not (np.isfinite(spread) and spread > 0) or not np.isfinite(layout).all():
        layout, spread = np.empty((n, 0)), 1.0
    missing = dims - layout.shape[1]
    if missing:
        layout = np.hstack([layout, rng.normal(0.0, spread, size=(n, missing))])
    return np.ascontiguousarray(layout / spread * 1e-4)


def all_finite(x: np.ndarray) -> bool:
    """No NaN or infinity in ``x``, checked a block at a time (np.isfinite(x) is a bool copy)."""
    step = max(1, SCALE_BLOCK_CELLS // max(1, x.shape[1] if x.ndim > 1 else 1))
    return all(bool(np.isfinite(x[start : start + step]).all()) for start in range(0, len(x), step))


class TSNEReducer:
    name = "tsne"
    title = "t-SNE"
    params_type = TSNEParams
    min_rows = 3

    def run(
        self, vectors: np.ndarray, params: TSNEParams | None = None, dims: int = 2
    ) -> Task[Projection]:
        p = params or TSNEParams()
        x = scaled(vectors)
        n = len(x)
        if n < self.min_rows:
            raise EmbvizError(f"t-SNE needs at least {self.min_rows} rows; this set has {n}.")
        if not all_finite(x):
            raise EmbvizError(
                "t-SNE: the vectors hold NaN or infinite values; leave those rows out."
            )
        split = None  # every row fitted up to fit_sample rows, else a sample (SAMPLE_ROWS_MAX)
        if 0 < p.fit_sample < n:
            split = split_rows(n, min(p.fit_sample, SAMPLE_ROWS_MAX), p.seed)
        fitted = np.arange(n) if split is None else split[0]
        placed = np.empty(0, dtype=np.int64) if split is None else split[1]
        info: dict[str, Any] = {
            "axis_titles": [f"t-SNE {i + 1}" for i in range(dims)],
            "fit_sample": None if split is None else len(fitted),
        }
        saved = as_dict(p)

        def layout(coords: np.ndarray, partial: bool) -> Projection:
            return Projection(coords, self.name, saved, dict(info), partial=partial)

        started = time.perf_counter()
        # The preview's PCA is the starting layout's too: both are of the fitted rows.
        basis = blocked_pca(x, dims, None if split is None else fitted)
        preview = Projection(
            preview_coords(x, *basis, dims),
            self.name,
            saved,
            dict(info, axis_titles=[f"PC{i + 1} (preview)" for i in range(dims)]),
            partial=True,
        )
        yield Progress(0.01, "t-SNE: finding neighbours (PCA preview shown)", partial=preview)
        from openTSNE import TSNE

        from embviz.reduce.tsne_fft import install_threaded_fft

        install_threaded_fft()
        x_fit = x if split is None else x[fitted]  # no copy when every row is fitted
        if float(np.ptp(x_fit, axis=0).max()) == 0.0:
            raise EmbvizError(
                f"t-SNE: all {len(x_fit):,} rows are identical, so there are no distances to lay "
                "out. PCA shows them, all at one point."
            )
        perplexity = min(p.perplexity, (len(x_fit) - 1) / 3)  # openTSNE's own limit
        # Above the exact range, with nothing to place later, the affinities are openTSNE's
        # from the same Annoy index, built without keeping the index (tsne_affinity).
        lean = split is None and len(x_fit) > EXACT_NEIGHBORS_MAX
        tsne = TSNE(
            n_components=dims,
            perplexity=perplexity,
            learning_rate=learning_rate(len(x_fit), p),
            early_exaggeration=p.early_exaggeration,
            metric=p.metric,
            initialization=initial_layout(x_fit, dims, p.seed, p.initialization == "pca", basis),
            negative_gradient_method=gradient_method(len(x_fit), dims),
            neighbors="annoy" if lean else neighbour_index(x_fit, p.perplexity, p.metric),
            n_jobs=_n_jobs(len(x_fit)),
            random_state=p.seed,
        )
        if lean:
            from embviz.reduce.tsne_affinity import lean_affinities

            affinities = lean_affinities(x_fit, perplexity, p.metric, p.seed, tsne.n_jobs)
            embedding = tsne.prepare_initial(x_fit, affinities=affinities)
        else:
            embedding = tsne.prepare_initial(x_fit)
        owner = None
        if len(placed):  # until they are placed, other rows sit on their nearest fitted row
            owner = nearest_fitted(x, placed, fitted, p.metric)

        def whole(coords: np.ndarray) -> np.ndarray:
            coords = np.asarray(coords, dtype=np.float32)
            if owner is None:
                return coords
            return merge_rows(n, fitted, coords, placed, coords[owner])

        yield Progress(0.05, "t-SNE: optimising", partial=layout(whole(embedding), True))
        share = 0.9 if len(placed) else 1.0
        total = p.early_iterations + p.iterations
        stream = OptimisationStream(embedding, p.early_iterations, p.early_exaggeration, total)
        for done, snapshot in stream.run():
            fraction = 0.05 + (share - 0.05) * done / max(total, 1)
            message = f"t-SNE: iteration {done} of {total}"
            partial = None if snapshot is None else layout(whole(snapshot), True)
            yield Progress(fraction, message, partial=partial)
        embedding = stream.embedding
        coords = np.asarray(embedding, dtype=np.float32)
        if owner is not None:  # some rows were left out of the fit: place them now
            parts = (n, fitted, placed, owner)
            coords = yield from self._place(embedding, x, parts, layout)
        info["seconds"] = time.perf_counter() - started
        yield Progress(1.0, "t-SNE: done")
        return layout(coords, False)

    def _place(
        self,
        embedding: Any,  # openTSNE's TSNEEmbedding (an ndarray subclass that can transform)
        x: np.ndarray,
        parts: tuple[int, np.ndarray, np.ndarray, np.ndarray],
        layout: Callable[[np.ndarray, bool], Projection],
    ) -> Task[np.ndarray]:
        """openTSNE's transform of the placed rows of ``x``, a batch at a time (placed rows do not
        interact)."""
        n, fitted, placed, owner = parts
        embedding -= (np.max(embedding, axis=0) + np.min(embedding, axis=0)) / 2  # as transform
        fit_coords = np.asarray(embedding, dtype=np.float32)
        rest = fit_coords[owner].copy()
        for start in range(0, len(placed), PLACE_BATCH):
            stop = min(start + PLACE_BATCH, len(placed))
            rest[start:stop] = np.asarray(embedding.transform(x[placed[start:stop]]))
            coords = merge_rows(n, fitted, fit_coords, placed, rest)
            message = f"t-SNE: placing the other rows ({stop:,} of {len(placed):,})"
            yield Progress(0.9 + 0.1 * stop / len(placed), message, partial=layout(coords, True))
        return merge_rows(n, fitted, fit_coords, placed, rest)
