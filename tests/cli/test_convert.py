"""`embviz convert` and the new `embviz info` flags, checked against gensim and numpy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors, Word2Vec
from gensim.test.utils import common_texts, datapath

from embviz.cli import main

F32 = np.ones((5, 4), np.float32).tobytes()
F64 = np.random.default_rng(3).normal(size=(20, 6)).astype("<f8")

# The bad inputs: (file content, what the message says, where it points)
BAD_INPUTS = {
    "empty": (b"", "the file is empty", None),
    "header-only": (b"3 5\n", "header says 3 rows but the file has none", None),
    "header-larger": (b"3 2\na 1 2\nb 3 4\n", "header says 3 rows but the file has only 2", None),
    "header-smaller": (b"2 2\na 1 2\nb 3 4\nc 5 6\n", "header says 2 rows", "line 4"),
    "ragged": (b"3 3\na 1 2 3\nb 1 2\nc 1 2 3\n", "row has 2 values, expected 3", "line 3"),
    "non-numeric": (b"2 3\na 1 2 3\nb 1 abc 3\n", "'abc' is not a number", "line 3"),
    "zero-dims": (b"2 0\na\nb\n", "0 dimensions", "line 1"),
    "truncated-binary": (
        b"5 4\n" + b"".join(f"w{i} ".encode() + F32[:16] for i in range(5))[:-10],
        "header says 5 rows",
        "row 5",
    ),
    "random-bytes": (np.random.default_rng(4).bytes(5000), "not a recognised embedding file", None),
    "float64-binary": (
        b"20 6\n" + b"".join(f"w{i} ".encode() + r.tobytes() + b"\n" for i, r in enumerate(F64)),
        "float64",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, case) -> None:
    content, what, where = BAD_INPUTS[case]
    bad = tmp_path / f"{case}.bin"
    bad.write_bytes(content)
    out = tmp_path / "out.npy"
    assert main(["convert", str(bad), str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bad) in err and what in err
    if where:
        assert where in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]  # nothing written
    assert bad.read_bytes() == content


def test_convert_text_to_npy_matches_gensim(tmp_path, capsys) -> None:
    out = tmp_path / "lee.npy"
    assert main(["convert", datapath("lee_fasttext.vec"), str(out)]) == 0
    kv = KeyedVectors.load_word2vec_format(datapath("lee_fasttext.vec"))
    assert f"wrote {len(kv):,} x 10 (numpy)" in capsys.readouterr().out
    assert np.array_equal(np.load(out), kv.vectors)
    labels = (tmp_path / "lee_metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert labels == list(kv.index_to_key)


def test_convert_with_to_and_limit(tmp_path) -> None:
    out = tmp_path / "first"
    assert main(["convert", datapath("test_glove.txt"), str(out), "--to", "word2vec-binary",
                 "--limit", "3"]) == 0  # fmt: skip
    kv = KeyedVectors.load_word2vec_format(str(out), binary=True)
    ref = KeyedVectors.load_word2vec_format(datapath("test_glove.txt"), no_header=True)
    assert kv.index_to_key == ref.index_to_key[:3] and np.array_equal(kv.vectors, ref.vectors[:3])


def test_unknown_output_extension_is_refused_before_reading(tmp_path, capsys) -> None:
    assert main(["convert", str(tmp_path / "missing.vec"), str(tmp_path / "o.xyz")]) == 2
    assert "--to" in capsys.readouterr().err


def test_pickle_needs_trust(tmp_path, capsys) -> None:
    model = tmp_path / "m.model"
    Word2Vec(common_texts, vector_size=4, min_count=1, workers=1, epochs=1).save(str(model))
    out = tmp_path / "m.vec"
    assert main(["convert", str(model), str(out)]) == 2
    err = capsys.readouterr().err
    assert "pickle" in err and "--trust" in err and not out.exists()
    assert main(["convert", str(model), str(out), "--trust"]) == 0
    ref = Word2Vec.load(str(model)).wv
    kv = KeyedVectors.load_word2vec_format(str(out))
    assert kv.index_to_key == ref.index_to_key and np.array_equal(kv.vectors, ref.vectors)
    capsys.readouterr()
    assert main(["info", str(model), "--trust", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "gensim"


def test_info_limit(capsys) -> None:
    assert main(["info", datapath("lee_fasttext.vec"), "--limit", "7", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 7


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "r.vec"
    bad.write_bytes(BAD_INPUTS["ragged"][0])
    result = subprocess.run(
        [sys.executable, "-m", "embviz", "convert", str(bad), str(tmp_path / "o.bin")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"embviz: {bad}, line 3: row has 2 values, expected 3. Each row must be a label "
        "followed by the numbers of its vector, separated by spaces."
    )
