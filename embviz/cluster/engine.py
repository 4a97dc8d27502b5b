"""Where the plan's tasks run: in this process, or on a Dask cluster.

An engine has three verbs: ``submit(fn, *args, name=...)`` (a handle to the result, which may stay
where it was computed), ``broadcast(value)`` (one copy of a value for every task) and
``gather(handles)`` (the results, in order). A failed task is reported with the name it was
submitted under (e.g. "embed partition 3 (rows 3,000-3,999)").
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from embviz.core.errors import EmbvizError

CONNECT_SECONDS = 10.0
LOCAL_PREFIX = "local:"


class Engine(Protocol):
    description: str
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any, name: str) -> Any: ...

    def broadcast(self, value: Any) -> Any: ...

    def gather(self, handles: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...


class TaskFailed(EmbvizError):
    """A task of the plan failed; the message names it (and so its partition)."""


class _Done:
    __slots__ = ("name", "value", "error")

    def __init__(self, name: str, value: Any = None, error: BaseException | None = None) -> None:
        self.name, self.value, self.error = name, value, error


class InProcess:
    """Every task runs here, at once, in submission order (the reference for equality)."""

    description = "in process"
    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any, name: str) -> Any:
        values = [a.value if isinstance(a, _Done) else a for a in args]
        for a in args:
            if isinstance(a, _Done) and a.error is not None:
                return _Done(name, error=a.error)
        try:
            return _Done(name, fn(*values))
        except Exception as exc:  # reported by gather, as a cluster would
            return _Done(name, error=exc)

    def broadcast(self, value: Any) -> Any:
        return value

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        out = []
        for handle in handles:
            if handle.error is not None:
                raise _failed(handle.name, handle.error) from handle.error
            out.append(handle.value)
        return out

    def close(self) -> None:
        pass


class DaskEngine:
    """Tasks on a Dask distributed cluster (a LocalCluster for ``local:N``)."""

    def __init__(
        self,
        client: Any,
        cluster: Any = None,
        description: str = "",
        only: list[str] | None = None,
    ) -> None:
        """``only``: run every task on these workers (addresses), e.g. one worker of a cluster."""
        self.client, self.cluster, self.only = client, cluster, only
        self.description = description
        self.workers = len(only) if only else len(client.scheduler_info().get("workers", {}))
        self._names: dict[str, str] = {}

    def restricted(self, workers: list[str]) -> DaskEngine:
        """The same cluster, its tasks kept on ``workers`` (closing it closes nothing)."""
        return DaskEngine(
            self.client, None, f"{self.description}, {len(workers)} of its workers", workers
        )

    def submit(self, fn: Callable[..., Any], *args: Any, name: str) -> Any:
        tokenize: Any = importlib.import_module("dask.base").tokenize
        key = f"{name.split(' (')[0].replace(' ', '-')}-{tokenize(fn, *args)}"
        self._names[key] = name
        return self.client.submit(
            fn,
            *args,
            key=key,
            pure=False,
            retries=0,
            workers=self.only,
            allow_other_workers=False,
        )

    def broadcast(self, value: Any) -> Any:
        return self.client.scatter(value, broadcast=True, hash=False)

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        distributed: Any = importlib.import_module("distributed")
        distributed.wait(list(handles))
        for handle in handles:
            if handle.status == "error":
                error = handle.exception()
                raise _failed(self._names.get(handle.key, str(handle.key)), error) from error
        return list(self.client.gather(list(handles)))

    def close(self) -> None:
        if self.cluster is None and self.only is not None:
            return  # a restricted view of an engine that closes itself
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _reachable(spec: str) -> None:
    """A plain TCP connection first: a refused port fails at once, not after Dask's retries."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(spec)
        host, port = parts.hostname, parts.port or 8786
    except ValueError as exc:
        raise EmbvizError(
            f"--cluster {spec}: not an address like tcp://HOST:8786 ({exc})."
        ) from exc
    if not host:
        raise EmbvizError(f"--cluster {spec}: no host; say tcp://HOST:8786.")
    try:
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise EmbvizError(
            f"--cluster {spec}: cannot reach a Dask scheduler at {host}:{port} "
            f"({exc.strerror or exc}). Start one (`dask scheduler`, then `dask worker "
            f"tcp://{host}:{port}`) or check the address and port."
        ) from exc


def _failed(name: str, error: BaseException) -> TaskFailed:
    what = str(error) or type(error).__name__
    if type(error).__name__ == "KilledWorker":
        what = "its worker died (out of memory, or killed) each time it was tried"
    return TaskFailed(f"{name} failed: {what}")


def connect(spec: str) -> Engine:
    """``local:N`` (N worker processes here, one thread each), ``tcp://HOST:PORT`` (a running
    Dask scheduler) or ``inprocess``. Bad or unreachable: an EmbvizError, fast."""
    spec = spec.strip()
    if spec == "inprocess":
        return InProcess()
    try:  # typed as Any: dask is optional, and its API is not typed
        distributed: Any = importlib.import_module("distributed")
        for name in ("distributed", "tornado", "bokeh"):  # their INFO lines are not for people
            logging.getLogger(name).setLevel(logging.ERROR)
    except ImportError as exc:
        raise EmbvizError(
            "--cluster needs Dask distributed: pip install 'embviz[cluster]' "
            "(or pip install 'dask[distributed]')."
        ) from exc
    if spec.startswith(LOCAL_PREFIX):
        count = spec[len(LOCAL_PREFIX) :]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise EmbvizError(f"--cluster {spec}: local:N needs a worker count N from 1 to 256.")
        before = dict(os.environ)
        try:
            cluster = distributed.LocalCluster(
                n_workers=int(count),
                processes=True,
                threads_per_worker=1,
                dashboard_address=None,
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            )
        finally:  # Dask's nanny leaves OMP_NUM_THREADS=1 etc. in the driver's environment, and
            # the driver's layout fit (UMAP's spectral start, BLAS threads) must not change.
            os.environ.clear()
            os.environ.update(before)
        client = distributed.Client(cluster)
        return DaskEngine(client, cluster, f"local Dask cluster, {count} worker process(es)")
    if not spec.startswith(("tcp://", "tls://")):
        raise EmbvizError(
            f"--cluster {spec}: say local:N (N worker processes here) or tcp://HOST:PORT "
            "(a Dask scheduler, e.g. tcp://scheduler:8786)."
        )
    _reachable(spec)
    try:
        client = distributed.Client(spec, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EmbvizError(
            f"--cluster {spec}: cannot reach a Dask scheduler there within "
            f"{CONNECT_SECONDS:.0f} s ({exc}). Start one (`dask scheduler`, then "
            "`dask worker ADDRESS`) or check the address and port."
        ) from exc
    return DaskEngine(client, None, f"Dask scheduler {spec}")
