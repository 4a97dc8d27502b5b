"""Real image test data: scikit-learn's digits (1,797 real 8x8 scans with labels) as a TensorBoard
projector set with a sprite sheet, folders of real images, and a tiny randomly initialised CLIP
model folder that transformers loads like a real one (no CLIP model ships offline)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

DIGIT_NAMES = "zero one two three four five six seven eight nine".split()


def digit_images(n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(N x 8 x 8 uint8 grey images, N digit labels) from scikit-learn's real digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.round(digits.images[:n] * (255 / 16)).astype(np.uint8)  # 0..16 -> 0..255
    return images, digits.target[:n]


def write_digits_projector(folder: Path, n: int | None = None, pbtxt: bool = False) -> Path:
    """The digits as an Embedding Projector set: float32 .bytes tensors (the 64 pixels), a
    metadata TSV (label, digit), the sprite sheet (as TensorBoard's docs make it: a square grid
    of ceil(sqrt(N)) tiles, row-major) and the config naming it. Returns the config."""
    from embviz.io.images_sprite import write_sprite

    folder.mkdir(parents=True, exist_ok=True)
    images, target = digit_images(n)
    vectors = images.reshape(len(images), -1).astype(np.float32) / 255
    vectors.astype("<f4").tofile(folder / "digits.bytes")
    rows = ["label\tdigit"] + [f"d{i}\t{DIGIT_NAMES[t]}" for i, t in enumerate(target)]
    (folder / "digits_metadata.tsv").write_text("\n".join(rows) + "\n")
    w, h = write_sprite(images, folder / "sprite.png")
    if pbtxt:
        config = folder / "projector_config.pbtxt"
        config.write_text(
            "embeddings {\n"
            '  tensor_name: "digits"\n'
            f"  tensor_shape: {len(images)}\n  tensor_shape: 64\n"
            '  tensor_path: "digits.bytes"\n'
            "  sprite {\n"
            '    image_path: "sprite.png"\n'
            f"    single_image_dim: {w}\n    single_image_dim: {h}\n"
            "  }\n"
            '  metadata_path: "digits_metadata.tsv"\n'
            "}\n"
        )
        return config
    config = folder / "projector_config.json"
    entry = {
        "tensorName": "digits",
        "tensorShape": [len(images), 64],
        "tensorPath": "digits.bytes",
        "metadataPath": "digits_metadata.tsv",
        "sprite": {"imagePath": "sprite.png", "singleImageDim": [w, h]},
    }
    config.write_text(json.dumps({"embeddings": [entry]}))
    return config


def write_image_folder(folder: Path, n: int = 6) -> list[Path]:
    """``n`` real images as files of several formats: digits (PNG, grey), crops of
    scikit-learn's two sample photos (JPEG, RGB) and one with transparency (RGBA PNG); written in
    an order that is not their sorted order."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    folder.mkdir(parents=True, exist_ok=True)
    photos = load_sample_images().images  # china.jpg, flower.jpg: 427 x 640 x 3
    digits, _ = digit_images(n)
    paths = []
    for i in reversed(range(n)):
        if i % 3 == 0:
            path = folder / f"img_{i:02d}.png"
            Image.fromarray(np.kron(digits[i], np.ones((4, 4), np.uint8))).save(path)
        elif i % 3 == 1:
            path = folder / f"img_{i:02d}.jpg"
            top = 30 * i
            Image.fromarray(photos[i % 2][top : top + 96, top : top + 128]).save(path, quality=95)
        else:
            path = folder / f"img_{i:02d}.png"
            rgba = np.dstack([photos[1][:40, :50], np.full((40, 50), 200, np.uint8)])
            Image.fromarray(rgba, "RGBA").save(path)
        paths.append(path)
    return sorted(paths, key=lambda p: p.name)


def make_tiny_clip(folder: Path) -> Path:
    """A tiny CLIP model folder: random weights (fixed seed) from a small CLIPConfig, a CLIP
    image processor and a byte-level BPE tokenizer (vocab.json + merges.txt) CLIPTokenizer
    loads. transformers loads it with from_pretrained as it would a real CLIP folder."""
    import torch
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPTokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    folder.mkdir(parents=True, exist_ok=True)
    chars = list(bytes_to_unicode().values())
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": len(chars) + i for i, c in enumerate(chars)})
    merges = ["t h", "th e</w>", "c a", "ca t</w>", "d o", "do g</w>", "r e", "re d</w>"]
    for merge in merges:
        vocab["".join(merge.split())] = len(vocab)
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    end, start = vocab["<|endoftext|>"], vocab["<|startoftext|>"]
    small = dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4)
    config = CLIPConfig(
        text_config=dict(
            vocab_size=len(vocab),
            max_position_embeddings=77,
            eos_token_id=end,
            bos_token_id=start,
            pad_token_id=end,
            **small,
        ),
        vision_config=dict(image_size=30, patch_size=6, **small),
        projection_dim=24,
    )
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    CLIPImageProcessor(
        size={"shortest_edge": 30}, crop_size={"height": 30, "width": 30}
    ).save_pretrained(folder)
    return folder
