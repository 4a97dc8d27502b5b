"""Rules of the house, checked: light imports, no Qt below the GUI, lint clean."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_embviz_is_light():
    code = (
        "import sys, embviz, embviz.io, embviz.reduce, embviz.models, embviz.cli\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'PySide6', 'pyqtgraph', 'superqt', 'torch', 'umap', 'transformers', 'sklearn', 'numba'})\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_embviz_load_is_public(small_glove):
    import embviz

    path, labels, vectors = small_glove
    eset = embviz.load(path)
    assert isinstance(eset, embviz.EmbeddingSet)
    assert eset.labels == labels and eset.vectors.dtype.name == "float32"


def test_import_linter_contract_holds():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean():
    exe = shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [exe, "check", "embviz", "tests", "scripts", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
