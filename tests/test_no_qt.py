"""The core tests run where Qt is not installed: Qt, pyqtgraph, superqt and OpenGL are made
unimportable in a fresh interpreter, and pytest runs the core, io and reduce tests there."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import background

ROOT = Path(__file__).resolve().parent.parent
BLOCKED = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "pyqtgraph", "superqt", "qtpy",
           "OpenGL")  # fmt: skip

# Installed first in the child: any import of a blocked package fails as if it were not installed.
BLOCKER = f"""
import importlib.abc, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {BLOCKED!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: Qt-free test run)")
        return None

sys.meta_path.insert(0, NoQt())
"""

# pytest-qt is switched off (-p no:pytest-qt): where Qt is not installed, neither is it.
# Fast and broad: every core and io test but the approximate index (a minute of numba compiling),
# the reducers' parameters, PCA and quality (t-SNE and UMAP take minutes and add no other import).
SUBSET = [
    "tests/core",
    "tests/io",
    "tests/reduce/test_params.py",
    "tests/reduce/test_pca.py",
    "tests/reduce/test_quality.py",
]
# Left out here (the main run has them), because they take most of this run's time and reach no
# module the rest does not: the soak loops (memory over 100 cycles, 17 s in CI), the landmark grid
# sweep, NN-descent's recall (a minute of numba compiling) and the signal tests of safe writing,
# which run the CLI in a process of their own, where this blocker is not installed anyway.
LEFT_OUT = [
    "--ignore=tests/core/test_soak.py",
    "--ignore=tests/core/test_landmarks_unfit.py",
    "--ignore=tests/io/test_safe_write.py",
    "--deselect=tests/core/test_health_metrics.py::test_approximate_graph_reports_its_measured_recall",
]


def _run_without_qt(code: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_ADDOPTS": ""}
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def test_the_blocker_blocks():
    code = (
        "import embviz, embviz.core.model, embviz.reduce, embviz.io.registry\n"
        "for name in ('PySide6.QtWidgets', 'pyqtgraph', 'superqt', 'OpenGL.GL', 'embviz.gui.app'):\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except ImportError:\n"
        "        continue\n"
        "    raise SystemExit(name + ' was importable')\n"
    )
    done = _run_without_qt(code, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _no_qt_job() -> background.Job:
    # its own temporary folder: pytest's numbered folders are shared with the suite running beside
    scratch = Path(tempfile.mkdtemp(prefix="embviz-no-qt-"))
    options = ["-q", "-x", "-p", "no:cacheprovider", "-p", "no:pytest-qt", "-W", "ignore",
               "-k", "not pynndescent", "--basetemp", str(scratch / "tmp")]  # fmt: skip
    code = f"import pytest\nraise SystemExit(pytest.main({SUBSET + LEFT_OUT + options!r}))\n"
    return background.Job(
        [sys.executable, "-c", BLOCKER + code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_ADDOPTS": ""},
        timeout=900,
        scratch=[scratch],
    )


# started when this test is collected, and run beside the rest of the suite (tests/background.py)
BACKGROUND = {"no-qt": _no_qt_job}


@pytest.mark.slow
def test_core_io_and_reduce_tests_pass_without_qt():
    done = background.result("no-qt", _no_qt_job)
    tail = done.stdout[-4000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and "error" not in done.stdout.splitlines()[-1], tail
