"""Files that used to load as other numbers: each now loads as the right numbers (and says what
it did) or is refused with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError

RNG = np.random.default_rng(11)


def load_error(path: Path, **options: object) -> str:
    with pytest.raises(LoadError) as info:
        embviz.load(path, **options)
    message = str(info.value)
    assert str(path) in message, message
    return message.replace(str(path), "FILE")


def test_semicolons_and_decimal_commas(tmp_path) -> None:
    vectors = np.round(RNG.normal(size=(4, 3)), 4)
    rows = [
        ";".join([f"w{i}", *(f"{v:.4f}".replace(".", ",") for v in row)])
        for i, row in enumerate(vectors)
    ]
    path = tmp_path / "excel.csv"
    path.write_text("word;d0;d1;d2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    eset = embviz.load(path)
    assert eset.labels == [f"w{i}" for i in range(4)]
    assert np.array_equal(eset.vectors, vectors.astype(np.float32))
    assert any("decimal" in w and "comma" in w for w in eset.warnings)


def test_savetxt_matrix_keeps_its_first_column(tmp_path) -> None:
    vectors = RNG.normal(size=(6, 5))
    path = tmp_path / "matrix.txt"
    np.savetxt(path, vectors)
    eset = embviz.load(path)
    assert eset.shape == (6, 5)
    assert np.array_equal(eset.vectors, np.loadtxt(path).astype(np.float32))
    assert eset.labels == [str(i) for i in range(6)]
    assert any("no labels" in w for w in eset.warnings)


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_nan_and_inf_in_numpy_files_are_warned(tmp_path, suffix) -> None:
    vectors = RNG.normal(size=(5, 3)).astype(np.float32)
    vectors[1, 2] = np.nan
    vectors[3, 0] = np.inf
    path = tmp_path / f"v{suffix}"
    np.save(path, vectors) if suffix == ".npy" else np.savez(path, vectors=vectors)
    eset = embviz.load(path)
    (warning,) = eset.warnings
    assert "2 row(s) hold NaN or infinite values ('1', '3')" in warning


def test_float64_beyond_float32_becomes_inf_and_is_warned(tmp_path) -> None:
    path = tmp_path / "big.npy"
    np.save(path, np.array([[1e300, 0.0], [1.0, 2.0]]))
    eset = embviz.load(path)
    assert np.isinf(eset.vectors[0, 0]) and "1 row(s) hold NaN" in eset.warnings[0]


@pytest.mark.parametrize("shape", [(0, 4), (4, 0), (0, 0)])
def test_empty_arrays_are_refused_in_every_format(tmp_path, shape) -> None:
    empty = np.zeros(shape, np.float32)
    np.save(tmp_path / "e.npy", empty)
    np.savez(tmp_path / "e.npz", vectors=empty)
    (tmp_path / "cfg").mkdir()
    empty.tofile(tmp_path / "cfg" / "t.bytes")
    entry = {"tensorName": "e", "tensorShape": list(shape), "tensorPath": "t.bytes"}
    (tmp_path / "cfg" / "c.json").write_text(json.dumps({"embeddings": [entry]}))
    for name in ("e.npy", "e.npz", "cfg/c.json"):
        message = load_error(tmp_path / name)
        assert "no rows" in message or "no dimensions" in message or "0 dimensions" in message


def test_empty_parquet_and_list_of_strings(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "empty.parquet"
    pq.write_table(
        pa.table({"label": pa.array([], pa.string()), "d0": pa.array([], pa.float32())}), path
    )
    assert "no rows" in load_error(path)
    path = tmp_path / "strings.parquet"
    pq.write_table(pa.table({"label": ["a", "b"], "emb": [["x", "y"], ["z", "w"]]}), path)
    message = load_error(path)
    assert "'emb' holds lists of string" in message


def test_projector_metadata_tsv_is_not_an_embedding(tmp_path) -> None:
    path = tmp_path / "word2vec_10000_200d_labels.tsv"
    words = ["UNK", "the", "of", "word", "and"]
    path.write_text("word\tcount\n" + "".join(f"{w}\t{1000 - i}\n" for i, w in enumerate(words)))
    message = load_error(path)
    assert "metadata file" in message and "'count'" in message
    assert "metadata file" in load_error(path, format="projector-tsv")


def test_real_projector_metadata_file() -> None:
    real = Path(__file__).resolve().parents[3] / "shared/data/projector"
    path = real / "word2vec_10000_200d_labels.tsv"
    if not path.is_file():
        pytest.skip(f"the real projector files are not here ({real}); they are optional")
    assert "metadata file" in load_error(path)


def _config(tmp_path: Path, present: set[int]) -> Path:
    entries = []
    for i in range(5):
        name = f"t{i}.bytes"
        if i in present:
            RNG.normal(size=(3, 2)).astype("<f4").tofile(tmp_path / name)
        entries.append({"tensorName": f"T{i}", "tensorShape": [3, 2], "tensorPath": name})
    path = tmp_path / "projector_config.json"
    path.write_text(json.dumps({"embeddings": entries}))
    return path


def test_config_with_four_of_five_tensors_missing_says_which(tmp_path) -> None:
    eset = embviz.load(_config(tmp_path, {3}))
    expected = np.fromfile(tmp_path / "t3.bytes", "<f4").reshape(3, 2)
    assert np.array_equal(eset.vectors, expected)
    (warning,) = eset.warnings
    assert "4 of the 5 embeddings" in warning
    assert all(f"'T{i}'" in warning for i in (0, 1, 2, 4)) and "opened 'T3'" in warning


def test_config_asking_for_a_missing_tensor_is_an_error(tmp_path) -> None:
    path = _config(tmp_path, {3})
    assert "t0.bytes is missing" in load_error(path, tensor="T0")


@pytest.mark.parametrize(
    "config, what",
    [
        ({"embeddings": "x"}, "'embeddings' is str"),
        ({"embeddings": [5]}, "entry 1 is int"),
        ({"embeddings": [{"tensorPath": 7}]}, "'tensorPath' is 7, not text"),
        ({"embeddings": [{"tensorPath": "t.bytes", "tensorShape": ["a", 2]}]}, "'tensorShape'"),
        ({"embeddings": [{"tensorPath": "t.bytes", "metadataPath": 3}]}, "'metadataPath'"),
        ([1, 2], "not a list of entries"),
    ],
)
def test_config_with_wrong_types(tmp_path, config, what) -> None:
    path = tmp_path / "projector_config.json"
    text = json.dumps(config)
    path.write_text(text if isinstance(config, dict) else '{"embeddings": 1, "x": [1, 2]}')
    RNG.normal(size=(3, 2)).astype("<f4").tofile(tmp_path / "t.bytes")
    message = load_error(path, format="projector-config")
    assert (what if isinstance(config, dict) else "'embeddings' is int") in message


def test_pbtxt_with_a_word_for_a_number(tmp_path) -> None:
    path = tmp_path / "projector_config.pbtxt"
    path.write_text('embeddings {\n  tensor_path: "t.bytes"\n  tensor_shape: three\n}\n')
    assert "'tensorShape'" in load_error(path)


def test_csv_in_a_windows_code_page(tmp_path) -> None:
    path = tmp_path / "excel.csv"
    text = "word;d0;d1\ncafé;0,5;1,5\nnaïve;2,25;3\n"
    path.write_bytes(text.encode("cp1252"))
    eset = embviz.load(path)
    assert eset.labels == ["caf\ufffd", "na\ufffdve"]
    assert any("2 line(s) had bytes that are not valid utf-8" in w for w in eset.warnings)
    assert any("--encoding" in w for w in eset.warnings)
    eset = embviz.load(path, encoding="cp1252")
    assert eset.labels == ["café", "naïve"]
    assert np.array_equal(eset.vectors, np.array([[0.5, 1.5], [2.25, 3]], np.float32))
    assert not any("valid" in w for w in eset.warnings)


def test_projector_metadata_not_in_utf8_is_said(tmp_path) -> None:
    vectors = RNG.normal(size=(2, 3)).astype(np.float32)
    tsv = tmp_path / "emb_tensors.tsv"
    tsv.write_text("".join("\t".join(f"{v:.6f}" for v in row) + "\n" for row in vectors))
    (tmp_path / "emb_metadata.tsv").write_bytes("word\tpos\ncafé\tN\nthé\tN\n".encode("latin-1"))
    eset = embviz.load(tsv)
    assert eset.labels == ["caf\ufffd", "th\ufffd"]
    assert any("emb_metadata.tsv: 2 line(s)" in w and "line 2" in w for w in eset.warnings)
