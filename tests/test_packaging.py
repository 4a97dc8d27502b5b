"""A built wheel carries the resources, and an installed copy finds them."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.packaging
@pytest.mark.slow
def test_wheel_ships_resources_and_installed_copy_finds_them(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if build.returncode != 0 and "hatchling" in build.stderr and "No matching" in build.stderr:
        pytest.skip("the build backend (hatchling) cannot be downloaded here")
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("embviz-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "embviz/resources/demo/minilm-words.npz" in names
    assert "embviz/resources/icons/embviz.svg" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        timeout=600,
    )
    code = "from embviz.core.paths import demo_path; print(demo_path())"
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout.strip()
    assert out.startswith(str(env_dir)), out  # the installed copy, not the source checkout
    assert Path(out).is_file()
