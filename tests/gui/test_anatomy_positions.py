"""Positions in the real window: the cosine heatmap's cell (i, j) shows, in its colour and in the
readout under the pointer, the cosine numpy gives from the model's weights (read here with
transformers on their own), and the sinusoidal heatmap the cosine of Vaswani et al.'s formula
written out here; the positions map joins each position to the next."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from embviz.gui.anatomy.heatmap import COLORMAP
from embviz.gui.anatomy.overlays import CURVE
from tests.gui.pixel_probe import hover, image_array

CELLS = [(3, 17), (100, 40), (130, 500), (511, 0)]


@pytest.fixture(scope="module")
def learned_positions() -> np.ndarray:
    from transformers import AutoModel

    from embviz.models.default_model import default_model_dir

    model = AutoModel.from_pretrained(str(default_model_dir()), local_files_only=True)
    return model.embeddings.position_embeddings.weight.detach().double().numpy()


def sinusoid(n: int, d: int) -> np.ndarray:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))."""
    table = np.zeros((n, d))
    for pos in range(n):
        for i in range(0, d, 2):
            table[pos, i] = np.sin(pos / 10000 ** (i / d))
            table[pos, i + 1] = np.cos(pos / 10000 ** (i / d))
    return table


def cosine(table: np.ndarray, i: int, j: int) -> float:
    a, b = table[i], table[j]
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture
def opened(window, qtbot):
    panel = window.panels["anatomy"]
    panel.tables.open_tables()
    qtbot.waitUntil(lambda: len(window.session.sets) == 4 and window.is_idle(), timeout=60000)
    return panel


def check_cell(qtbot, heatmap, i: int, j: int, expected: float) -> None:
    plot, vb = heatmap.plot, heatmap.plot.getPlotItem().vb
    vb.setRange(xRange=(j - 4, j + 4), yRange=(i - 4, i + 4), padding=0)  # cells ~50 px wide
    qtbot.wait(50)
    centre = plot.viewportTransform().map(vb.mapViewToScene(QPointF(j, i)))
    hover(qtbot, plot.viewport(), centre.toPoint())
    qtbot.waitUntil(lambda: f"({i}, {j})" in heatmap.readout.text(), timeout=2000)
    assert heatmap.readout.text() == f"positions ({i}, {j}): cosine {expected:+.4f}"
    # the colour drawn there is the colour bar's colour for that cosine
    image = image_array(plot.viewport().grab())
    x, y = int(centre.x()), int(centre.y())
    drawn = image[y - 3 : y + 4, x - 3 : x + 4].reshape(-1, 3).mean(axis=0)
    bar = pg.colormap.get(COLORMAP).map(np.array([(expected + 1) / 2]), mode="byte")[0][:3]
    assert np.abs(drawn - bar).max() <= 6, f"({i}, {j}): drawn {drawn}, colour bar {bar}"


def test_heatmap_cells_show_numpys_cosines(window, qtbot, opened, learned_positions):
    shown = opened.tables.show_positions()
    shown.resize(1100, 600)
    qtbot.waitExposed(shown)
    for i, j in CELLS:
        check_cell(qtbot, shown.learned, i, j, cosine(learned_positions, i, j))
    sines = sinusoid(512, 384)
    for i, j in CELLS[:2]:
        check_cell(qtbot, shown.sinusoidal, i, j, cosine(sines, i, j))
    shown.close()


def test_positions_map_joins_each_position_to_the_next(window, qtbot, opened):
    session = window.session
    positions = next(s for s in session.sets if s.name.endswith("positions (512)"))
    session.show(positions)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    assert session.active.colour_column == "position"  # the order reads in colour too
    curve = session.active.overlays[CURVE]
    pairs = [(positions.labels[a], positions.labels[b]) for a, b in curve.edges]
    assert pairs == [(str(p), str(p + 1)) for p in range(511)]
    drawn = window.view.overlay_lines[CURVE]
    x, y = drawn.getData()
    coords = window.view.coords
    assert np.allclose(x[:4], coords[[0, 1, 1, 2], 0]) and np.allclose(
        y[:4], coords[[0, 1, 1, 2], 1]
    )
