"""CLIP image and text vectors equal transformers' own (a tiny random CLIP saved as a real model
folder: no CLIP model ships offline), and text-to-image search ranks by them."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from PIL import Image  # noqa: E402

from embviz.core.errors import EmbvizError  # noqa: E402
from embviz.core.tasks import run_task  # noqa: E402
from embviz.io.images import PathImages  # noqa: E402
from embviz.models.images.encode import embed_image_set, text_vectors  # noqa: E402
from embviz.models.images.loading import load_image_model  # noqa: E402
from tests.image_fixtures import make_tiny_clip, write_image_folder  # noqa: E402

TEXTS = ["the cat", "a red dog", "the dog and the cat on a red mat"]


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory):
    return make_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))


@pytest.fixture(scope="module")
def reference(clip_dir):
    """transformers' own: CLIPModel.from_pretrained, its processor and tokenizer, the
    features from get_image_features / get_text_features and from the forward pass."""
    import torch
    from transformers import AutoTokenizer, CLIPImageProcessor, CLIPModel

    model = CLIPModel.from_pretrained(clip_dir).eval()
    return (
        model,
        CLIPImageProcessor.from_pretrained(clip_dir),
        AutoTokenizer.from_pretrained(clip_dir),
        torch,
    )


def _features(out):
    return out if not hasattr(out, "pooler_output") else out.pooler_output


def test_image_and_text_vectors_equal_transformers(clip_dir, reference, tmp_path):
    model, processor, tokenizer, torch = reference
    paths = write_image_folder(tmp_path / "imgs", 5)
    eset = run_task(embed_image_set(PathImages(paths), str(clip_dir), [p.name for p in paths], 2))
    images = [Image.open(p).convert("RGB") for p in paths]
    pixels = processor(images=images, return_tensors="pt")["pixel_values"]
    tokens = tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        image_features = _features(model.get_image_features(pixel_values=pixels)).numpy()
        text_features = _features(model.get_text_features(**tokens)).numpy()
        forward = model(pixel_values=pixels, **tokens)  # image_embeds / text_embeds: normalised
    expected = image_features / np.linalg.norm(image_features, axis=1, keepdims=True)
    assert eset.vectors.shape == (5, model.config.projection_dim)
    np.testing.assert_allclose(eset.vectors, expected, atol=1e-5)
    np.testing.assert_allclose(eset.vectors, forward.image_embeds.numpy(), atol=1e-5)
    texts = text_vectors(load_image_model(str(clip_dir)), TEXTS)
    expected_text = text_features / np.linalg.norm(text_features, axis=1, keepdims=True)
    np.testing.assert_allclose(texts, expected_text, atol=1e-5)
    np.testing.assert_allclose(texts, forward.text_embeds.numpy(), atol=1e-5)
    assert eset.labels == [p.name for p in paths]
    assert eset.images is not None and len(eset.images) == 5


def test_text_to_image_search_ranks_by_clip_similarity(clip_dir, reference, tmp_path):
    from embviz.core.semantic_search import semantic_search_task

    model, processor, tokenizer, torch = reference
    paths = write_image_folder(tmp_path / "imgs", 6)
    eset = run_task(embed_image_set(PathImages(paths), str(clip_dir), [p.name for p in paths]))
    result = run_task(semantic_search_task(eset, "a red dog", k=6))
    with torch.no_grad():
        forward = model(
            pixel_values=processor(
                images=[Image.open(p).convert("RGB") for p in paths], return_tensors="pt"
            )["pixel_values"],
            **tokenizer(["a red dog"], return_tensors="pt"),
        )
    logits = forward.logits_per_text.numpy()[0]  # CLIP's own image-text scores
    # CLIP's order: logits never rise down the list; two images tie to 7 digits under this tiny
    # random model, and float rounding may order such a pair either way
    assert sorted(result.rows) == list(range(6)) and result.rows[0] == int(np.argmax(logits))
    ranked = logits[np.asarray(result.rows)]
    assert np.all(np.diff(ranked) <= 1e-5 * np.abs(ranked).max()), (result.rows, ranked)
    assert "CLIP text tower" in result.embedder


def test_not_a_model_folder_and_no_default(tmp_path):
    with pytest.raises(EmbvizError, match="not a model folder"):
        load_image_model(str(tmp_path))
    with pytest.raises(EmbvizError, match="No image model ships with embviz"):
        load_image_model("default")
    with pytest.raises(EmbvizError, match="offline"):
        load_image_model("someone/clip-that-is-not-cached")
