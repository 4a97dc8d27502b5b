"""Text rows scanned on several threads read exactly as on one: the same vectors (= gensim's), the
same labels, and the same error on the same line, wherever in a block a fault falls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

import embviz
from embviz.core.errors import LoadError
from embviz.io import scan_parts, textparse


def _load(path: Path, monkeypatch, threads: int, **options):
    """embviz.load with ``threads`` threads and parts as small as 200 bytes (so a small file is
    split into many parts and blocks)."""
    monkeypatch.setattr(scan_parts, "MIN_PART_BYTES", 200)
    monkeypatch.setattr(scan_parts, "cores", lambda: threads)
    monkeypatch.setattr(textparse, "BLOCK_BYTES", 1500)
    try:
        return embviz.load(path, **options)
    except LoadError as error:
        return error


def _rows(rng: np.random.Generator, rows: int, dims: int) -> list[str]:
    values = rng.normal(size=(rows, dims))
    out = []
    for r in range(rows):
        tokens = [f"{v:.6f}" for v in values[r]]
        if r % 7 == 3:
            tokens[1] = repr(float(values[r, 1]))  # 17 digits: the slow path
        out.append(f"w{r} " + " ".join(tokens))
    return out


def _write(path: Path, lines: list[str], header: str | None = "auto") -> Path:
    dims = len(lines[0].split()) - 1
    head = [f"{len(lines)} {dims}"] if header == "auto" else [] if header is None else [header]
    path.write_text("\n".join(head + lines) + "\n")
    return path


def _same(a, b) -> None:
    if isinstance(a, LoadError) or isinstance(b, LoadError):
        assert str(a) == str(b)
        return
    assert a.labels == b.labels
    assert np.array_equal(a.vectors, b.vectors)


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_clean_file_equals_one_thread_and_gensim(tmp_path, monkeypatch, threads) -> None:
    path = _write(tmp_path / "v.txt", _rows(np.random.default_rng(1), 400, 6))
    many = _load(path, monkeypatch, threads)
    _same(many, _load(path, monkeypatch, 1))
    kv = KeyedVectors.load_word2vec_format(str(path))
    assert many.labels == list(kv.index_to_key)
    assert np.array_equal(many.vectors, kv.vectors)


FAULTS = {
    "blank line": lambda lines, k: lines.insert(k, ""),
    "bad number": lambda lines, k: lines.__setitem__(k, lines[k].replace(" ", " x", 1)),
    "short row": lambda lines, k: lines.__setitem__(k, lines[k].rsplit(" ", 1)[0]),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("at", [1, 37, 150, 298])
def test_a_fault_anywhere_gives_the_one_thread_error(tmp_path, monkeypatch, fault, at) -> None:
    lines = _rows(np.random.default_rng(2), 300, 5)
    FAULTS[fault](lines, at)
    path = _write(tmp_path / "v.txt", lines, header="300 5")
    one, many = _load(path, monkeypatch, 1), _load(path, monkeypatch, 4)
    assert isinstance(one, LoadError)
    _same(many, one)


@pytest.mark.parametrize("header", ["250 6", "400 6"])
def test_header_counts_that_are_wrong_give_the_same_error(tmp_path, monkeypatch, header) -> None:
    path = _write(tmp_path / "v.txt", _rows(np.random.default_rng(3), 300, 6), header=header)
    one, many = _load(path, monkeypatch, 1), _load(path, monkeypatch, 4)
    assert isinstance(one, LoadError)
    _same(many, one)


def test_limit_in_the_middle_of_a_block_and_glove_without_header(tmp_path, monkeypatch) -> None:
    lines = _rows(np.random.default_rng(4), 500, 4)
    path = _write(tmp_path / "v.txt", lines)
    for limit in (1, 123, 499):
        limited = _load(path, monkeypatch, 4, limit=limit)
        _same(limited, _load(path, monkeypatch, 1, limit=limit))
        assert len(limited) == limit
    glove = _write(tmp_path / "glove.txt", lines, header=None)
    _same(_load(glove, monkeypatch, 4), _load(glove, monkeypatch, 1))
    kv = KeyedVectors.load_word2vec_format(str(glove), no_header=True)
    assert np.array_equal(_load(glove, monkeypatch, 4).vectors, kv.vectors)
