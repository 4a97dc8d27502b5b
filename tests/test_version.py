"""One version string: ``embviz.__version__``; the package metadata, the PyInstaller spec, the CLI
and the About box all read it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import embviz

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_reads_the_version_from_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert config["tool"]["hatch"]["version"]["path"] == "embviz/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]\d+|rc\d+|\.dev\d+)?", embviz.__version__)


def test_the_build_backend_finds_that_version():
    metadata = pytest.importorskip("hatchling.metadata.core")
    from hatchling.plugin.manager import PluginManager

    project = metadata.ProjectMetadata(str(ROOT), PluginManager())
    assert project.version == embviz.__version__


def test_pyinstaller_spec_reads_that_version():
    """Run the spec's header (everything before the build starts) and read its VERSION."""
    pytest.importorskip("PyInstaller")
    spec = (ROOT / "packaging" / "embviz.spec").read_text(encoding="utf-8")
    header = spec[: spec.index("FLAVOUR =")]
    scope: dict[str, object] = {"SPECPATH": str(ROOT / "packaging")}
    exec(compile(header, "embviz.spec", "exec"), scope)
    assert scope["VERSION"] == embviz.__version__
    assert scope["NAME"] == "embviz"


def test_cli_prints_that_version():
    done = subprocess.run(
        [sys.executable, "-m", "embviz", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.strip() == f"embviz {embviz.__version__}"


def test_wheel_ships_py_typed():
    """PEP 561: type checkers use embviz's hints only when the wheel carries py.typed."""
    pytest.importorskip("hatchling")
    assert (ROOT / "embviz" / "py.typed").is_file()
    from hatchling.builders.wheel import WheelBuilder

    files = {f.distribution_path for f in WheelBuilder(str(ROOT)).recurse_included_files()}
    assert "embviz/py.typed" in files
    assert "embviz/api.py" in files
