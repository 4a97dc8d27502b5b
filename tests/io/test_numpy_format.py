"""NumPy .npy (memory-mapped, sidecar labels) and .npz (vectors, labels, metadata) reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError
from embviz.io.writers import write_npz


def _is_memmap(array: np.ndarray) -> bool:
    while array is not None:
        if isinstance(array, np.memmap):
            return True
        array = array.base  # type: ignore[assignment]
    return False


def test_npy_is_memory_mapped_with_row_number_labels(tmp_path: Path) -> None:
    vectors = np.random.default_rng(0).normal(size=(2000, 16)).astype(np.float32)
    path = tmp_path / "vectors.npy"
    np.save(path, vectors)
    eset = embviz.load(path)
    assert eset.source.format == "numpy" and eset.source.dtype_on_disk == "float32"
    assert _is_memmap(eset.vectors)
    assert eset.labels[:3] == ["0", "1", "2"] and eset.labels[-1] == "1999"
    assert np.array_equal(eset.vectors, vectors)


def test_npy_labels_from_sidecar(tmp_path: Path) -> None:
    np.save(tmp_path / "emb.npy", np.eye(3, dtype=np.float32))
    (tmp_path / "labels.tsv").write_text("cat\ndog\nnew york\n")
    eset = embviz.load(tmp_path / "emb.npy")
    assert eset.labels == ["cat", "dog", "new york"]


def test_npy_metadata_sidecar_with_header(tmp_path: Path) -> None:
    np.save(tmp_path / "emb.npy", np.eye(2, dtype=np.float32))
    (tmp_path / "metadata.tsv").write_text("word\tpos\ncat\tNOUN\nrun\tVERB\n")
    eset = embviz.load(tmp_path / "emb.npy")
    assert eset.labels == ["cat", "run"]
    assert eset.metadata["pos"].tolist() == ["NOUN", "VERB"]


def test_npy_sidecar_with_wrong_count_names_it(tmp_path: Path) -> None:
    np.save(tmp_path / "emb.npy", np.eye(3, dtype=np.float32))
    (tmp_path / "labels.tsv").write_text("a\nb\n")
    with pytest.raises(LoadError, match=r"labels\.tsv: has 2 labels but emb\.npy has 3 rows"):
        embviz.load(tmp_path / "emb.npy")


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_npy_other_float_types_become_float32(tmp_path: Path, dtype: str) -> None:
    vectors = np.random.default_rng(1).normal(size=(5, 3)).astype(dtype)
    np.save(tmp_path / "v.npy", vectors)
    eset = embviz.load(tmp_path / "v.npy")
    assert eset.vectors.dtype == np.float32 and eset.source.dtype_on_disk == dtype
    assert np.array_equal(eset.vectors, vectors.astype(np.float32))


def test_npy_must_be_two_dimensional(tmp_path: Path) -> None:
    np.save(tmp_path / "flat.npy", np.zeros(10, np.float32))
    with pytest.raises(LoadError, match=r"flat\.npy: .*2-D"):
        embviz.load(tmp_path / "flat.npy")


def test_npz_round_trip_with_metadata(tmp_path: Path) -> None:
    vectors = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)
    metadata = {"pos": np.array(["NOUN", "VERB", "ADJ", "NOUN"]), "freq": np.arange(4)}
    original = embviz.EmbeddingSet(["a", "b", "c", "d"], vectors, metadata)
    path = tmp_path / "set.npz"
    write_npz(original, path)
    assert path.exists()
    eset = embviz.load(path)
    assert eset.source.format == "numpy-npz"
    assert eset.labels == original.labels
    assert np.array_equal(eset.vectors, vectors)
    assert eset.metadata["pos"].tolist() == ["NOUN", "VERB", "ADJ", "NOUN"]
    assert eset.metadata["freq"].tolist() == [0, 1, 2, 3]


def test_npz_single_unnamed_matrix(tmp_path: Path) -> None:
    np.savez(tmp_path / "x.npz", emb=np.ones((2, 2)), other=np.zeros(5))
    eset = embviz.load(tmp_path / "x.npz")
    assert eset.labels == ["0", "1"] and eset.source.dtype_on_disk == "float64"
    assert eset.metadata == {}


def test_npz_ambiguous_vectors(tmp_path: Path) -> None:
    np.savez(tmp_path / "two.npz", a=np.ones((2, 2)), b=np.ones((3, 2)))
    with pytest.raises(LoadError, match=r"two\.npz: cannot tell which array"):
        embviz.load(tmp_path / "two.npz")
