"""mypy runs as part of the suite: strict for the Qt-free layers (core, io, reduce, models) and the
public API, default strictness for the GUI and the CLI ([tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests import background

ROOT = Path(__file__).resolve().parent.parent


def _mypy_job() -> background.Job | None:
    if importlib.util.find_spec("mypy") is None:
        return None
    return background.Job(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        timeout=1200,
    )


# started when this test is collected, and run beside the rest of the suite (tests/background.py)
BACKGROUND = {"mypy": _mypy_job}


@pytest.mark.slow
def test_mypy_reports_no_errors():
    pytest.importorskip("mypy")
    done = background.result("mypy", _mypy_job)
    output = done.stdout
    assert done.returncode == 0, output[-8000:]
    assert "Success: no issues found" in output
