"""UMAP, run in a separate process that Cancel can end (see umap_process): embviz's own fit
(umap_fit) for every row, umap-learn for supervised fits and fits on a sample.

A PCA layout is handed out at once as a partial result, then the layout as it forms, so the map
is never empty or frozen while the process compiles and fits. Optionally supervised by a
metadata column. The
projection's ``info["neighbors"]`` says whether the neighbours were exact or approximate (with
their measured recall); approximate ones are named in the view's note.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.reduce.base import Projection
from embviz.reduce.params import as_dict, param
from embviz.reduce.sampling import pca_preview, save_rows, split_rows

if TYPE_CHECKING:
    from embviz.core.dataset import EmbeddingSet
    from embviz.reduce.umap_process import UmapProcess

# Above this many rows UMAP is fitted on a sample. Measured here (2 cores, 384 dims): a warm
# process fits 10,000 rows in 6-8 s on a quiet machine (benchmarks/umap_speed.py, 2026-11-30);
# umap-learn's transform is not much cheaper per row than its fit, so sampling only pays off on
# much larger sets.
UMAP_FIT_SAMPLE = 50_000
POLL_SECONDS = 0.1


@dataclass
class UMAPParams:
    n_neighbors: int = param(15, low=2, high=200, help="size of the local neighbourhood")
    min_dist: float = param(0.1, low=0.0, high=1.0, help="how tightly points may pack")
    metric: str = param("cosine", choices=("cosine", "euclidean"), help="distance between vectors")
    # seed 0 by default: the same set gives the same map again. Both embviz's own fit and
    # umap-learn (supervised or sampled fits) optimise the layout on one thread when seeded, and
    # -1 lets them use every core, not reproducibly (embviz's reproducible parallel layout lost
    # trustworthiness at 40,000 rows and more: see umap_sgd).
    seed: int = param(0, low=-1, high=2**31 - 1, help="random seed; -1 = a new one each time")
    target: str = param(
        "",
        choices_from="metadata",
        help="metadata column that supervises the layout ('' = unsupervised)",
    )
    fit_sample: int = param(
        UMAP_FIT_SAMPLE,
        low=0,
        high=10_000_000,
        help="above this many rows, fit on a random sample and place the rest (0 = never)",
        zero_means="never",
    )


def encode_target(values: np.ndarray) -> tuple[np.ndarray, str]:
    """(y, target_metric): numbers with many distinct values as they are, anything else as
    categories (empty values = -1, which umap-learn treats as unlabelled)."""
    values = np.asarray(values)
    if values.dtype.kind in "if" and len(np.unique(values)) > 20:
        return values.astype(np.float32), "l2"
    text = values.astype(str)
    names, codes = np.unique(text, return_inverse=True)
    codes = codes.astype(np.int64)
    for empty in ("", "nan", "None"):
        codes[text == empty] = -1
    return codes, "categorical"


class UMAPReducer:
    name = "umap"
    title = "UMAP"
    params_type = UMAPParams
    uses_set = True  # run() accepts eset= (its metadata holds the supervising column)
    min_rows = 4

    def run(
        self,
        vectors: np.ndarray,
        params: UMAPParams | None = None,
        dims: int = 2,
        eset: EmbeddingSet | None = None,
    ) -> Task[Projection]:
        from embviz.reduce import umap_process

        metadata = eset.metadata if eset is not None else None
        p = params or UMAPParams()
        x = np.asarray(vectors, dtype=np.float32)
        n = len(x)
        if n < 4:
            raise EmbvizError(f"UMAP needs at least 4 rows; this set has {n}.")
        split = split_rows(n, p.fit_sample, max(p.seed, 0))
        info: dict[str, Any] = {
            "axis_titles": [f"UMAP {i + 1}" for i in range(dims)],
            "fit_sample": None if split is None else len(split[0]),
        }
        saved = as_dict(p)

        def layout(coords: np.ndarray, partial: bool) -> Projection:
            return Projection(coords, self.name, saved, dict(info), partial=partial)

        started = time.perf_counter()
        preview = layout(pca_preview(x, dims, None if split is None else split[0]), True)
        preview.info["axis_titles"] = [f"PC{i + 1} (preview)" for i in range(dims)]
        yield Progress(0.02, "UMAP: PCA preview shown while UMAP works", partial=preview)
        folder = umap_process.scratch_dir()
        # A sampled fit's rows go to the process with the sample first (see _job); ``order``
        # puts its layouts back in the set's order.
        order = None if split is None else np.concatenate(split)
        job = self._job(folder, x, p, dims, order, split, metadata)
        process = umap_process.take()
        finished = False
        try:
            result = yield from self._wait(process, job, started, info, layout, order)
            finished = True
        finally:
            if finished:
                umap_process.give_back(process)
            else:  # cancelled, failed or superseded: end the fit, warm a fresh process
                process.kill()
                umap_process.warm_up()
            shutil.rmtree(folder, ignore_errors=True)
        info["seconds"] = time.perf_counter() - started
        yield Progress(1.0, "UMAP: done")
        return layout(result, False)

    def _job(
        self,
        folder: Path,
        x: np.ndarray,
        p: UMAPParams,
        dims: int,
        order: np.ndarray | None,
        split: tuple[np.ndarray, np.ndarray] | None,
        metadata: dict[str, np.ndarray] | None,
    ) -> dict[str, Any]:
        """The job file for the process. A sampled fit's rows are written in ``order``, the
        fitted sample first (rows 0..m-1 of the file), the others after it, each part in the
        set's order: the process copies the sample out of its memory map of the file, and a
        sample spread over the whole file made every page of the map resident (the whole matrix
        once more, beside the copy, while umap-learn fits). The sample and the placed rows reach
        umap-learn in the same order as before, so the layout is the same."""
        job: dict[str, Any] = {
            "vectors": str(folder / "x.npy"),
            "output": str(folder / "out.npy"),
            "partials": True,
        }
        if order is None:
            np.save(job["vectors"], x)
        else:
            save_rows(job["vectors"], x, order)
        kwargs: dict[str, Any] = {
            "n_components": dims,
            "n_neighbors": min(p.n_neighbors, len(x) - 1),
            "min_dist": p.min_dist,
            "metric": p.metric,
            "random_state": None if p.seed < 0 else p.seed,
        }
        if p.target:
            if not metadata or p.target not in metadata:
                known = ", ".join(metadata or {}) or "none"
                raise EmbvizError(
                    f"UMAP: no metadata column {p.target!r} to supervise with; columns: {known}."
                )
            y, kwargs["target_metric"] = encode_target(metadata[p.target])
            job["target"] = str(folder / "y.npy")
            np.save(job["target"], y if order is None else y[order])
        if split is not None:
            job["fitted"] = str(folder / "fitted.npy")
            np.save(job["fitted"], np.arange(len(split[0])))  # the file's first rows
        job["kwargs"] = kwargs
        return job

    def _wait(
        self,
        process: UmapProcess,
        job: dict[str, Any],
        started: float,
        info: dict[str, Any],
        layout: Callable[[np.ndarray, bool], Projection],
        order: np.ndarray | None = None,
    ) -> Task[np.ndarray]:
        """Send the job once the process is warm; poll (and yield) until it is done. The
        partial layouts the process announces are handed on as partial results; layouts of a
        file written in ``order`` are put back in the set's order."""
        from embviz.reduce import umap_process

        def in_set_order(coords: np.ndarray) -> np.ndarray:
            if order is None:
                return coords
            out = np.empty_like(coords)
            out[order] = coords
            return out

        sent = False
        while True:
            if not sent and process.ready:
                process.conn.send(job)
                sent = True
            message = process.receive(POLL_SECONDS)
            if message is not None and message[0] == "done":
                path, note = message[1]
                if note:
                    info["neighbors"] = note
                coords: np.ndarray = in_set_order(np.load(path))
                return coords
            if message is not None and message[0] == "partial":
                path, done, *named = message[1]  # a third item names the stage
                shown = in_set_order(np.load(path))
                Path(path).unlink(missing_ok=True)
                text = f"{named[0] if named else 'UMAP: optimising the layout'} ({done:.0%})"
                yield Progress(0.05 + 0.9 * done, text, partial=layout(shown, True))
                continue
            if message is not None and message[0] == "error":
                raise EmbvizError(f"UMAP failed: {message[1]}")
            if not process.alive() and not process.conn.poll():
                raise EmbvizError(f"UMAP failed: {umap_process.ENDED}.")
            elapsed = time.perf_counter() - started
            yield Progress(None, f"{process.status} ({elapsed:.0f} s)")
