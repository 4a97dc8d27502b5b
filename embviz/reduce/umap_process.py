"""A warm umap-learn process that Cancel can end.

umap-learn's fit cannot be interrupted, and its import plus numba compilation cost 10-45 s on a
cold start. So fits run in a separate process (multiprocessing "spawn"), started ahead of time by
:func:`warm_up` (the GUI calls it at start), which imports umap and compiles its numba functions
on a tiny set while the person looks at the first map. numba's on-disk cache is switched on
(``NUMBA_CACHE_DIR`` under the user's cache folder), so later starts mostly load compiled code.

A finished fit leaves the process warm for the next one; Cancel kills it and a fresh one warms up.
Data travel through .npy files in a temporary folder, never through a pipe.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util  # noqa: F401 - its exit handler must be registered before ours
import os
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np


def numba_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "embviz", "numba")


# child side -----------------------------------------------------------------------------------
def _compile(umap: ModuleType, approximate: bool) -> None:
    """A tiny fit through the code paths of a real one (cosine, seeded, transform).

    Sets under 4,096 rows use exact neighbours; larger ones NN-descent (pynndescent), whose
    compilation is the slow part (about a minute on a busy 2-core machine)."""
    x = np.random.default_rng(0).normal(size=(300, 16)).astype(np.float32)
    model = umap.UMAP(
        n_neighbors=5,
        n_epochs=10,
        metric="cosine",
        random_state=0,
        force_approximation_algorithm=approximate,
    ).fit(x)
    model.transform(x[:20])


def _fit(umap: ModuleType, job: dict[str, Any], conn: Connection) -> np.ndarray:
    x = np.load(job["vectors"], mmap_mode="r")
    y = np.load(job["target"]) if job.get("target") else None
    fitted = np.load(job["fitted"]) if job.get("fitted") else None
    model = umap.UMAP(**job["kwargs"])
    conn.send(("status", "UMAP: finding neighbours and optimising the layout"))
    x_fit = np.asarray(x if fitted is None else x[fitted])
    y_fit = None if y is None else (y if fitted is None else y[fitted])
    coords = model.fit_transform(x_fit, y=y_fit)
    if fitted is None:
        return np.asarray(coords, dtype=np.float32)
    conn.send(("status", "UMAP: placing the other rows with the fitted model"))
    rest = np.setdiff1d(np.arange(len(x)), fitted)
    out = np.empty((len(x), coords.shape[1]), dtype=np.float32)
    out[fitted] = coords
    out[rest] = model.transform(np.asarray(x[rest]))
    return out


def serve(conn: Connection, cache_dir: str) -> None:
    """The child's main loop: warm up, then fit jobs until told to stop. A parent that is gone
    (killed, crashed) ends the child quietly, without a traceback on the person's terminal."""
    try:
        _serve(conn, cache_dir)
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return


def _serve(conn: Connection, cache_dir: str) -> None:
    os.environ["NUMBA_CACHE_DIR"] = cache_dir
    os.makedirs(cache_dir, exist_ok=True)
    import warnings

    warnings.filterwarnings("ignore")  # umap warns about n_jobs with a seed, and similar
    conn.send(("status", "UMAP: importing umap-learn"))
    import umap

    conn.send(("status", "UMAP: compiling (once per machine; cached afterwards)"))
    _compile(umap, approximate=False)
    conn.send(("ready", None))
    if not conn.poll(0.5):  # nothing asked yet: compile the large-set path too
        conn.send(("status", "UMAP: compiling nearest-neighbour search (once per machine)"))
        _compile(umap, approximate=True)
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            coords = _fit(umap, job, conn)
            np.save(job["output"], coords)
            conn.send(("done", job["output"]))
        except Exception as exc:  # reported to the parent, which raises it there
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# parent side ----------------------------------------------------------------------------------
ENDED = (
    "the UMAP process ended unexpectedly (in a script, put the code that runs UMAP under "
    "`if __name__ == '__main__':`, as Python's multiprocessing requires)"
)


_at_exit = False


class UmapProcess:
    def __init__(self) -> None:
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
            target=serve, args=(child, numba_cache_dir()), daemon=True, name="embviz-umap"
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
        process = UmapProcess()
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
