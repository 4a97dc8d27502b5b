"""A warm UMAP process that Cancel can end.

A fit cannot be interrupted inside numba's compiled code, and the compilation costs seconds on a
cold start. So fits run in a separate process (multiprocessing "spawn"). The GUI starts one ahead
of time with :func:`warm_up`, which compiles (or loads from numba's disk cache) the code a fit uses
on a tiny set while the person looks at the first map; a process started for a job at hand
(``embviz project``) skips that. numba's on-disk cache is switched on (``NUMBA_CACHE_DIR`` under
the user's cache folder), so later starts load compiled code.

Unsupervised fits of every row use embviz's own UMAP (:mod:`embviz.reduce.umap_fit`: exact
neighbours where they are cheaper (``exact_is_cheaper``), NN-descent with measured recall
otherwise, umap-learn's layout update, reproducible for a seed), which sends partial layouts
while it optimises. Supervised fits
and fits on a sample (whose other rows need ``transform``, run a chunk at a time by
:mod:`embviz.reduce.umap_place`) use umap-learn, imported only then;
exact neighbours are handed to it as ``precomputed_knn`` where they are cheaper.

A finished fit leaves the process warm for the next one; Cancel kills it and a fresh one warms up.
Data travel through .npy files in a temporary folder, never through a pipe."""

from __future__ import annotations

import multiprocessing
import multiprocessing.util  # noqa: F401 - its exit handler must be registered before ours
import os
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from embviz.reduce.umap_fit import RECALL_ROWS, approximate_compiled, exact_is_cheaper


def numba_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "embviz", "numba")


# child side -----------------------------------------------------------------------------------
# umap-learn's kernels that a fit compiles but does not cache on disk (no ``cache=True``): in every
# fresh process their compilation took 10-17 s here, smooth_knn_dist alone 13.5 s (measured with a
# wrapper around numba's Dispatcher._compile_for_args on a busy 2-core machine).
UNCACHED_KERNELS = {
    "umap.umap_": ("smooth_knn_dist", "compute_membership_strengths"),
    "umap.layouts": (
        "_nb_optimize_layout_euclidean_single_epoch",
        "_nb_optimize_layout_euclidean_single_epoch_parallel",
    ),
}


def cached(kernel: Any) -> bool:
    """Whether a numba function keeps its compiled code in the disk cache."""
    return type(getattr(kernel, "_cache", None)).__name__ not in ("NullCache", "NoneType")


def cache_kernels() -> int:
    """Swap umap-learn's uncached numba kernels for the same functions with numba's disk cache,
    same options (umap-learn looks them up as module globals at call time). Returns how many were
    swapped; a kernel that is missing or not a numba function is left alone."""
    import importlib

    import numba

    swapped = 0
    for module_name, names in UNCACHED_KERNELS.items():
        module = importlib.import_module(module_name)
        for name in names:
            kernel: Any = getattr(module, name, None)
            if not hasattr(kernel, "py_func") or cached(kernel):
                continue
            options = dict(getattr(kernel, "targetoptions", None) or {})
            options.pop("nopython", None)
            options["cache"] = True
            locals_ = dict(getattr(kernel, "locals", {}) or {})
            setattr(module, name, numba.njit(locals=locals_, **options)(kernel.py_func))
            swapped += 1
    return swapped


def _compile() -> None:
    """A tiny fit through embviz's UMAP (exact neighbours): its layout kernel is compiled or
    loaded from the disk cache. umap-learn is not imported (only supervised or sampled fits
    need it), nor NN-descent (only large sets use it)."""
    from embviz.reduce.umap_fit import fit

    x = np.random.default_rng(0).normal(size=(300, 16)).astype(np.float32)
    fit(x, {"n_neighbors": 5, "n_epochs": 10, "metric": "cosine", "random_state": 0}, _quiet)


def _quiet(_: str) -> None:
    pass


_umap: ModuleType | None = None


def _umap_learn() -> ModuleType:
    """umap-learn, imported on first use, its uncached kernels swapped for cached ones."""
    global _umap
    if _umap is None:
        import umap

        cache_kernels()
        _umap = umap
    return _umap


UMAP_LEARN_EXACT_BELOW = 4096  # umap-learn computes all distances itself below this many rows


