"""The lite PyInstaller build: it starts without Python, opens the demo and a file, renders."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from tests import background
from tests.conftest import write_glove

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.packaging, pytest.mark.slow]


def _build_job() -> background.Job | None:
    if importlib.util.find_spec("PyInstaller") is None or os.environ.get("EMBVIZ_SKIP_FROZEN"):
        return None
    work = Path(tempfile.mkdtemp(prefix="embviz-pyinstaller-"))
    return background.Job(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "embviz.spec"),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=ROOT,
        env={**os.environ, "EMBVIZ_BUILD": "lite"},
        timeout=1500,
        scratch=[work],
    )


# the build (about 3 minutes) starts when these tests are collected and runs beside the rest of
# the suite (tests/background.py)
BACKGROUND = {"lite-build": _build_job}


@pytest.fixture(scope="module")
def lite_build():
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]')")
    if os.environ.get("EMBVIZ_SKIP_FROZEN"):
        pytest.skip("EMBVIZ_SKIP_FROZEN is set")
    result = background.result("lite-build", _build_job)
    assert result.returncode == 0, result.stdout[-4000:]
    work = Path(result.args[result.args.index("--distpath") + 1])
    exe = work / "embviz-lite" / "embviz"
    assert exe.is_file()
    return exe


def run_frozen(exe, *args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def test_lite_build_renders_the_demo_and_a_file(lite_build, tmp_path):
    from PySide6.QtGui import QImage

    demo = tmp_path / "demo.png"
    result = run_frozen(lite_build, "render", "-o", demo, "--size", "800x600", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert QImage(str(demo)).width() == 800
    words = tmp_path / "words.txt"
    write_glove(
        words,
        ["alpha", "beta", "gamma", "delta", "eps"],
        np.random.default_rng(0).normal(size=(5, 6)),
    )
    out = tmp_path / "words.png"
    result = run_frozen(lite_build, "render", words, "-o", out, "--size", "640x480", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).height() == 480
    result = run_frozen(lite_build, "info", words, "--json", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["rows"] == 5


def test_lite_build_has_package_metadata_and_no_torch(lite_build, tmp_path):
    result = run_frozen(lite_build, "plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["package_metadata"] == report["version"]  # entry points can be read
    assert {"word2vec-binary", "glove-text"} <= {f["name"] for f in report["formats"]}
    bundle = lite_build.parent / "_internal"
    assert not (bundle / "torch").exists() and not (bundle / "transformers").exists()


def test_lite_build_runs_umap_and_fits_in_400_mb(lite_build, tmp_path):
    """UMAP needs numba, whose llvmlite library ships gzipped on Linux and is unpacked into the
    user's cache on first use (packaging/rth_llvmlite.py): an empty cache here, so it is."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bundle import ROWS, size_mb, write_rows

    data = tmp_path / "rows.txt"
    write_rows(data)
    out = tmp_path / "umap.npy"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    result = subprocess.run(
        [str(lite_build), "project", str(data), "--method", "umap", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    coords = np.load(out)
    assert coords.shape == (ROWS, 2) and np.isfinite(coords).all()
    # the four clusters written stay apart: each row's nearest row is of its own cluster
    distance = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(distance, np.inf)
    nearest = distance.argmin(axis=1)
    assert ((nearest % 4) == (np.arange(ROWS) % 4)).mean() > 0.95
    if sys.platform.startswith("linux"):
        assert list((tmp_path / "cache" / "embviz" / "llvmlite").glob("*/libllvmlite.so"))
    assert size_mb(lite_build.parent) <= 400
