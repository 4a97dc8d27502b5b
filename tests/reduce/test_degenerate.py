"""Degenerate sets and parameters: a clear message or a sensible result, never a crash.

The native paths that used to crash (openTSNE's FFT gradient after a NaN starting layout) run in
a child process, so a regression kills the child with SIGSEGV, not pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import PCA

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task
from embviz.reduce.registry import projection_task

ROOT = Path(__file__).resolve().parents[2]
FAST = {"early_iterations": "30", "iterations": "30"}

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    from embviz.core.dataset import EmbeddingSet
    from embviz.core.errors import EmbvizError
    from embviz.core.tasks import run_task
    from embviz.reduce.registry import projection_task

    case, dims = sys.argv[1], int(sys.argv[2])
    x = np.random.default_rng(0).normal(size=(60, 5))
    if case == "identical":
        x[:] = 1.0
    elif case == "zeros-euclidean":
        x[:] = 0.0
    elif case == "one-dimension":
        x = x[:, :1]
    elif case == "huge":
        x *= 1e37
    elif case == "tiny":
        x *= 1e-40
    elif case == "nearly-identical":
        x[:] = 1.0
        x[0, 0] = 1.0000001
    params = {"early_iterations": "30", "iterations": "30"}
    if case == "zeros-euclidean":
        params["metric"] = "euclidean"
    eset = EmbeddingSet([f"w{i}" for i in range(len(x))], x.astype(np.float32))
    try:
        projection = run_task(projection_task(eset, "tsne", params, dims))
    except EmbvizError as exc:
        print("MESSAGE", exc)
    else:
        print("FINITE", bool(np.isfinite(projection.coords).all()))
""")


def _child(case: str, dims: int = 2) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", CHILD, case, str(dims)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("case", "dims", "expected"),
    [
        ("identical", 2, "MESSAGE t-SNE: all 60 rows are identical"),  # segfaulted (issue 13)
        ("zeros-euclidean", 2, "MESSAGE t-SNE: all 60 rows are identical"),  # segfaulted
        ("huge", 2, "FINITE True"),  # segfaulted (1e37 overflows float32 when squared)
        ("tiny", 2, "FINITE True"),  # "bug": sklearn saw infinity
        ("nearly-identical", 2, "FINITE True"),  # segfaulted (PCA start had zero spread)
        ("one-dimension", 2, "FINITE True"),  # "bug": PCA start of 2 components from 1
        ("identical", 3, "MESSAGE t-SNE: all 60 rows are identical"),
    ],
)
def test_tsne_native_crashes_are_guarded(case, dims, expected) -> None:
    result = _child(case, dims)
    assert result.returncode == 0, f"child ended with {result.returncode}: {result.stderr[-800:]}"
    assert result.stdout.strip().startswith(expected), result.stdout


def _project(eset: EmbeddingSet, method: str, params=None, dims: int = 2):
    return run_task(projection_task(eset, method, params, dims))


def test_pca_leaves_a_nan_row_out_and_matches_scikit_learn_on_the_rest() -> None:
    x = np.random.default_rng(1).normal(size=(40, 6)).astype(np.float32)
    x[7, 2] = np.nan
    x[30] = np.inf
    labels = [f"w{i}" for i in range(40)]
    projection = _project(EmbeddingSet(labels, x), "pca")  # was LinAlgError ("a bug")
    good = np.isfinite(x).all(axis=1)
    assert np.isnan(projection.coords[~good]).all()
    reference = PCA(n_components=2, svd_solver="full").fit_transform(x[good].astype(np.float64))
    assert np.allclose(projection.coords[good], reference, atol=1e-4)
    assert projection.info["rows_left_out"] == 2
    (warning,) = projection.info["warnings"]
    assert warning.startswith("2 of 40 rows hold NaN or infinite values") and '"w7"' in warning


def test_partial_layouts_are_spread_back_to_every_row() -> None:
    x = np.random.default_rng(2).normal(size=(50, 8)).astype(np.float32)
    x[3] = np.nan
    partials = []
    task = projection_task(EmbeddingSet([f"w{i}" for i in range(50)], x), "tsne", FAST)
    projection = run_task(task, lambda p: partials.append(p.partial))
    shown = [p for p in partials if p is not None]
    assert shown and all(p.coords.shape == (50, 2) and np.isnan(p.coords[3]).all() for p in shown)
    assert np.isfinite(np.delete(projection.coords, 3, axis=0)).all()


@pytest.mark.parametrize(
    ("method", "rows", "message"),
    [
        ("tsne", 1, "t-SNE needs at least 3 rows with usable values; s has 1"),
        ("umap", 3, "UMAP needs at least 4 rows with usable values; s has 3"),
    ],
)
def test_too_few_rows_are_said(method, rows, message) -> None:
    eset = EmbeddingSet([f"w{i}" for i in range(rows)], np.eye(rows, 4), name="s")
    with pytest.raises(EmbvizError, match=message):
        projection_task(eset, method, None)


def test_nan_parameters_are_refused() -> None:
    eset = EmbeddingSet([f"w{i}" for i in range(10)], np.eye(10, 4), name="s")
    with pytest.raises(EmbvizError, match="perplexity: nan is not a number"):
        projection_task(eset, "tsne", {"perplexity": "nan"})
    with pytest.raises(EmbvizError, match="min_dist: nan is not a number"):
        projection_task(eset, "umap", {"min_dist": "NaN"})


def test_zero_vectors_under_cosine_are_left_out_and_said() -> None:
    x = np.random.default_rng(3).normal(size=(30, 5)).astype(np.float32)
    x[[4, 9]] = 0.0
    eset = EmbeddingSet([f"w{i}" for i in range(30)], x)
    projection = _project(eset, "tsne", FAST)  # was a "bug" (sklearn: NaN distances)
    assert np.isnan(projection.coords[[4, 9]]).all()
    assert "2 of 30 rows are zero vectors" in projection.info["warnings"][0]
    with pytest.raises(EmbvizError, match="no row can be projected"):
        _project(EmbeddingSet(["a", "b", "c"], np.zeros((3, 4))), "tsne", FAST)


def test_pca_on_one_row_one_dimension_and_identical_rows_gives_the_origin() -> None:
    for x in (np.ones((1, 5)), np.ones((9, 5)), np.zeros((9, 5))):
        projection = _project(EmbeddingSet([f"w{i}" for i in range(len(x))], x), "pca")
        assert np.array_equal(projection.coords, np.zeros((len(x), 2)))
    line = np.arange(6, dtype=np.float32)[:, None]
    projection = _project(EmbeddingSet([f"w{i}" for i in range(6)], line), "pca")
    assert np.allclose(np.abs(projection.coords[:, 0]), np.abs(line[:, 0] - 2.5))
    assert np.array_equal(projection.coords[:, 1], np.zeros(6))
