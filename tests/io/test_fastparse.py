"""The compiled text parser: bit-identical to gensim on every kind of token, at any block size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

import embviz
from embviz.core.errors import LoadError
from embviz.io import textparse


def gensim_vectors(path: Path, **options: object) -> tuple[list[str], np.ndarray]:
    kv = KeyedVectors.load_word2vec_format(str(path), **options)
    return list(kv.index_to_key), kv.vectors


def _tokens(rng: np.random.Generator, n: int) -> list[str]:
    """Tokens for both paths: short decimals (fast path), 17-digit reprs and odd spellings."""
    x = rng.normal(size=n) * 10.0 ** rng.integers(-30, 30, n)
    kinds = rng.integers(0, 8, n)
    out = []
    for k, v in zip(kinds.tolist(), x.tolist(), strict=True):
        out.append(
            [
                f"{v:.6f}",
                f"{v:.9g}",
                repr(v),  # up to 17 digits: the slow path
                f"{v:.4e}",
                f"{v:.3E}",
                f"{abs(v):+.5g}",
                f"{v:.25f}",  # more than 19 digits
                f"{int(v * 1000) if abs(v) < 1e15 else 7}",
            ][k]
        )
    return out


@pytest.mark.parametrize("block", [64, 1000, 4 * 1024 * 1024])
def test_random_tokens_match_gensim_at_any_block_size(tmp_path, monkeypatch, block) -> None:
    monkeypatch.setattr(textparse, "BLOCK_BYTES", block)
    rng = np.random.default_rng(11)
    rows, dims = 300, 7
    tokens = _tokens(rng, rows * dims)
    tokens[:6] = ["0", "-0", "0.0000000000000000000000001", ".5", "5.", "1e-45"]
    tokens[6:12] = [
        "3.4028235e38",
        "-1.17549435e-38",
        "9007199254740993",
        "123456789012345678",
        "1E+22",
        "1e23",
    ]
    lines = [
        f"w{r} " + " ".join(tokens[r * dims : (r + 1) * dims]) + (" " if r % 3 else "")
        for r in range(rows)
    ]
    path = tmp_path / "mix.vec"
    path.write_text(f"{rows} {dims}\n" + "\n".join(lines) + "\n")
    eset = embviz.load(path)
    labels, vectors = gensim_vectors(path)
    assert eset.labels == labels
    assert np.array_equal(eset.vectors.view(np.uint32), vectors.view(np.uint32))  # -0 too


def test_no_trailing_newline_and_crlf(tmp_path) -> None:
    path = tmp_path / "v.vec"
    path.write_bytes(b"2 2\r\na 0.25 1e-3\r\nb -7 8")
    eset = embviz.load(path)
    assert eset.labels == ["a", "b"]
    assert np.array_equal(eset.vectors, np.array([[0.25, 1e-3], [-7, 8]], np.float32))


def test_errors_name_the_line_across_blocks(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(textparse, "BLOCK_BYTES", 50)
    rows = [f"w{i} 1.5 2.5" for i in range(40)]
    rows[33] = "w33 1.5 x2"
    path = tmp_path / "bad.vec"
    path.write_text("40 2\n" + "\n".join(rows) + "\n")
    with pytest.raises(LoadError) as info:
        embviz.load(path)
    assert info.value.line == 35 and "'x2' is not a number" in str(info.value)


def test_blank_line_across_blocks(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(textparse, "BLOCK_BYTES", 16)
    path = tmp_path / "gap.txt"
    path.write_text("a 1 2\nb 3 4\n\n\nc 5 6\n")
    with pytest.raises(LoadError) as info:
        embviz.load(path)
    assert info.value.line == 3 and "blank line between rows" in str(info.value)


def test_glove_grows_past_its_first_guess(tmp_path) -> None:
    """A long first row makes the row-count guess short: the array grows and stays exact."""
    first = "the " + " ".join(["0.123456789"] * 4)
    rest = [f"w{i} 1 2 3 4" for i in range(5000)]
    path = tmp_path / "g.txt"
    path.write_text(first + "\n" + "\n".join(rest) + "\n")
    eset = embviz.load(path)
    labels, vectors = gensim_vectors(path, no_header=True)
    assert eset.labels == labels and np.array_equal(eset.vectors, vectors)


def test_nan_and_inf_rows_load_with_a_warning(tmp_path) -> None:
    path = tmp_path / "nan.vec"
    path.write_text("3 2\na 1 nan\nb inf -inf\nc 1 2\n")
    eset = embviz.load(path)
    labels, vectors = gensim_vectors(path)
    assert np.array_equal(eset.vectors, vectors, equal_nan=True)
    (warning,) = eset.warnings
    assert warning.startswith("2 row(s) hold NaN or infinite values ('a', 'b')")


def test_parser_is_not_imported_with_embviz() -> None:
    import subprocess
    import sys

    code = "import sys, embviz; print('embviz.io.fastparse' in sys.modules, 'numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
