"""The core tests run where Qt is not installed: Qt, pyqtgraph, superqt and OpenGL are made
unimportable in a fresh interpreter, and pytest runs the core, io and reduce tests there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_core_io_and_reduce_tests_pass_without_qt():
    code = (
        "import pytest\n"
        f"raise SystemExit(pytest.main({SUBSET!r} + "
        "['-q', '-x', '-p', 'no:cacheprovider', '-p', 'no:pytest-qt', '-W', 'ignore', "
        "'-k', 'not pynndescent']))\n"
    )
    done = _run_without_qt(code)
    tail = (done.stdout + done.stderr)[-4000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and "error" not in done.stdout.splitlines()[-1], tail
