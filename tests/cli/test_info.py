import json
import subprocess
import sys

import numpy as np

from embviz.cli import main


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "embviz", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_info_json_describes_the_file(small_glove, capsys):
    path, labels, vectors = small_glove
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "glove-text"
    assert (info["rows"], info["dims"], info["dtype"]) == (50, 8, "float32")
    assert info["warnings"] == [] and info["metadata"] == []


def test_info_text_output(small_glove, capsys):
    path, _, _ = small_glove
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rows:      50" in out and "dims:      8" in out and "glove-text" in out


def test_unreadable_file_exits_nonzero_with_one_clear_line(tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    result = run_cli("info", bad)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and "Traceback" not in result.stderr


def test_missing_file_message(tmp_path):
    result = run_cli("info", tmp_path / "nope.vec")
    assert result.returncode != 0
    assert "no such file" in result.stderr and "Traceback" not in result.stderr
