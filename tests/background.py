"""Checks that run as whole processes of their own (mypy, the run without Qt, the PyInstaller
build) start in the background, at low priority, as soon as pytest has collected the tests that
need them; those tests then wait for the result.

Why: run one after another at the end of the suite they took about 7 of CI's 23 minutes, while most
of the suite keeps one of CI's two cores busy. Started early and `nice`d, they use the core the
suite leaves idle, and the kernel's scheduler gives them little time where they compete with the
suite, so the GUI tests that measure the event loop are not slowed. Where a job was not started
(its test run alone, say), its test runs it when it asks for the result.

A module that has such a check sets `BACKGROUND = {"name": make_job}`, where `make_job()` returns
a `Job`; conftest.py starts the jobs of the modules whose tests were collected.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

NICENESS = 15  # CFS weight 36 against 1,024 for the suite: about 3% of a core both want


@dataclass
class Job:
    args: list[str]
    cwd: Path
    env: dict[str, str] | None = None
    timeout: float = 1500.0
    # folders the job writes into, removed when the session ends
    scratch: list[Path] = field(default_factory=list)
    _process: subprocess.Popen[bytes] | None = None
    _output: Path | None = None
    _started: float = 0.0
    _done: subprocess.CompletedProcess[str] | None = None

    def start(self) -> None:
        if self._process is not None or self._done is not None:
            return
        handle, name = tempfile.mkstemp(prefix="embviz-job-", suffix=".log")
        self._output = Path(name)
        self._started = time.monotonic()
        with os.fdopen(handle, "wb") as out:
            self._process = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_lower_priority if os.name == "posix" else None,
            )

    def result(self) -> subprocess.CompletedProcess[str]:
        """The job's exit status and its output (stdout and stderr together), waiting for it."""
        if self._done is not None:
            return self._done
        self.start()
        assert self._process is not None and self._output is not None
        left = self.timeout - (time.monotonic() - self._started)
        try:
            code = self._process.wait(timeout=max(left, 1.0))
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
        text = self._output.read_text(encoding="utf-8", errors="replace")
        self._done = subprocess.CompletedProcess(self.args, code, stdout=text, stderr="")
        return self._done

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._output is not None:
            self._output.unlink(missing_ok=True)
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)


def _lower_priority() -> None:
    os.nice(NICENESS)


_JOBS: dict[str, Job] = {}


def register(name: str, job: Job, *, start: bool) -> None:
    _JOBS.setdefault(name, job)
    if start:
        _JOBS[name].start()


def result(name: str, make_job) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """The named job's result: the one started in the background, or run now if none was."""
    if name not in _JOBS:
        _JOBS[name] = make_job()
    return _JOBS[name].result()


def stop_all() -> None:
    for job in _JOBS.values():
        job.stop()
    _JOBS.clear()
