"""Everyday damage and odd inputs: each gives a LoadError naming the file and what is wrong."""

from __future__ import annotations

import bz2
import codecs
import gzip
import os
from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError

from ..conftest import write_glove

RNG = np.random.default_rng(3)
LABELS = [f"w{i}" for i in range(300)]
VECTORS = RNG.normal(size=(300, 20)).astype(np.float32)


def _glove_bytes(tmp_path: Path) -> bytes:
    plain = tmp_path / "plain.txt"
    write_glove(plain, LABELS, VECTORS)
    return plain.read_bytes()


def load_error(path: Path, **options: object) -> str:
    with pytest.raises(LoadError) as info:
        embviz.load(path, **options)
    message = str(info.value)
    assert str(path) in message, message
    return message.replace(str(path), "FILE")


@pytest.mark.parametrize("opener, kind", [(gzip.compress, "gzip"), (bz2.compress, "bz2")])
def test_truncated_compressed_file_says_it_is_cut_short(tmp_path, opener, kind) -> None:
    data = opener(_glove_bytes(tmp_path))
    path = tmp_path / f"vectors.txt.{kind[:2]}"
    path.write_bytes(data[: len(data) // 2])
    message = load_error(path)
    assert f"{kind} data ends early" in message and "cut short" in message
    assert "bytes of content" in message


def test_truncated_inside_the_sniffed_head(tmp_path) -> None:
    data = gzip.compress(_glove_bytes(tmp_path))
    path = tmp_path / "vectors.txt.gz"
    path.write_bytes(data[:200])
    assert "gzip data ends early" in load_error(path)


def test_corrupt_gzip_says_corrupt(tmp_path) -> None:
    data = bytearray(gzip.compress(_glove_bytes(tmp_path)))
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    path = tmp_path / "vectors.txt.gz"
    path.write_bytes(bytes(data))
    message = load_error(path)
    assert "gzip data is corrupt" in message


def test_gzip_with_wrong_checksum(tmp_path) -> None:
    data = bytearray(gzip.compress(_glove_bytes(tmp_path)))
    data[-8] ^= 0xFF  # the CRC32 in the trailer
    path = tmp_path / "vectors.txt.gz"
    path.write_bytes(bytes(data))
    assert "gzip data is corrupt" in load_error(path)


def test_fifo_is_not_called_empty(tmp_path) -> None:
    fifo = tmp_path / "pipe.vec"
    os.mkfifo(fifo)
    message = load_error(fifo)
    assert "named pipe" in message and "not a regular file" in message
    assert "empty" not in message


def test_character_device_is_not_called_empty() -> None:
    message = load_error(Path("/dev/zero"))
    assert "character device" in message and "empty" not in message


def test_symlink_loop_is_not_called_missing(tmp_path) -> None:
    a, b = tmp_path / "a.vec", tmp_path / "b.vec"
    a.symlink_to(b)
    b.symlink_to(a)
    message = load_error(a)
    assert "symbolic link loop" in message and "no such file" not in message


def test_broken_symlink_says_so(tmp_path) -> None:
    link = tmp_path / "link.vec"
    link.symlink_to(tmp_path / "gone.vec")
    assert "symbolic link to a file that does not exist" in load_error(link)


def test_folder_and_unreadable_file(tmp_path, monkeypatch) -> None:
    assert "is a folder" in load_error(tmp_path)
    path = tmp_path / "secret.txt"
    path.write_bytes(_glove_bytes(tmp_path))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    from embviz.io import guards

    monkeypatch.setattr(guards, "open", refuse, raising=False)  # root ignores chmod 000
    message = load_error(path)
    assert "permission denied" in message and "chmod" in message


def test_utf16_with_bom_is_decoded_and_said(tmp_path) -> None:
    text = _glove_bytes(tmp_path).decode("utf-8")
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"))
    eset = embviz.load(path)
    assert eset.labels == LABELS
    assert np.array_equal(eset.vectors, VECTORS)
    assert any("UTF-16" in w for w in eset.warnings)


def test_cr_only_line_ends_are_read_and_said(tmp_path) -> None:
    path = tmp_path / "mac.txt"
    path.write_bytes(_glove_bytes(tmp_path).replace(b"\n", b"\r"))
    eset = embviz.load(path)
    assert eset.labels == LABELS and np.array_equal(eset.vectors, VECTORS)
    assert any("CR only" in w for w in eset.warnings)


def test_utf16_without_bom_says_what_it_looks_like(tmp_path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes(_glove_bytes(tmp_path).decode().encode("utf-16-le"))
    message = load_error(path)
    assert "UTF-16" in message and "iconv" in message


def test_nul_byte_in_text_is_not_called_float64(tmp_path) -> None:
    lines = [f"w{i} 0.1 0.2 0.3 0.4" for i in range(3)]
    data = bytearray(("3 4\n" + "\n".join(lines) + "\n").encode())
    data[10] = 0
    path = tmp_path / "nul.vec"
    path.write_bytes(bytes(data))
    message = load_error(path)
    assert "float64" not in message
    assert "NUL byte" in message and "line 2" in message, message


@pytest.mark.parametrize(
    "rows, dims, fraction", [(20, 20, 0.5), (2, 2, 0.9), (8, 50, 0.5), (5, 2, 0.3), (8, 1, 0.9)]
)
def test_part_of_a_binary_file_is_not_called_float64(tmp_path, rows, dims, fraction) -> None:
    from gensim.models import KeyedVectors

    kv = KeyedVectors(dims)
    kv.add_vectors(LABELS[:rows], RNG.normal(size=(rows, dims)).astype(np.float32))
    path = tmp_path / "full.bin"
    kv.save_word2vec_format(str(path), binary=True)
    data = path.read_bytes()
    part = tmp_path / "part.bin"
    part.write_bytes(data[: int(len(data) * fraction)])
    message = load_error(part)
    assert "float64" not in message, message
    assert "cut short" in message, message


def test_real_float64_rows_are_still_called_float64(tmp_path) -> None:
    rows = b"".join(f"w{i} ".encode() + VECTORS[i, :4].astype("<f8").tobytes() for i in range(3))
    path = tmp_path / "f64.bin"
    path.write_bytes(b"3 4\n" + rows)
    assert "float64" in load_error(path)


@pytest.mark.parametrize("header", ["-3 4", "3 4 5", "3 -4"])
def test_invalid_headers_are_said_to_be_invalid_headers(tmp_path, header) -> None:
    rows = "\n".join(f"w{i} 0.1 0.2 0.3 0.4" for i in range(3))
    path = tmp_path / "bad_header.vec"
    path.write_text(f"{header}\n{rows}\n")
    message = load_error(path)
    assert "header" in message and repr(header) in message, message
    assert "line 1" in message


def test_npz_with_a_member_that_is_not_an_array(tmp_path) -> None:
    import zipfile

    path = tmp_path / "mixed.npz"
    np.savez(path, vectors=VECTORS[:5])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("README.txt", "made by hand")
    eset = embviz.load(path)
    assert np.array_equal(eset.vectors, VECTORS[:5])
    assert eset.warnings == [
        "the archive member 'README.txt' is not a NumPy array; it was skipped."
    ]
    only = tmp_path / "only_text.npz"
    with zipfile.ZipFile(only, "w") as archive:
        archive.writestr("a.npy", b"not an array at all")
        archive.writestr("notes.txt", "x")
    message = load_error(only)
    assert "'a.npy'" in message and "damaged .npy header" in message


def test_cut_short_npz_names_the_archive(tmp_path) -> None:
    path = tmp_path / "cut.npz"
    np.savez_compressed(path, vectors=VECTORS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = load_error(path)
    assert "npz" in message and ("cut short" in message or "damaged" in message)
