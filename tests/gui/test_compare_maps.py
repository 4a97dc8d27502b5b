"""The Compare panel: A on the left map, B on the right, linked, what moved, arrows A -> B.

Spaces: 200 words of the demo set and a rotated copy in which 8 words took other words' vectors.
Everything is checked as a person sees it: the lists' words, the highlighted dots and the arrows
at the pixels the axes give (tests/gui/pixel_probe.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from embviz.gui.views.arrow_layer import HEAD_PX
from embviz.gui.views.themes import THEMES
from tests.gui.compare_fixtures import pixel_of, rotation, spaces
from tests.gui.pixel_probe import coverage, data_area, find_dots, hover, image_array, match

LIGHT = THEMES["light"]


def run_compare(window, qtbot, a, b, **options):
    window.session.add_set(a)
    window.session.add_set(b)
    qtbot.waitUntil(window.is_idle, timeout=15000)
    panel = window.panels["compare"]
    window.docks["compare"].raise_()
    panel.choose(a, b)
    if "pairs" in options:
        panel.pairs_path.setText(str(options["pairs"]))
    panel.align_box.setCurrentText(options.get("align", "procrustes"))
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.comparison is not None and window.is_idle(), timeout=20000)
    qtbot.wait(100)
    return panel


def table_words(widget) -> list[str]:
    return [widget.item(i, 0).text() for i in range(widget.rowCount())]


@pytest.fixture
def compared(window, qtbot):
    a, b, moved = spaces()
    panel = run_compare(window, qtbot, a, b)
    return window, panel, a, b, moved


def test_two_maps_show_a_and_b_and_the_lists_name_what_moved(compared, qtbot):
    window, panel, a, b, moved = compared
    beside = window.map_area.beside[0]
    assert window.session.views[0].eset is a and beside.state.eset is b
    assert beside.x() >= window.maps.stack.x() + window.maps.stack.width()  # B on the right
    # the words given other words' vectors head "moved most"; the stable ones did not move
    assert set(table_words(panel.moved)[: len(moved)]) == set(moved)
    assert not set(table_words(panel.stable)) & set(moved)
    # the displacement shown: 1 - cos between A's vector carried by the fitted rotation and B's
    # (the rotation from scipy, fitted here on all the words' unit rows)
    from scipy.linalg import orthogonal_procrustes

    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    r, _ = orthogonal_procrustes(unit(a.vectors), unit(b.vectors))
    for widget in (panel.stable, panel.moved):
        word = widget.item(0, 0).text()
        row = a.index_of(word)
        expected = 1 - float(unit(unit(a.vectors[row]) @ r) @ unit(b.vectors[row]))
        assert float(widget.item(0, 2).text()) == pytest.approx(expected, abs=1e-4)
    # per-word columns on A (and B) that the map can be coloured by
    column = "displacement vs B"
    assert column in a.metadata and "displacement vs A" in b.metadata
    assert np.nanargmax(a.metadata[column]) in [a.index_of(w) for w in moved]
    window.session.views[0].set_colour_column(column)
    assert window.view.legend.isVisible()
    assert "200" in panel.overall.text() and "procrustes" in panel.overall.text()
    # a space of other dimensions (A projected to 50 dims): the panel says what was done
    from embviz.core.dataset import EmbeddingSet

    c = EmbeddingSet(list(a.labels), a.vectors @ rotation(a.dims, 3)[:, :50], name="C")
    window.session.add_set(c)
    panel.choose(a, c)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.comparison.pairing.b is c and window.is_idle(), timeout=20000)
    said = panel.overall.text()
    assert "384" in said and "50" in said and "PCA" in said
    assert window.map_area.beside[0].state.eset is c and "displacement vs C" in a.metadata
    # Cancel: nothing of the cancelled run arrives, the comparison shown stays
    shown = panel.comparison
    panel.choose(a, b)
    panel.run_button.click()
    assert panel.cancel_button.isEnabled() and panel.bar.isVisible()
    panel.cancel_button.click()
    qtbot.waitUntil(window.is_idle, timeout=10000)
    qtbot.wait(200)
    assert panel.comparison is shown and "Cancelled" in panel.message.text()
    assert panel.run_button.isEnabled() and not panel.bar.isVisible()


def test_selection_and_hover_are_linked_and_a_list_click_centres_the_word(compared, qtbot):
    window, panel, a, b, moved = compared
    view_a = window.view
    view_b = window.map_area.beside[0].controller.view
    word = moved[0]
    window.session.views[0].select([a.index_of(word)])
    qtbot.wait(100)
    row_b = b.index_of(word)
    assert view_b.selected_rows.tolist() == [row_b]
    found = find_dots(window.grab(), LIGHT.selected, LIGHT.background, data_area(window, view_b))
    expected = pixel_of(window, view_b, view_b.coords[row_b])
    _, distance = match(found, expected)
    assert distance[0] <= 1.5, f"B's highlighted dot is {distance[0]:.1f} px off"
    # hover on A: B rings and names the same word
    at = pixel_of(window, view_a, view_a.coords[a.index_of(moved[1])])
    local = view_a.viewport().mapFrom(window, QPoint(round(at[0] - 0.5), round(at[1] - 0.5)))
    hover(qtbot, view_a.viewport(), local)
    qtbot.waitUntil(lambda: view_b.hover_text.isVisible(), timeout=3000)
    assert view_b.hover_text.toPlainText() == moved[1]
    ring = view_b.hover_marker.getData()
    ring_px = pixel_of(window, view_b, (ring[0][0], ring[1][0]))
    dots = find_dots(window.grab(), LIGHT.point, LIGHT.background, data_area(window, view_b))
    _, off = match(dots, pixel_of(window, view_b, view_b.coords[b.index_of(moved[1])]))
    assert (
        off[0] <= 1.5
        and np.linalg.norm(ring_px - pixel_of(window, view_b, view_b.coords[b.index_of(moved[1])]))
        <= 1.0
    )
    # the pointer leaves A: the linked hover on B goes too
    hover(qtbot, view_a.viewport(), QPoint(2, 2))
    qtbot.waitUntil(lambda: not view_b.hover_text.isVisible(), timeout=3000)
    # a click on a "moved most" entry selects that word and centres the map on it
    view = view_a
    entry = 2
    word = panel.moved.item(entry, 0).text()
    rect = panel.moved.visualItemRect(panel.moved.item(entry, 0))
    qtbot.mouseClick(panel.moved.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(150)
    assert window.session.views[0].selection.tolist() == [a.index_of(word)]
    centre = data_area(window, view).center()
    found = find_dots(window.grab(), LIGHT.selected, LIGHT.background, data_area(window, view))
    _, distance = match(found, np.array([centre.x(), centre.y()]))
    assert distance[0] <= 2.0, f"{word}'s dot is {distance[0]:.1f} px from the map's centre"
    # B is centred on the counterpart as well
    centre = data_area(window, view_b).center()
    found = find_dots(window.grab(), LIGHT.selected, LIGHT.background, data_area(window, view_b))
    _, distance = match(found, np.array([centre.x(), centre.y()]))
    assert distance[0] <= 2.0, f"B: {word}'s dot is {distance[0]:.1f} px from the map's centre"
    # the map beside closed: a click on a word brings B back beside A
    window.map_area.beside[0].close_button.click()
    qtbot.mouseClick(panel.moved.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(window.is_idle, timeout=10000)
    assert window.map_area.beside[0].state.eset is b
    assert window.map_area.beside[0].controller.view.selected_rows.tolist() == [b.index_of(word)]


def arrow_pixels(image, region):
    """Centres of the pixels an arrow covers (at least a fifth) in ``region``; the sharp tip of
    an antialiased head covers its last pixel only partly."""
    from embviz.gui.panels.compare_maps import ARROW_COLOUR

    rgb = image_array(image)
    weight = coverage(rgb, ARROW_COLOUR, LIGHT.background)
    mask = np.zeros_like(weight, dtype=bool)
    mask[int(region.top()) : int(region.bottom()), int(region.left()) : int(region.right())] = True
    ys, xs = np.nonzero((weight > 0.2) & mask)
    return np.column_stack([xs + 0.5, ys + 0.5])


def test_arrows_join_a_word_in_a_to_its_counterpart_in_b(compared, qtbot):
    window, panel, a, b, moved = compared
    tools = panel.layout_tools
    tools.method.setCurrentIndex(tools.method.findData("joint-pca"))
    tools.button.click()
    qtbot.waitUntil(lambda: panel.maps.aligned_shown() and window.is_idle(), timeout=20000)
    view_a = window.view
    view_b = window.map_area.beside[0].controller.view
    coords_a, coords_b = panel.maps.aligned[0].coords, panel.maps.aligned[1].coords
    assert np.allclose(view_a.coords, coords_a) and np.allclose(view_b.coords, coords_b)
    # a word that did not move sits at about the same place in both maps
    still = [w for w in a.labels if w not in moved][:50]
    rows = [a.index_of(w) for w in still]
    spread = np.ptp(coords_a, axis=0).max()
    assert np.abs(coords_a[rows] - coords_b[rows]).max() < 0.05 * spread
    # the two words that moved farthest on the joint map get an arrow each
    shift = [np.linalg.norm(coords_a[a.index_of(w)] - coords_b[b.index_of(w)]) for w in moved]
    words = [moved[i] for i in np.argsort(shift)[-2:]]
    window.session.views[0].select([a.index_of(w) for w in words])
    qtbot.wait(150)
    image = window.grab()
    for view in (view_a, view_b):
        pixels = arrow_pixels(image, data_area(window, view))
        assert len(pixels), "no arrow drawn"
        for word in words:
            start = pixel_of(window, view, coords_a[a.index_of(word)])
            end = pixel_of(window, view, coords_b[b.index_of(word)])
            length = np.linalg.norm(end - start)
            along = (end - start) / length
            rel = pixels - start
            t = rel @ along
            off = np.abs(rel @ np.array([-along[1], along[0]]))
            on = pixels[(off <= 5) & (t > -6) & (t < length + 6)]
            t_on = (on - start) @ along
            off_on = np.abs((on - start) @ np.array([-along[1], along[0]]))
            assert t_on.min() <= 2.0, f"{word}: the arrow starts {t_on.min():.1f} px late"
            # the head: wider than the shaft from its base, HEAD_PX before the tip, on; the
            # tip's own last pixel is antialiased into the dot under it, so the base is measured
            base = t_on[off_on > 2.5].min()
            assert abs(base - (length - HEAD_PX)) <= 1.5, (
                f"{word}: head at {base:.1f} of {length:.1f}"
            )
            assert t_on.max() <= length + 1.0, f"{word}: the arrow goes past its end"
    # unselected: the arrows go
    window.session.views[0].select([])
    qtbot.wait(100)
    assert len(arrow_pixels(window.grab(), data_area(window, view_a))) == 0
