"""Images and texts to vectors with a vision or CLIP model (see :mod:`.loading`).

An image's vector is what the model's ``get_image_features`` gives (the projected image
features), L2-normalised; a text's vector is ``get_text_features`` (CLIP's text tower),
L2-normalised, so a text and an image compare by cosine in one space (text-to-image search). A
plain vision encoder gives its pooled output instead (no text tower, no text search).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet, Source
from embviz.core.errors import EmbvizError
from embviz.core.tasks import Progress, Task
from embviz.io.images import ImageSource, PathImages
from embviz.models.images.loading import ImageModel, load_image_model


def _features(output: object) -> object:
    """The projected features from what ``get_*_features`` returned: a tensor (transformers
    4.x) or an output whose pooler_output holds them (5.x)."""
    pooled = getattr(output, "pooler_output", None)
    return output if pooled is None else pooled


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = (vectors / norms).astype(np.float32)
    return unit


def image_vectors(model: ImageModel, images: Sequence[object]) -> np.ndarray:
    """Unit vectors of PIL images (RGB), one row each."""
    import torch

    inputs = model.processor(images=list(images), return_tensors="pt")
    with torch.inference_mode():
        if model.projected:
            out = _features(model.model.get_image_features(pixel_values=inputs["pixel_values"]))
        else:
            out = model.model(pixel_values=inputs["pixel_values"]).pooler_output
    return _unit(np.asarray(out.float().numpy(), dtype=np.float64))  # type: ignore[attr-defined]


def text_vectors(model: ImageModel, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of texts by the model's text tower (CLIP): the image vectors' space."""
    import torch

    if not model.has_text:
        raise EmbvizError(
            f"{model.title} has no text tower (or no tokenizer in its folder), so it cannot "
            "search images in words. Use a CLIP model folder with its tokenizer files."
        )
    inputs = model.tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
    with torch.inference_mode():
        out = _features(
            model.model.get_text_features(
                input_ids=inputs["input_ids"], attention_mask=inputs.get("attention_mask")
            )
        )
    return _unit(np.asarray(out.float().numpy(), dtype=np.float64))  # type: ignore[attr-defined]


def embed_images(source: ImageSource, model: ImageModel, batch_size: int = 16) -> Task[np.ndarray]:
    """One unit vector per image of ``source``, in row order (a task: progress, Cancel)."""
    from PIL import Image

    n = len(source)
    if n == 0:
        raise EmbvizError("There are no images to embed.")
    out: np.ndarray | None = None
    for start in range(0, n, batch_size):
        rows = range(start, min(n, start + batch_size))
        yield Progress(start / n, f"Embedding images {start + 1:,}–{rows[-1] + 1:,} of {n:,}")
        batch = [Image.fromarray(source.rgba(row), "RGBA").convert("RGB") for row in rows]
        vectors = image_vectors(model, batch)
        if out is None:
            out = np.empty((n, vectors.shape[1]), dtype=np.float32)
        out[start : start + len(batch)] = vectors
    assert out is not None
    return out


class ImageTextQueries:
    """Plain-word queries for a set of image vectors (core.corpus.QueryEmbedder): the model's
    text tower, so `Search documents` finds images by what they show."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    @property
    def description(self) -> str:
        return f"{Path(self.spec).name or self.spec} (CLIP text tower)"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return text_vectors(load_image_model(self.spec), texts)


def embed_image_set(
    source: ImageSource, spec: str, labels: Sequence[str], batch_size: int = 16, name: str = ""
) -> Task[EmbeddingSet]:
    """A set of one image vector per row of ``source``, labelled by ``labels``, with its images
    and (for CLIP models) a query embedder for text-to-image search."""
    yield Progress(None, f"Loading {Path(spec).name or spec}")
    model = load_image_model(spec)
    vectors = yield from embed_images(source, model, batch_size)
    metadata: dict[str, np.ndarray] = {}
    if isinstance(source, PathImages):
        metadata["image"] = np.array([str(p) for p in source.paths], dtype=object)
    eset = EmbeddingSet(
        list(labels),
        vectors,
        metadata,
        source=Source(None, "images", "float32", []),
        name=name or f"{model.title}: {len(source):,} images",
        model=ImageTextQueries(spec) if model.has_text else None,
    )
    eset.images = source
    return eset
