"""Image sets: projector sprite sheets (as TensorBoard's projector lays them out), folders of
images and tables with an image-path column, on real images (scikit-learn's digits and photos)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PIL import Image

import embviz
from embviz.core.errors import LoadError
from embviz.io.images import image_source, open_rgba
from embviz.io.images_input import read_image_input
from tests.image_fixtures import (
    DIGIT_NAMES,
    digit_images,
    write_digits_projector,
    write_image_folder,
)


@pytest.mark.parametrize("pbtxt", [False, True])
def test_sprite_tiles_are_the_digits_in_row_major_order(tmp_path, pbtxt):
    config = write_digits_projector(tmp_path, 100, pbtxt=pbtxt)
    eset = embviz.load(config)
    digits, target = digit_images(100)
    assert len(eset) == 100
    # the metadata after the nested sprite block is still read (pbtxt)
    assert eset.labels[:3] == ["d0", "d1", "d2"]
    assert list(eset.metadata["digit"][:5]) == [DIGIT_NAMES[t] for t in target[:5]]
    source = image_source(eset)
    assert source is not None and len(source) == 100
    for row in (0, 1, 9, 10, 37, 99):
        tile = source.rgba(row)
        assert tile.shape == (8, 8, 4)
        np.testing.assert_array_equal(tile[..., 0], digits[row])  # grey: R = G = B = pixel
        assert (tile[..., 3] == 255).all()
    # TensorBoard's layout by hand: ceil(sqrt(100)) = 10 tiles a side, tile i at column i % 10
    # and row i // 10 (the projector's shader: xyIndex = (i mod perRow, floor(i / perRow)))
    sheet = np.asarray(Image.open(tmp_path / "sprite.png"))
    side = math.ceil(math.sqrt(100))
    assert sheet.shape[:2] == (8 * side, 8 * side)
    np.testing.assert_array_equal(sheet[3 * 8 : 4 * 8, 7 * 8 : 8 * 8], digits[37])


def test_sprite_with_a_row_limit_and_a_non_square_count(tmp_path):
    config = write_digits_projector(tmp_path, 30)  # 6 x 6 grid, last row partly empty
    eset = embviz.load(config, limit=12)
    source = image_source(eset)
    assert len(eset) == 12 and source is not None and len(source) == 12
    np.testing.assert_array_equal(source.rgba(11)[..., 0], digit_images(12)[0][11])


def test_a_sprite_that_cannot_be_used_is_named_and_the_vectors_still_open(tmp_path):
    config = write_digits_projector(tmp_path, 30)
    text = config.read_text().replace('"singleImageDim": [8, 8]', '"singleImageDim": [16, 16]')
    cases = [
        (text, r"holds 9 tiles of 16x16, but the set has 30 rows"),
        (text.replace("[16, 16]", '"big"'), "singleImageDim is 'big'"),
        (text.replace("sprite.png", "gone.png"), "sprite image gone.png is missing"),
    ]
    for written, message in cases:
        config.write_text(written)
        eset = embviz.load(config)
        assert len(eset) == 30 and image_source(eset) is None
        assert any(re.search(message, w) and "no thumbnails" in w for w in eset.warnings), (
            eset.warnings
        )


def test_folder_of_images_in_sorted_file_name_order(tmp_path):
    paths = write_image_folder(tmp_path / "imgs", 6)
    (tmp_path / "imgs" / "notes.txt").write_text("not an image")
    given = read_image_input(tmp_path / "imgs")
    assert given.labels == sorted(p.name for p in paths)
    for row, path in enumerate(paths):
        expected = np.asarray(Image.open(path).convert("RGBA"))
        np.testing.assert_array_equal(given.images.rgba(row), expected)


def test_table_with_relative_image_paths(tmp_path):
    paths = write_image_folder(tmp_path / "imgs", 4)
    rows = ["file,kind"] + [f"imgs/{p.name},k{i}" for i, p in enumerate(reversed(paths))]
    (tmp_path / "images.csv").write_text("\n".join(rows) + "\n")
    given = read_image_input(tmp_path / "images.csv")
    assert given.labels == [p.name for p in reversed(paths)]  # the table's order
    assert list(given.metadata["kind"]) == ["k0", "k1", "k2", "k3"]
    np.testing.assert_array_equal(
        given.images.rgba(0), np.asarray(Image.open(paths[-1]).convert("RGBA"))
    )
    rows[3] = "imgs/absent.png,k2"
    (tmp_path / "images.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(LoadError, match=r"row 3: the image 'imgs/absent.png'.*does not exist"):
        read_image_input(tmp_path / "images.csv")


def test_no_images_and_unreadable_images_are_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match="holds no images"):
        read_image_input(tmp_path / "empty")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(LoadError, match="broken.png: is not an image Pillow can read"):
        open_rgba(bad)
    (tmp_path / "t.csv").write_text("name,n\na,1\n")
    with pytest.raises(LoadError, match="no column holds image file names"):
        read_image_input(tmp_path / "t.csv")


def test_a_metadata_column_of_image_names_gives_the_images(tmp_path):
    paths = write_image_folder(tmp_path, 3)
    vectors = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    np.savetxt(tmp_path / "v_tensors.tsv", vectors, delimiter="\t")
    rows = ["label\timage"] + [f"p{i}\t{p.name}" for i, p in enumerate(paths)]
    (tmp_path / "v_metadata.tsv").write_text("\n".join(rows) + "\n")
    eset = embviz.load(tmp_path / "v_tensors.tsv")
    source = image_source(eset)
    assert source is not None
    np.testing.assert_array_equal(source.rgba(2), np.asarray(Image.open(paths[2]).convert("RGBA")))


def test_a_photo_thumbnail_is_decoded_at_a_reduced_size(tmp_path):
    from embviz.io.images import PathImages, thumbnail

    photo = load_photo(tmp_path)
    source = PathImages([photo])
    fast = source.thumbnail(0, 40)
    full = thumbnail(open_rgba(photo), 40)
    assert fast.shape == full.shape == (27, 40, 4)  # 427 x 640 fitted to 40 px, aspect kept
    assert np.abs(fast.astype(int) - full.astype(int)).mean() < 8


def load_photo(folder):
    from sklearn.datasets import load_sample_images

    path = folder / "china.jpg"
    Image.fromarray(load_sample_images().images[0]).save(path, quality=92)
    return path


def test_a_vector_table_with_an_image_column_opens_with_its_images(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = write_image_folder(tmp_path / "imgs", 4)
    names = [f"imgs/{p.name}" for p in reversed(paths)]
    rows = ["name,image,x,y"] + [f"p{i},{n},{i},{i * i}" for i, n in enumerate(names)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    vectors = [[float(i), float(i * i)] for i in range(4)]
    pq.write_table(
        pa.table({"label": [f"p{i}" for i in range(4)], "image": names, "vector": vectors}),
        tmp_path / "t.parquet",
    )
    for name in ("t.csv", "t.parquet"):
        eset = embviz.load(tmp_path / name)
        source = image_source(eset)
        assert source is not None, name
        expected = np.asarray(Image.open(paths[-2]).convert("RGBA"))  # row 1, the table's order
        np.testing.assert_array_equal(source.rgba(1), expected)
