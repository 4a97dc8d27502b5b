"""Exit codes and stderr: 0 success, 2 wrong input or request, 1 only for a defect; stderr carries
only lines written for people (each starts with "embviz:"), never a traceback or a raw library
warning; a closed pipe is not an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from embviz.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _vec(path: Path, x: np.ndarray) -> Path:
    rows = [
        f"w{i} " + " ".join("nan" if np.isnan(v) else f"{v:.6g}" for v in r)
        for i, r in enumerate(x)
    ]
    path.write_text(f"{len(x)} {x.shape[1]}\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    nan = rng.normal(size=(40, 6))
    nan[4] = np.nan
    return {
        "nan": _vec(tmp_path / "nan.vec", nan),
        "one": _vec(tmp_path / "one.vec", np.ones((1, 4))),
        "zeros": _vec(tmp_path / "zeros.vec", np.zeros((10, 4))),
        "d1": _vec(tmp_path / "d1.vec", rng.normal(size=(30, 1)) + 5),
        "good": _vec(tmp_path / "good.vec", rng.normal(size=(30, 5))),
    }


# (arguments, what stderr must say); each exited 1 with "this is a bug in embviz" before
WRONG_REQUESTS = {
    "tsne-one-row": (["project", "{one}", "--method", "tsne"], "at least 3 rows"),
    "tsne-zero-vectors": (["project", "{zeros}", "--method", "tsne"], "zero vectors"),
    "perplexity-nan": (
        ["project", "{good}", "--method", "tsne", "--param", "perplexity=nan"],
        "perplexity: nan is not a number",
    ),
    "analogy-one-row": (["analogy", "{one}", "w0", "w0", "w0"], "no answer is left"),
    "missing-output-folder": (["convert", "{good}", "{tmp}/nope/out.npy"], "does not exist"),
    "project-output-is-folder": (["project", "{good}", "-o", "{tmp}"], "write .npy, .csv or .tsv"),
    "convert-output-exists": (["convert", "{good}", "{good}"], "already exists"),
}


@pytest.mark.parametrize("case", sorted(WRONG_REQUESTS))
def test_wrong_requests_exit_2_with_a_line_for_people(files, tmp_path, capfd, case) -> None:
    args, said = WRONG_REQUESTS[case]
    names = {k: str(v) for k, v in files.items()} | {"tmp": str(tmp_path)}
    assert main([a.format(**names) for a in args]) == 2
    err = capfd.readouterr().err
    assert said in err and "bug" not in err and "Traceback" not in err
    assert all(line.startswith("embviz: ") for line in err.splitlines()), err


@pytest.mark.parametrize(
    "args",
    [
        ["project", "{nan}"],  # PCA raised LinAlgError ("a bug")
        [
            "project",
            "{d1}",
            "--method",
            "tsne",
            "--param",
            "iterations=20",
            "--param",
            "early_iterations=20",
        ],  # fmt: skip
        ["neighbors", "{nan}", "w1", "-k", "50"],  # listed NaN scores and the query with -inf
        ["analogy", "{nan}", "w1", "w2", "w3"],
    ],
)
def test_sets_with_nan_rows_or_one_dimension_work_and_stderr_is_for_people(files, capfd, args):
    names = {k: str(v) for k, v in files.items()}
    assert main([a.format(**names) for a in args]) == 0
    out, err = capfd.readouterr()
    assert "nan" not in out.lower().replace("nan.vec", "") and "inf" not in out
    assert all(line.startswith("embviz: ") for line in err.splitlines()), err
    assert "RuntimeWarning" not in err and "Traceback" not in err
    if "{nan}" in args:
        assert 'row 5 ("w4")' in err  # the row left out is named, once
        assert len(err.splitlines()) == 1


def _run(*args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "embviz", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **kwargs,
    )


@pytest.mark.parametrize("size", [30, 3000])  # output within the pipe's buffer, and beyond it
def test_a_closed_pipe_is_not_an_error(tmp_path, size) -> None:
    path = _vec(tmp_path / "many.vec", np.random.default_rng(1).normal(size=(size, 8)))
    proc = _run("neighbors", str(path), "w1", "-k", str(min(size - 1, 1000)), "--json")
    proc.stdout.readline()  # `| head -1`
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""


def test_an_unwritable_output_file_exits_2_naming_it(files, tmp_path, capfd) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    assert main(["project", str(files["good"]), "-o", str(locked / "xy.npy")]) == 2
    assert "not writable" in capfd.readouterr().err


@pytest.mark.slow
def test_umap_run_ends_without_a_leaked_semaphore_warning(files) -> None:
    """The UMAP process is asked to end at exit instead of being killed; killed, it left a
    semaphore to Python's resource tracker, which warned on every run."""
    proc = _run("project", str(files["good"]), "--method", "umap", "--json")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert err.decode() == "", err.decode()
