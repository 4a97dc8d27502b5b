"""Image sets on the map as a person sees them: each thumbnail centred on its point's pixel (the
axes' mapping), showing that row's real image (scikit-learn digits from a projector sprite
sheet); thumbnails by level of detail (none zoomed out, never overlapping zoomed in); the hovered
row's image larger on the map and in full in the Image dock."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint

from embviz.gui.views.thumbnail_layer import HOVER_PX
from tests.gui.pixel_probe import hover, image_array, viewport_pos, window_pos
from tests.image_fixtures import digit_images

SIDE = 5  # a 5 x 5 grid of points, far enough apart for whole thumbnails


def write_sprite_set(folder, coords, images):
    """A projector set whose vectors ARE the 2-D layout (so the map is the data) and whose
    sprite holds ``images``, as TensorBoard lays sprites out."""
    from embviz.io.images_sprite import write_sprite

    folder.mkdir(parents=True, exist_ok=True)
    np.asarray(coords, dtype="<f4").tofile(folder / "xy.bytes")
    w, h = write_sprite(images, folder / "sprite.png")
    entry = {
        "tensorName": "digits",
        "tensorShape": [len(coords), 2],
        "tensorPath": "xy.bytes",
        "sprite": {"imagePath": "sprite.png", "singleImageDim": [w, h]},
    }
    (folder / "config.json").write_text(json.dumps({"embeddings": [entry]}))
    return folder / "config.json"


def open_set(window, qtbot, path):
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=15000)
    qtbot.wait(100)


def grab(window, qtbot) -> np.ndarray:
    """The window as drawn once every thumbnail in view is made (a frame makes them for a few
    milliseconds at most, then asks for the next)."""
    item = window.maps.thumbnails.item
    shot = window.grab()
    for _ in range(100):
        if not item.pending:
            break
        qtbot.wait(10)
        shot = window.grab()
    assert not item.pending
    return image_array(shot)


def grid_set(tmp_path):
    coords = np.array([[x, y] for y in range(SIDE) for x in range(SIDE)], dtype=np.float32)
    digits, _ = digit_images(len(coords))
    return write_sprite_set(tmp_path / "grid", coords, digits), coords, digits


def block_centres(image: np.ndarray, centre, side: int, tile: int = 8) -> np.ndarray:
    """The grey value at the middle of each of the tile x tile blocks of a ``side``-pixel
    thumbnail centred at ``centre`` (window pixels) in a grabbed RGB image."""
    step = side / tile
    left, top = centre[0] - side / 2, centre[1] - side / 2
    out = np.empty((tile, tile))
    for i in range(tile):
        for j in range(tile):
            x, y = int(left + (j + 0.5) * step), int(top + (i + 0.5) * step)
            out[i, j] = image[y, x].mean()
    return out


def test_thumbnails_sit_on_their_points_and_show_their_images(window, qtbot, tmp_path):
    config, coords, digits = grid_set(tmp_path)
    open_set(window, qtbot, config)
    view = window.view
    assert np.allclose(view.coords, coords)  # 2-D data: the map is the data itself
    item = window.maps.thumbnails.item
    shot = grab(window, qtbot)
    assert sorted(item.drawn_rows.tolist()) == list(range(len(coords)))
    side = item.size_px
    for row, (x, y) in enumerate(coords):
        centre = window_pos(window, view, x, y)
        seen = block_centres(shot, (centre.x(), centre.y()), side)
        # the digit's own pixels, enlarged by whole pixels, where the axes put the point
        np.testing.assert_allclose(seen, digits[row], atol=3, err_msg=f"row {row}")
        # and the box drawn (in the grabbed window's pixels) is centred on the point
        box = item.drawn_boxes[row]
        assert abs(box.center().x() - centre.x()) <= 1 and abs(box.center().y() - centre.y()) <= 1


def test_a_selected_thumbnail_is_framed_in_the_selection_colour(window, qtbot, tmp_path):
    from embviz.gui.views.themes import THEMES

    config, coords, _digits = grid_set(tmp_path)
    open_set(window, qtbot, config)
    item = window.maps.thumbnails.item
    grab(window, qtbot)
    window.maps.state.select([7])
    qtbot.wait(20)
    shot = grab(window, qtbot)
    view = window.view
    for row, expected in ((7, THEMES["light"].selected), (8, None)):
        centre = window_pos(window, view, *coords[row])
        x = int(centre.x() - item.size_px / 2 - 1.5)  # the middle of the 3 px frame's line
        colour = shot[int(centre.y()), x].astype(int)
        if expected is None:  # not selected: no selection frame
            assert np.abs(colour - np.array(THEMES["light"].selected)).max() > 60
        else:
            np.testing.assert_allclose(colour, expected, atol=30)


def test_hover_shows_the_image_large_and_in_the_dock(window, qtbot, tmp_path):
    config, coords, digits = grid_set(tmp_path)
    open_set(window, qtbot, config)
    view, panel = window.view, window.panels["image"]
    assert window.findChild(type(panel)).isVisible()  # the dock came up for a set with images
    row = 12
    pos = viewport_pos(view, *coords[row])
    hover(qtbot, view.viewport(), QPoint(round(pos.x()), round(pos.y())))
    qtbot.waitUntil(lambda: panel.row == row, timeout=3000)
    # the dock: the whole image, enlarged by whole pixels
    shown = image_array(panel.image.pixmap())
    k = shown.shape[0] // 8
    assert k >= 1 and shown.shape[:2] == (8 * k, 8 * k)
    np.testing.assert_array_equal(shown[k // 2 :: k, k // 2 :: k].mean(axis=2), digits[row])
    # the map: the hovered image larger, on top, centred on the point
    shot = grab(window, qtbot)
    centre = window_pos(window, view, *coords[row])
    seen = block_centres(shot, (centre.x(), centre.y()), HOVER_PX)
    np.testing.assert_allclose(seen, digits[row], atol=3)
    assert window.maps.thumbnails.item.hover_row == row


def test_level_of_detail_at_ten_thousand_images(window, qtbot, tmp_path):
    rng = np.random.default_rng(3)
    coords = rng.normal(size=(10_000, 2)).astype(np.float32)
    digits, _ = digit_images()
    images = digits[np.arange(10_000) % len(digits)]
    open_set(window, qtbot, write_sprite_set(tmp_path / "big", coords, images))
    item = window.maps.thumbnails.item
    grab(window, qtbot)
    assert len(item.drawn_rows) == 0  # all 10,000 in view: dots, not a carpet of thumbnails
    view = window.view
    view.plotItem.vb.setRange(xRange=(-0.4, 0.4), yRange=(-0.4, 0.4), padding=0)
    qtbot.wait(50)
    shot = grab(window, qtbot)
    drawn = item.drawn_rows
    inside = np.abs(coords).max(axis=1) < 0.4
    assert 20 <= len(drawn) < inside.sum()  # some, one per place
    boxes = [item.drawn_boxes[r] for r in drawn]
    for i, a in enumerate(boxes):  # never two over each other
        assert not any(
            a.intersected(b).width() * a.intersected(b).height() > 0 for b in boxes[i + 1 :]
        )
    row = int(drawn[0])
    centre = window_pos(window, view, *coords[row])
    seen = block_centres(shot, (centre.x(), centre.y()), item.size_px)
    np.testing.assert_allclose(seen, images[row], atol=3)


def test_a_damaged_image_is_named_in_the_dock_and_the_map_goes_on(window, qtbot, tmp_path):
    from tests.image_fixtures import write_image_folder

    paths = write_image_folder(tmp_path / "imgs", 4)
    paths[2].write_bytes(b"\x89PNG\r\n\x1a\n damaged")
    rows = ["name,image,x,y"] + [f"p{i},imgs/{p.name},{i},{i % 2}" for i, p in enumerate(paths)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    open_set(window, qtbot, tmp_path / "t.csv")
    panel, item = window.panels["image"], window.maps.thumbnails.item
    grab(window, qtbot)
    assert sorted(item.drawn_rows.tolist()) == [0, 1, 3]  # the damaged one keeps its dot
    window.maps.state.select([2])
    qtbot.waitUntil(lambda: panel.row == 2, timeout=3000)
    text = panel.details.text()
    assert str(paths[2]) in text and "cannot be read as an image" in text
    assert panel.image.pixmap() is None or panel.image.pixmap().isNull()
    window.maps.state.select([1])
    qtbot.waitUntil(lambda: panel.row == 1, timeout=3000)
    assert "cannot be read" not in panel.details.text()
    assert not panel.image.pixmap().isNull()
