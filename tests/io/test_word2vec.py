"""word2vec / fastText / GloVe reading, checked against gensim's KeyedVectors.load_word2vec_format."""

from __future__ import annotations

import bz2
import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.core.errors import LoadError, UnknownFormatError
from embviz.core.tasks import Progress, run_task
from embviz.io import load_task
from embviz.io.writers import write_word2vec

# gensim's own test data, with the arguments gensim needs to read each file.
GENSIM_FILES = {
    "lee_fasttext.vec": ("word2vec-text", {}),
    "crime-and-punishment.vec": ("word2vec-text", {}),
    "toy-model.vec": ("word2vec-text", {}),
    "word2vec_pre_kv_c": ("word2vec-text", {}),
    "high_precision.kv.txt": ("word2vec-text", {}),
    "EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt": ("word2vec-text", {}),
    "pang_lee_polarity_fasttext.vec": ("word2vec-text", {"unicode_errors": "replace"}),
    "w2v_keyedvectors_load_test.modeldata": ("word2vec-text", {"unicode_errors": "replace"}),
    "euclidean_vectors.bin": ("word2vec-binary", {"binary": True}),
    "poincare_vectors.bin": ("word2vec-binary", {"binary": True}),
    "high_precision.kv.bin": ("word2vec-binary", {"binary": True}),
    "test_glove.txt": ("glove-text", {"no_header": True}),
}


def assert_same_as_gensim(eset: embviz.EmbeddingSet, path: Path, **gensim_options: object) -> None:
    kv = KeyedVectors.load_word2vec_format(str(path), **gensim_options)
    assert eset.labels == list(kv.index_to_key)
    assert eset.vectors.dtype == np.float32
    assert np.array_equal(eset.vectors, kv.vectors)


@pytest.mark.parametrize("name", sorted(GENSIM_FILES))
def test_gensim_test_data_loads_exactly_as_gensim(name: str) -> None:
    fmt, gensim_options = GENSIM_FILES[name]
    eset = embviz.load(datapath(name))
    assert eset.source.format == fmt
    assert eset.source.dtype_on_disk == ("float32" if fmt == "word2vec-binary" else "text")
    assert_same_as_gensim(eset, Path(datapath(name)), **gensim_options)
    if "unicode_errors" in gensim_options:
        assert any("--encoding" in w for w in eset.warnings)
    else:
        assert eset.warnings == []


def test_invalid_utf8_labels_are_replaced_with_a_warning() -> None:
    eset = embviz.load(datapath("pang_lee_polarity_fasttext.vec"))
    (warning,) = eset.warnings
    assert warning.startswith("5 label(s)") and "utf-8" in warning and "--encoding" in warning
    assert sum("\ufffd" in label for label in eset.labels) == 5


def test_header_promising_more_rows_than_gensim_data_has() -> None:
    with pytest.raises(LoadError, match=r"pretrained\.vec: the header says 3 rows .* only 1"):
        embviz.load(datapath("pretrained.vec"))


