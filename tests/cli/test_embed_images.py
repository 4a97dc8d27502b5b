"""`embviz embed --images FOLDER|TABLE --model DIR -o OUT` as a person runs it."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from PIL import Image  # noqa: E402

from embviz.cli import main  # noqa: E402
from tests.image_fixtures import make_tiny_clip, write_image_folder  # noqa: E402


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory):
    return make_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))


def _transformers_vectors(clip_dir, paths):
    import torch
    from transformers import CLIPImageProcessor, CLIPModel

    model = CLIPModel.from_pretrained(clip_dir).eval()
    processor = CLIPImageProcessor.from_pretrained(clip_dir)
    images = [Image.open(p).convert("RGB") for p in paths]
    with torch.no_grad():
        out = model.get_image_features(**processor(images=images, return_tensors="pt"))
    features = (out if not hasattr(out, "pooler_output") else out.pooler_output).numpy()
    return features / np.linalg.norm(features, axis=1, keepdims=True)


def test_folder_rows_in_sorted_order_labelled_by_file_name(clip_dir, tmp_path, capsys):
    paths = write_image_folder(tmp_path / "imgs", 5)
    out = tmp_path / "out.tsv"
    code = main(
        ["embed", "--images", str(tmp_path / "imgs"), "--model", str(clip_dir), "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    vectors = np.loadtxt(out, delimiter="\t")
    np.testing.assert_allclose(vectors, _transformers_vectors(clip_dir, paths), atol=1e-5)
    meta = (tmp_path / "out_metadata.tsv").read_text().splitlines()
    assert meta[0].split("\t") == ["label", "image"]
    assert [line.split("\t")[0] for line in meta[1:]] == sorted(p.name for p in paths)
    # written as .npz and reopened, the set finds its images again through the image column
    import embviz
    from embviz.io.images import image_source

    npz = tmp_path / "out.npz"
    assert (
        main(
            ["embed", "--images", str(tmp_path / "imgs"), "--model", str(clip_dir), "-o", str(npz)]
        )
        == 0
    )
    source = image_source(embviz.load(npz))
    assert source is not None and source.describe(0) == str(paths[0])


def test_table_of_images(clip_dir, tmp_path, capsys):
    paths = write_image_folder(tmp_path / "imgs", 3)
    order = [paths[2], paths[0], paths[1]]
    rows = ["image,kind"] + [f"imgs/{p.name},k{i}" for i, p in enumerate(order)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "v.npy"
    code = main(
        ["embed", "--images", str(tmp_path / "t.csv"), "--model", str(clip_dir), "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    np.testing.assert_allclose(np.load(out), _transformers_vectors(clip_dir, order), atol=1e-5)
    assert (tmp_path / "labels.tsv").read_text().split() == [p.name for p in order]


def test_errors_are_plain_and_exit_2(clip_dir, tmp_path, capsys):
    write_image_folder(tmp_path / "imgs", 3)
    (tmp_path / "imgs" / "img_01.jpg").write_bytes(b"\xff\xd8\xff\xe0 damaged")
    out = str(tmp_path / "o.npy")
    assert (
        main(["embed", "--images", str(tmp_path / "imgs"), "--model", str(clip_dir), "-o", out])
        == 2
    )
    err = capsys.readouterr().err
    assert "img_01.jpg" in err and "image" in err and "Traceback" not in err
    (tmp_path / "none").mkdir()
    assert (
        main(["embed", "--images", str(tmp_path / "none"), "--model", str(clip_dir), "-o", out])
        == 2
    )
    assert "holds no images" in capsys.readouterr().err
    assert (
        main(["embed", "--images", str(tmp_path / "imgs"), "--model", str(tmp_path), "-o", out])
        == 2
    )
    assert "not a model folder" in capsys.readouterr().err
    assert main(["embed", "--images", str(tmp_path / "imgs"), "-o", out]) == 2
    assert "--images needs --model DIR" in capsys.readouterr().err
