"""File > Embed images… in the window: a folder of real images embedded with a CLIP model folder
(tiny and random: no CLIP ships offline) in a worker; the set opens with its thumbnails, and the
Search documents dock finds images by words in CLIP's own order (its logits_per_text)."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from PIL import Image  # noqa: E402

from tests.image_fixtures import make_tiny_clip, write_image_folder  # noqa: E402


def test_embed_a_folder_then_search_it_in_words(window, qtbot, tmp_path):
    import torch
    from transformers import AutoTokenizer, CLIPImageProcessor, CLIPModel

    clip = make_tiny_clip(tmp_path / "clip")
    paths = write_image_folder(tmp_path / "photos", 6)
    window.panels["image"].embedder.embed(tmp_path / "photos", clip)
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=60000)
    eset = window.session.current
    assert eset.labels == [p.name for p in paths]  # sorted file-name order
    qtbot.waitUntil(lambda: window.maps.thumbnails.has_images, timeout=5000)
    search = window.panels["semantic_search"]
    assert search.parent().isVisible()  # the dock came up for images with a text tower
    search.search("a red dog")
    qtbot.waitUntil(lambda: search.result is not None and window.is_idle(), timeout=30000)
    model = CLIPModel.from_pretrained(clip).eval()
    pixels = CLIPImageProcessor.from_pretrained(clip)(
        images=[Image.open(p).convert("RGB") for p in paths], return_tensors="pt"
    )["pixel_values"]
    tokens = AutoTokenizer.from_pretrained(clip)(["a red dog"], return_tensors="pt")
    with torch.no_grad():
        logits = model(pixel_values=pixels, **tokens).logits_per_text.numpy()[0]
    shown = [search.results.item(i, 1).text() for i in range(search.results.rowCount())]
    assert sorted(shown) == sorted(p.name for p in paths)
    # CLIP's order: logits never rise down the list. Two images can tie (here two of the six got
    # the same logit to 7 digits from the tiny random model), and float rounding then orders the
    # pair either way, so equal logits (within float32 rounding) may come in any order.
    by_name = {p.name: logit for p, logit in zip(paths, logits, strict=True)}
    ranked = np.array([by_name[name] for name in shown])
    assert np.all(np.diff(ranked) <= 1e-5 * np.abs(ranked[:-1]).max()), (shown, ranked)
    assert shown[0] == paths[int(np.argmax(logits))].name