def _neighbours(
    x: np.ndarray, kwargs: dict[str, Any], conn: Connection
) -> tuple[dict[str, Any], str]:
    """umap-learn's keyword arguments with exact neighbours where they are cheaper, and a note
    that says which neighbours the layout used."""
    from embviz.reduce.knn import exact_knn

    n = len(x)
    if not exact_is_cheaper(n):
        return kwargs, ""
    conn.send(("status", f"UMAP: exact nearest neighbours of {n:,} rows"))
    indices, distances = exact_knn(x, kwargs["n_neighbors"], kwargs.get("metric", "euclidean"))
    return kwargs | {"precomputed_knn": (indices, distances, None)}, "exact neighbours"


def _measured_recall(x: np.ndarray, model: Any, metric: str, seed: int) -> str:
    """NN-descent's neighbours checked against exact ones on a random sample of rows."""
    from embviz.reduce.knn import knn_of_rows, recall

    found = getattr(model, "_knn_indices", None)
    if found is None:
        return ""
    rows = np.random.default_rng(seed).choice(len(x), min(RECALL_ROWS, len(x)), replace=False)
    exact = knn_of_rows(x, rows, found.shape[1], metric)
    share = recall(np.asarray(found)[rows], exact)
    return (
        f"approximate neighbours (NN-descent): recall@{found.shape[1]} {share:.3f}, "
        f"measured on {len(rows)} random rows"
    )


def _fit(job: dict[str, Any], conn: Connection) -> tuple[np.ndarray, str]:
    x = np.load(job["vectors"], mmap_mode="r")
    y = np.load(job["target"]) if job.get("target") else None
    fitted = np.load(job["fitted"]) if job.get("fitted") else None
    x_fit = np.asarray(x if fitted is None else x[fitted])
    if fitted is not None:  # the sample is a copy now: the file's pages need not stay resident
        from embviz.reduce.umap_place import release_pages

        release_pages(x)  # 100k rows: the fit's peak 3.13x -> 2.62x the matrix (umap_large.py)
    y_fit = None if y is None else (y if fitted is None else y[fitted])
    kwargs, note = job["kwargs"], ""
    if y is None and fitted is None:
        return _own_fit(x_fit, job, conn)
    umap = _umap_learn()
    if fitted is None:  # a sampled fit needs umap-learn's own index (transform) for the rest
        kwargs, note = _neighbours(x_fit, kwargs, conn)
    model = umap.UMAP(**kwargs)
    conn.send(("status", "UMAP: building the neighbour graph and optimising the layout"))
    coords = model.fit_transform(x_fit, y=y_fit)
    if not note:
        seed = kwargs.get("random_state") or 0
        note = _measured_recall(x_fit, model, kwargs.get("metric", "euclidean"), seed)
        if len(x_fit) >= UMAP_LEARN_EXACT_BELOW:  # umap-learn ran NN-descent: it is compiled
            approximate_compiled()
    if fitted is None:
        return np.asarray(coords, dtype=np.float32), note
    return _place(x, fitted, np.asarray(coords, dtype=np.float32), model, job, conn), note


def _place(
    x: np.ndarray,
    fitted: np.ndarray,
    coords: np.ndarray,
    model: Any,
    job: dict[str, Any],
    conn: Connection,
) -> np.ndarray:
    """The other rows placed with the fitted model a chunk at a time (umap_place); the partial
    layouts show the rows placed so far, the others not yet (NaN, which the views skip)."""
    from embviz.reduce.umap_place import place_rows

    rest = np.setdiff1d(np.arange(len(x)), fitted)
    out = np.full((len(x), coords.shape[1]), np.nan, dtype=np.float32)
    out[fitted] = coords
    partial = (
        _partial_writer(job, conn, "UMAP: placing the other rows") if job.get("partials") else None
    )
    if partial is not None:
        partial(out, 0.0)  # the fitted sample at once, while the rest is placed
    place_rows(model, x, rest, out, lambda text: conn.send(("status", text)), partial)
    return out


def _partial_writer(
    job: dict[str, Any], conn: Connection, text: str = ""
) -> Callable[[np.ndarray, float], None]:
    """A callback that writes a partial layout next to the output and announces it (with the
    progress text the parent shows, when one is given)."""
    written = [0]

    def partial(coords: np.ndarray, done: float) -> None:
        written[0] += 1
        path = f"{job['output']}.{written[0]}.npy"
        np.save(path, coords)
        conn.send(("partial", (path, done, text) if text else (path, done)))

    return partial