def test_values_round_exactly_like_gensim(tmp_path: Path) -> None:
    """Decimal strings near float32 rounding midpoints: gensim goes through float64 first."""
    rng = np.random.default_rng(7)
    tiny = np.float32(1).view(np.uint32) + rng.integers(0, 2**22, 300, dtype=np.uint32)
    lo = tiny.view(np.float32).astype(np.float64)
    mid = (lo + np.nextafter(lo.astype(np.float32), np.float32(2)).astype(np.float64)) / 2
    words = [f"{m:.30f}1" for m in mid]  # just above a midpoint: double rounding matters here
    words += [repr(float(x)) for x in rng.normal(size=300) * 10.0 ** rng.integers(-40, 39, 300)]
    words += ["1e-46", "-0", "3.4028235e38", "1.000000059604644775390625000000001"]
    words = words[: len(words) // 4 * 4]
    rows = [" ".join(words[i : i + 4]) for i in range(0, len(words), 4)]
    path = tmp_path / "mid.vec"
    text = "".join(f"w{i} {row}\n" for i, row in enumerate(rows))
    path.write_text(f"{len(rows)} 4\n{text}")
    assert_same_as_gensim(embviz.load(path), path)


def _binary_rows(
    labels: list[str], vectors: np.ndarray, newline: bool, dtype: str = "<f4"
) -> bytes:
    body = b"".join(
        label.encode() + b" " + row.astype(dtype).tobytes() + (b"\n" if newline else b"")
        for label, row in zip(labels, vectors, strict=True)
    )
    return f"{len(labels)} {vectors.shape[1]}\n".encode() + body


@pytest.mark.parametrize("newline", [True, False], ids=["c-tool", "gensim"])
def test_binary_with_and_without_row_newlines(tmp_path: Path, newline: bool) -> None:
    vectors = np.random.default_rng(0).normal(size=(50, 7)).astype(np.float32)
    labels = [f"word{i}" for i in range(50)]
    path = tmp_path / "v.bin"
    path.write_bytes(_binary_rows(labels, vectors, newline))
    eset = embviz.load(path)
    assert eset.source.format == "word2vec-binary"
    assert eset.labels == labels
    assert np.array_equal(eset.vectors, vectors)
    assert_same_as_gensim(eset, path, binary=True)


def test_binary_floats_containing_space_and_newline_bytes(tmp_path: Path) -> None:
    awkward = [struct.unpack("<f", bytes(b))[0] for b in ([0x20, 0x0A, 0x20, 0x3F], [0x0A] * 4)]
    vectors = np.array([awkward + [1.0], [awkward[1], 2.0, awkward[0]]], dtype=np.float32)
    assert b" " in vectors.tobytes() and b"\n" in vectors.tobytes()
    path = tmp_path / "awkward.bin"
    path.write_bytes(_binary_rows(["a", "b"], vectors, newline=True))
    eset = embviz.load(path)
    assert eset.labels == ["a", "b"]
    assert np.array_equal(eset.vectors, vectors)
    assert_same_as_gensim(eset, path, binary=True)


@pytest.mark.parametrize("binary", [True, False])
def test_written_files_round_trip_through_gensim(tmp_path: Path, binary: bool) -> None:
    rng = np.random.default_rng(1)
    vectors = (rng.normal(size=(30, 5)) * 10.0 ** rng.integers(-30, 30, (30, 5))).astype(np.float32)
    source = embviz.EmbeddingSet([f"w{i}" for i in range(30)], vectors)
    path = tmp_path / ("out.bin" if binary else "out.vec")
    write_word2vec(source, path, binary=binary)
    eset = embviz.load(path)
    assert eset.labels == source.labels
    assert np.array_equal(eset.vectors, vectors)
    assert_same_as_gensim(eset, path, binary=binary)


@pytest.mark.parametrize(("opener", "suffix"), [(gzip.open, ".gz"), (bz2.open, ".bz2")])
def test_compressed_text(tmp_path: Path, opener, suffix: str) -> None:  # noqa: ANN001
    path = tmp_path / f"v.vec{suffix}"  # gensim (smart_open) needs the suffix; embviz does not
    with opener(path, "wb") as f:
        f.write(b"2 3\nthe 0.1 0.2 0.3\nof -1 2.5e-3 4\n")
    eset = embviz.load(path)
    assert eset.labels == ["the", "of"]
    assert_same_as_gensim(eset, path)


def test_trailing_spaces_crlf_bom_and_nbsp(tmp_path: Path) -> None:
    path = tmp_path / "messy.vec"
    path.write_bytes(
        b"\xef\xbb\xbf3 2\r\nnew\xc2\xa0york 0.5 1.5 \r\nplain 1 2\t \r\nlast -1 -2\r\n\r\n"
    )
    eset = embviz.load(path)
    assert eset.labels == ["new\u00a0york", "plain", "last"]
    assert np.array_equal(eset.vectors, np.array([[0.5, 1.5], [1, 2], [-1, -2]], np.float32))


def test_duplicate_labels_keep_the_first(tmp_path: Path) -> None:
    path = tmp_path / "dup.vec"
    path.write_text("4 2\na 1 1\nb 2 2\na 3 3\nb 4 4\n")
    eset = embviz.load(path)
    assert eset.labels == ["a", "b"]
    assert eset.vectors.tolist() == [[1, 1], [2, 2]]
    (warning,) = eset.warnings
    assert warning.startswith("2 row(s) with a duplicate label")
    # gensim keeps the first of each too (gensim 4.4 then leaves unused None/zero slots at the end)
    kv = KeyedVectors.load_word2vec_format(str(path))
    assert kv.index_to_key[:2] == eset.labels and np.array_equal(kv.vectors[:2], eset.vectors)


@pytest.mark.parametrize("kind", ["text", "binary", "glove"])
def test_limit_reads_only_the_first_rows(tmp_path: Path, kind: str) -> None:
    vectors = np.arange(40, dtype=np.float32).reshape(10, 4)
    labels = [f"w{i}" for i in range(10)]
    path = tmp_path / f"v.{kind}"
    if kind == "glove":
        rows = [f"{w} {' '.join(map(str, v))}\n" for w, v in zip(labels, vectors, strict=True)]
        path.write_text("".join(rows))
    else:
        write_word2vec(embviz.EmbeddingSet(labels, vectors), path, binary=kind == "binary")
    eset = embviz.load(path, limit=3)
    assert eset.labels == labels[:3]
    assert np.array_equal(eset.vectors, vectors[:3])


def test_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "latin.vec"
    path.write_bytes("1 2\ncaf\u00e9 1 2\n".encode("latin-1"))
    assert embviz.load(path, encoding="latin-1").labels == ["caf\u00e9"]
    eset = embviz.load(path)
    assert eset.labels == ["caf\ufffd"] and "--encoding" in eset.warnings[0]


def test_progress_is_reported_while_reading(tmp_path: Path) -> None:
    vectors = np.random.default_rng(2).normal(size=(20000, 3)).astype(np.float32)
    path = tmp_path / "big.bin"
    write_word2vec(embviz.EmbeddingSet([f"w{i}" for i in range(20000)], vectors), path, True)
    seen: list[Progress] = []
    eset = run_task(load_task(path), seen.append)
    assert len(seen) >= 2 and all(isinstance(p, Progress) for p in seen)
    assert np.array_equal(eset.vectors, vectors)


# Bad input: each error names the file, and the line or row where one applies.


def _load_error(path: Path, content: bytes) -> LoadError:
    path.write_bytes(content)
    with pytest.raises(LoadError) as info:
        embviz.load(path)
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "empty.vec", b"")
    assert "empty" in str(error)


