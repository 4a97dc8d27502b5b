"""TensorBoard Embedding Projector files, read as the projector reads them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError
from embviz.io import sniff

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "projector"
needs_shared = pytest.mark.skipif(
    not (SHARED / "iris_tensors.bytes").is_file(),
    reason=f"the real projector files are not here ({SHARED}); they are optional",
)


def test_tensors_tsv_with_metadata_sidecar(tmp_path: Path) -> None:
    vectors = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    np.savetxt(tmp_path / "demo_tensors.tsv", vectors, fmt="%.9g", delimiter="\t")
    (tmp_path / "demo_metadata.tsv").write_text(
        "word\tcount\nthe\t10\nword\t5\n\nof\t3\nand\t\n\n"  # blank lines are skipped
    )
    eset = embviz.load(tmp_path / "demo_tensors.tsv")
    assert eset.source.format == "projector-tsv"
    assert eset.labels == ["the", "word", "of", "and"]  # 'word' as data, not a header
    assert np.array_equal(eset.vectors, vectors)
    count = eset.metadata["count"]
    assert count.dtype == np.float64 and count[:3].tolist() == [10, 5, 3] and np.isnan(count[3])


def test_single_column_metadata_has_no_header(tmp_path: Path) -> None:
    np.savetxt(tmp_path / "tensors.tsv", np.eye(3), delimiter="\t")
    (tmp_path / "metadata.tsv").write_text("word\ncat\ndog\n")
    eset = embviz.load(tmp_path / "tensors.tsv")
    assert eset.labels == ["word", "cat", "dog"] and eset.metadata == {}


def test_tensors_tsv_with_label_column_and_no_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("king\t0.5\t1\nqueen\t-0.25\t2\n")
    eset = embviz.load(path)
    assert eset.labels == ["king", "queen"]
    assert eset.vectors.tolist() == [[0.5, 1], [-0.25, 2]]


def test_bytes_with_json_config(tmp_path: Path) -> None:
    vectors = np.arange(12, dtype="<f4").reshape(4, 3) / 3
    (tmp_path / "v.bytes").write_bytes(vectors.tobytes())
    (tmp_path / "v_labels.tsv").write_text("a\nb\nc\nd\n")
    config = {
        "embeddings": [
            {"tensorName": "gone", "tensorShape": [9, 9], "tensorPath": "nothere.bytes"},
            {
                "tensorName": "V",
                "tensorShape": [4, 3],
                "tensorPath": "data/v.bytes",  # only the file name is found beside the config
                "metadataPath": "data/v_labels.tsv",
            },
        ]
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    eset = embviz.load(tmp_path / "config.json")
    assert eset.labels == ["a", "b", "c", "d"]
    assert np.array_equal(eset.vectors, vectors)
    same = embviz.load(tmp_path / "v.bytes")  # opened directly: the config beside it is used
    assert np.array_equal(same.vectors, vectors)


def test_pbtxt_config(tmp_path: Path) -> None:
    vectors = np.arange(6, dtype="<f4").reshape(2, 3)
    (tmp_path / "t.bytes").write_bytes(vectors.tobytes())
    (tmp_path / "projector_config.pbtxt").write_text(
        'embeddings {\n  tensor_name: "t"\n  tensor_path: "t.bytes"\n'
        "  tensor_shape: 2\n  tensor_shape: 3\n}\n"
    )
    eset = embviz.load(tmp_path / "projector_config.pbtxt")
    assert np.array_equal(eset.vectors, vectors) and eset.labels == ["0", "1"]


def test_bytes_size_not_matching_the_shape(tmp_path: Path) -> None:
    (tmp_path / "t.bytes").write_bytes(np.ones(7, "<f4").tobytes())
    (tmp_path / "c.json").write_text(
        json.dumps({"embeddings": [{"tensorPath": "t.bytes", "tensorShape": [2, 4]}]})
    )
    with pytest.raises(LoadError) as info:
        embviz.load(tmp_path / "c.json")
    assert "t.bytes: holds 28 bytes, but tensorShape [2, 4] in c.json needs 32" in str(info.value)


def test_bytes_without_config(tmp_path: Path) -> None:
    (tmp_path / "t.bytes").write_bytes(np.ones(8, "<f4").tobytes())
    with pytest.raises(LoadError, match="no projector config beside it"):
        embviz.load(tmp_path / "t.bytes")


def test_metadata_count_mismatch_names_the_metadata_file(tmp_path: Path) -> None:
    np.savetxt(tmp_path / "x_tensors.tsv", np.eye(3), delimiter="\t")
    (tmp_path / "x_metadata.tsv").write_text("a\nb\n")
    with pytest.raises(LoadError) as info:
        embviz.load(tmp_path / "x_tensors.tsv")
    assert "x_metadata.tsv: has 2 metadata rows but x_tensors.tsv has 3 vectors" in str(info.value)


@pytest.mark.parametrize(
    ("content", "line", "what"),
    [
        ("1\t2\t3\n4\t5\n", 2, "row has 2 values, expected 3"),
        ("1\t2\n3\tabc\n", 2, "'abc' is not a number"),
    ],
)
def test_bad_tensor_rows(tmp_path: Path, content: str, line: int, what: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(LoadError) as info:
        embviz.load(path, format="projector-tsv")
    assert info.value.line == line and what in str(info.value) and str(path) in str(info.value)


@needs_shared
def test_real_iris_config_matches_the_raw_bytes() -> None:
    eset = embviz.load(SHARED / "oss_demo_projector_config.json")
    raw = np.frombuffer((SHARED / "iris_tensors.bytes").read_bytes(), "<f4").reshape(150, 4)
    assert eset.shape == (150, 4) and np.array_equal(eset.vectors, raw)
    assert eset.vectors[0].tolist() == pytest.approx([5.1, 3.5, 1.4, 0.2])
    lines = (SHARED / "iris_labels.tsv").read_text().splitlines()
    assert list(eset.metadata) == lines[0].split("\t")
    classes = [line.split("\t")[4] for line in lines[1:] if line.strip()]
    assert eset.metadata["class"].tolist() == classes
    assert eset.metadata["sepal-length"].dtype == np.float64


@needs_shared
def test_real_word2vec_labels_keep_the_word_row() -> None:
    from embviz.io.metadata import read_projector_metadata

    header, (words, counts) = read_projector_metadata(SHARED / "word2vec_10000_200d_labels.tsv")
    assert header == ["word", "count"] and len(words) == 10_000
    assert ("word", "5678") in zip(words, counts, strict=True)


def test_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("0.1\t0.2\n0.3\t0.4\n")
    assert sniff(path)[0].name == "projector-tsv"