def _own_fit(x: np.ndarray, job: dict[str, Any], conn: Connection) -> tuple[np.ndarray, str]:
    """embviz's UMAP, its partial layouts written next to the output and announced."""
    from embviz.reduce.umap_fit import fit

    def status(text: str) -> None:
        conn.send(("status", text))

    partial = _partial_writer(job, conn) if job.get("partials") else None
    return fit(x, job["kwargs"], status, partial)


def serve(conn: Connection, cache_dir: str, warm: bool = True) -> None:
    """The child's main loop: warm up, then fit jobs until told to stop. A parent that is gone
    (killed, crashed) ends the child quietly, without a traceback on the person's terminal."""
    try:
        _serve(conn, cache_dir, warm)
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return


def _serve(conn: Connection, cache_dir: str, warm: bool) -> None:
    os.environ["NUMBA_CACHE_DIR"] = cache_dir
    os.makedirs(cache_dir, exist_ok=True)
    import warnings

    warnings.filterwarnings("ignore")  # umap warns about n_jobs with a seed, and similar
    if warm:  # ahead of time (the GUI): a one-shot fit compiles what it uses, and no more
        conn.send(("status", "UMAP: compiling (once per machine; cached afterwards)"))
        _compile()
    conn.send(("ready", None))
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            coords, note = _fit(job, conn)
            np.save(job["output"], coords)
            conn.send(("done", (job["output"], note)))
        except Exception as exc:  # reported to the parent, which raises it there
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# parent side ----------------------------------------------------------------------------------
ENDED = (
    "the UMAP process ended unexpectedly (in a script, put the code that runs UMAP under "
    "`if __name__ == '__main__':`, as Python's multiprocessing requires)"
)


_at_exit = False


class UmapProcess:
    def __init__(self, warm: bool = True) -> None:
        """``warm``: compile umap-learn's code on a tiny set before the first job (ahead of
        time, while nothing waits); a process started for a job at hand skips that."""
        global _at_exit
        if not _at_exit:
            import atexit

            # multiprocessing.util (imported above) registered its exit handler, which kills
            # daemon processes; this one is registered later, so it runs first
            atexit.register(shutdown)
            _at_exit = True
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=serve,
            args=(child, numba_cache_dir(), warm),
            daemon=True,
            name="embviz-umap",
        )
        self.process.start()
        child.close()
        self.ready = False
        self.status = "UMAP: starting"

    def alive(self) -> bool:
        return self.process.is_alive()

    def receive(self, timeout: float) -> tuple[str, Any] | None:
        """The next message within ``timeout`` seconds, or None."""
        try:
            if not self.conn.poll(timeout):
                return None
            kind, value = self.conn.recv()
        except (EOFError, OSError):
            return ("error", ENDED)
        if kind == "status":
            self.status = value
        elif kind == "ready":
            self.ready = True
        return kind, value

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2)
        self.conn.close()

    def stop(self, wait: float = 5.0) -> None:
        """Ask the idle process to end, and kill it only if it does not within ``wait`` s.

        A process that ends by itself releases what it holds (umap-learn's imports create a
        semaphore): a killed one leaves it to Python's resource tracker, which printed "There
        appear to be 1 leaked semaphore objects" at the end of every run that used UMAP."""
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(timeout=wait)
        self.kill()


_lock = threading.Lock()
_idle: UmapProcess | None = None


def warm_up() -> None:
    """Start a UMAP process in the background, if none is waiting (cheap to call again)."""
    global _idle
    with _lock:
        if _idle is None or not _idle.alive():
            _idle = UmapProcess()


def take() -> UmapProcess:
    """The warm process (or a new one): it is the caller's until :func:`give_back` or kill."""
    global _idle
    with _lock:
        process, _idle = _idle, None
    if process is None or not process.alive():
        process = UmapProcess(warm=False)
    return process


def give_back(process: UmapProcess) -> None:
    global _idle
    with _lock:
        if _idle is None and process.alive():
            _idle = process
            return
    process.kill()


def shutdown() -> None:
    """End the waiting process (at exit; registered with atexit when the first one starts, so
    it runs before multiprocessing would kill it)."""
    global _idle
    with _lock:
        process, _idle = _idle, None
    if process is not None:
        process.stop()


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="embviz-umap-"))