def test_header_only(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "h.vec", b"3 5\n")
    assert "header says 3 rows but the file has none" in str(error)


def test_header_count_larger_than_rows(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "short.vec", b"3 2\na 1 2\nb 3 4\n")
    assert "header says 3 rows but the file has only 2" in str(error)


def test_header_count_smaller_than_rows(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "long.vec", b"2 2\na 1 2\nb 3 4\nc 5 6\n")
    assert error.line == 4 and "line 4" in str(error) and "header says 2 rows" in str(error)


def test_ragged_row(tmp_path: Path) -> None:
    rows = "".join(f"w{i} {' '.join(['0.5'] * (300 if i != 7 else 299))}\n" for i in range(10))
    error = _load_error(tmp_path / "ragged.vec", f"10 300\n{rows}".encode())
    assert error.line == 9 and "row has 299 values, expected 300" in str(error)


def test_ragged_glove_row(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "g.txt", b"a 1 2 3\nb 1 2 3\nc 1 2\nd 1 2 3\n")
    assert error.line == 3 and "row has 2 values, expected 3" in str(error)


def test_non_numeric_value(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "nan.vec", b"2 3\na 1 2 3\nb 1 abc 3\n")
    assert error.line == 3 and "'abc' is not a number" in str(error)


def test_zero_dimensions(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "zero.vec", b"2 0\na\nb\n")
    assert error.line == 1 and "0 dimensions" in str(error)


def test_truncated_binary(tmp_path: Path) -> None:
    vectors = np.ones((5, 4), np.float32)
    content = _binary_rows([f"w{i}" for i in range(5)], vectors, newline=False)
    error = _load_error(tmp_path / "cut.bin", content[:-10])
    assert error.row == 5 and "row 5" in str(error) and "header says 5 rows" in str(error)


def test_binary_with_more_rows_than_its_header(tmp_path: Path) -> None:
    content = _binary_rows(["a", "b", "c"], np.ones((3, 4), np.float32), newline=True)
    error = _load_error(tmp_path / "more.bin", content.replace(b"3 4\n", b"2 4\n", 1))
    assert error.row == 3 and "header says 2 rows" in str(error)


@pytest.mark.parametrize("rows", [1, 20])
def test_float64_binary_is_named(tmp_path: Path, rows: int) -> None:
    vectors = np.random.default_rng(3).normal(size=(rows, 6))
    content = _binary_rows([f"w{i}" for i in range(rows)], vectors, newline=True, dtype="<f8")
    error = _load_error(tmp_path / "f64.bin", content)
    assert "float64" in str(error) and "float32" in str(error)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(np.random.default_rng(4).bytes(5000))
    with pytest.raises((UnknownFormatError, LoadError)) as info:
        embviz.load(path)
    assert str(path) in str(info.value)


def test_bad_limit(tmp_path: Path) -> None:
    path = tmp_path / "v.vec"
    path.write_text("1 1\na 1\n")
    with pytest.raises(LoadError, match="limit"):
        embviz.load(path, limit=0)


def test_blank_line_between_rows(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "gap.vec", b"2 2\na 1 2\n\nb 3 4\n")
    assert error.line == 3 and "blank line" in str(error)


def test_tab_inside_a_row_is_not_a_separator(tmp_path: Path) -> None:
    """Like gensim, only ASCII space separates tokens: 'a\\t1' is one label."""
    error = _load_error(tmp_path / "tab.vec", b"2 2\na\t1 2\nb 3 4\n")
    assert error.line == 2 and "row has 1 values, expected 2" in str(error)


def test_glove_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes(b"\xef\xbb\xbfthe 0.5 1\r\nof -2 3e-2\r\n")
    eset = embviz.load(path)
    assert eset.source.format == "glove-text" and eset.labels == ["the", "of"]
    assert np.array_equal(eset.vectors, np.array([[0.5, 1], [-2, 0.03]], np.float32))
