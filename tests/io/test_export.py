"""Export then load gives the same set, for every writable format (checked with numpy/gensim)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

import embviz
from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.io.export import EXTENSIONS, export, write_coords_csv

RNG = np.random.default_rng(5)
VECTORS = (RNG.normal(size=(20, 6)) * 10.0 ** RNG.integers(-20, 20, (20, 6))).astype(np.float32)
LABELS = [f"w{i}" for i in range(19)] + ["café"]
META = {"pos": np.array(["NOUN", "VERB"] * 10), "freq": np.arange(20, dtype=np.float64)}
WITH_META = {"projector", "numpy", "numpy-npz", "csv", "parquet"}


@pytest.mark.parametrize("suffix", sorted(EXTENSIONS))
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow", reason="Parquet is an optional extra (pyarrow)")
    source = EmbeddingSet(LABELS, VECTORS, META)
    path = tmp_path / f"out{suffix}"
    written = export(source, path)
    assert all(p.is_file() for p in written)
    eset = embviz.load(path)
    assert eset.labels == LABELS
    assert np.array_equal(eset.vectors, VECTORS)
    if EXTENSIONS[suffix] in WITH_META:
        assert eset.metadata["pos"].tolist() == META["pos"].tolist()
        assert np.array_equal(eset.metadata["freq"], META["freq"])
    if suffix in (".bin", ".vec", ".txt"):  # gensim reads ours exactly too
        kv = KeyedVectors.load_word2vec_format(str(path), binary=suffix == ".bin")
        assert np.array_equal(kv.vectors, VECTORS)
    assert not list(tmp_path.glob(".*.part"))


def test_projector_pair_reads_as_the_projector_does(tmp_path: Path) -> None:
    export(EmbeddingSet(LABELS, VECTORS), tmp_path / "x_tensors.tsv")
    assert (tmp_path / "x_metadata.tsv").read_text().splitlines() == LABELS  # no header
    values = np.loadtxt(tmp_path / "x_tensors.tsv", delimiter="\t", dtype=np.float64)
    assert np.array_equal(values.astype(np.float32), VECTORS)


def test_coordinates_csv(tmp_path: Path) -> None:
    source = EmbeddingSet(LABELS, VECTORS, META)
    coords = RNG.normal(size=(20, 2)).astype(np.float32)
    (path,) = write_coords_csv(source, coords, tmp_path / "map.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["label", "x", "y", "pos", "freq"]
    assert [r[0] for r in rows[1:]] == LABELS
    assert np.array_equal(np.array([r[1:3] for r in rows[1:]], float).astype(np.float32), coords)


def test_unknown_extension_and_bad_labels(tmp_path: Path) -> None:
    with pytest.raises(EmbvizError, match="--to"):
        export(EmbeddingSet(LABELS, VECTORS), tmp_path / "out.xyz")
    spaced = EmbeddingSet(["new york", "b"], np.ones((2, 2), np.float32))
    with pytest.raises(EmbvizError, match="spaces"):
        export(spaced, tmp_path / "out.vec")
    assert not (tmp_path / "out.vec").exists() and not list(tmp_path.glob(".*.part"))
