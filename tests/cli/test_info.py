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


def test_contract_page_says_every_rule() -> None:
    from pathlib import Path

    from embviz.io.contract import COMMON, EXIT_CODES, FORMATS

    page = (Path(__file__).resolve().parents[2] / "docs" / "contract.md").read_text()
    flat = " ".join(page.split())
    rules = [*COMMON.values(), *EXIT_CODES.values()]
    rules += [rule for own in FORMATS.values() for rule in own.values()]
    missing = [rule for rule in rules if " ".join(rule.split()) not in flat]
    assert missing == []


def test_info_gives_the_rules_of_the_format(small_glove, capsys) -> None:
    from embviz.io.contract import COMMON, FORMATS

    path, _, _ = small_glove
    assert main(["info", str(path), "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)["rules"]
    assert rules["partial"] == FORMATS["glove-text"]["partial"]
    assert rules["non-finite"] == COMMON["non-finite"]
    assert main(["info", str(path), "--contract"]) == 0
    out = capsys.readouterr().out
    assert "rules (glove-text" in out and FORMATS["glove-text"]["partial"] in out
    assert main(["info", "--contract"]) == 0
    out = capsys.readouterr().out
    assert "Exit codes:" in out and all(name + ":" in out for name in FORMATS)


def test_info_without_a_file_or_contract_is_a_request_error(capsys) -> None:
    assert main(["info"]) == 2
    assert "--contract" in capsys.readouterr().err
