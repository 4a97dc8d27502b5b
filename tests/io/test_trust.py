"""Pickle consent per file: a pickle is recognised by its bytes whatever its name; without trust
nothing from it runs; with trust, an error afterwards says that code already ran."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError, TrustRequired


class Evil:
    """Unpickling this creates the marker file (by calling open(marker, 'w'))."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (open, (str(self.marker), "w"))


def _write(kind: str, path: Path, marker: Path) -> None:
    evil = Evil(marker)
    if kind == "pickle":
        path.write_bytes(pickle.dumps(evil, protocol=4))
    elif kind == "npy":
        array = np.empty((1, 1), dtype=object)
        array[0, 0] = evil
        np.save(path, array, allow_pickle=True)
    elif kind == "npz":
        vectors = np.empty((1, 2), dtype=object)
        vectors[0, :] = [evil, 1.0]
        with open(path, "wb") as f:
            np.savez(f, vectors=vectors, labels=np.array(["a"]))


CASES = [
    ("pickle", "vectors.vec"),
    ("pickle", "vectors.txt"),
    ("pickle", "model.kv"),
    ("pickle", "array.npy"),
    ("npy", "objects.npy"),
    ("npz", "objects.npz"),
]


@pytest.mark.parametrize("kind, name", CASES)
def test_untrusted_pickle_is_refused_and_nothing_runs(tmp_path, kind, name) -> None:
    marker = tmp_path / "code_ran"
    path = tmp_path / name
    _write(kind, path, marker)
    with pytest.raises(TrustRequired) as info:
        embviz.load(path)
    message = str(info.value)
    assert str(path) in message and "pickle" in message and "runs code" in message
    assert "--trust" in message
    assert not marker.exists()


@pytest.mark.parametrize("kind, name", CASES)
def test_trusted_pickle_that_fails_says_code_already_ran(tmp_path, kind, name) -> None:
    marker = tmp_path / "code_ran"
    path = tmp_path / name
    _write(kind, path, marker)
    with pytest.raises(LoadError) as info:
        embviz.load(path, trust=True)
    assert marker.exists()  # the person trusted it: it ran
    assert not isinstance(info.value, TrustRequired)
    assert "already ran" in str(info.value) and str(path) in str(info.value)


def test_trust_is_for_one_load_of_one_file(tmp_path) -> None:
    good = tmp_path / "good.vec"
    good.write_bytes(pickle.dumps(np.eye(3, dtype=np.float32), protocol=4))
    other = tmp_path / "other.vec"
    other.write_bytes(good.read_bytes())
    eset = embviz.load(good, trust=True)
    assert np.array_equal(eset.vectors, np.eye(3, dtype=np.float32))
    with pytest.raises(TrustRequired):
        embviz.load(other)
    with pytest.raises(TrustRequired):
        embviz.load(good)  # trusting once is not trusting forever


def test_cli_trust_names_the_file_and_nothing_runs_without_it(tmp_path) -> None:
    marker = tmp_path / "code_ran"
    path = tmp_path / "vectors.vec"
    _write("pickle", path, marker)
    run = [sys.executable, "-m", "embviz", "info", str(path)]
    refused = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "Python pickle" in refused.stderr
    assert not marker.exists()
    trusted = subprocess.run([*run, "--trust"], capture_output=True, text=True, timeout=120)
    assert trusted.returncode == 2 and "already ran" in trusted.stderr
    assert marker.exists() and "Traceback" not in trusted.stderr
