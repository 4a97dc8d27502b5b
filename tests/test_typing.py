"""mypy runs as part of the suite: strict for the Qt-free layers (core, io, reduce, models) and the
public API, default strictness for the GUI and the CLI ([tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_reports_no_errors():
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1200,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-8000:]
    assert "Success: no issues found" in output
