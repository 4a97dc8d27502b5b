"""The Health dock in the real window: its figures equal direct computations (scikit-learn's
neighbours, scipy's skewness, the O(N^2) mean cosine, Facco's TwoNN formula); colouring by
k-occurrence paints the top hub's dot in the colour the legend gives for its value (pixel check);
neighbour lists mark hubs; WEAT and a concept axis from typed and loaded word lists."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.test.utils import datapath
from scipy import stats

import embviz
from embviz.gui.views.themes import THEMES
from tests.gui.pixel_probe import data_area, find_dots, match, window_pos

VECTORS = datapath("lee_fasttext.vec")  # 1,762 fastText words x 10, no tied neighbours
K = 10


@pytest.fixture(scope="module")
def direct():
    from sklearn.neighbors import NearestNeighbors

    eset = embviz.load(VECTORS)
    v = eset.vectors.astype(np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    n = len(u)
    sims = u @ u.T
    dist, rows = NearestNeighbors(n_neighbors=K, metric="cosine").fit(v).kneighbors()
    occ = np.bincount(rows.ravel(), minlength=n)
    chord = np.sqrt(2 * dist)  # |u - w| = sqrt(2 - 2 cos) for unit vectors
    mu = np.sort(chord[:, 1] / chord[:, 0])
    keep = int(n * 0.9)
    x, y = np.log(mu[:keep]), -np.log(1 - np.arange(1, keep + 1) / n)
    return {
        "labels": eset.labels,
        "mean_cos": (sims.sum() - np.trace(sims)) / (n * (n - 1)),
        "occ": occ,
        "skew": stats.skew(occ),
        "twonn": (x @ y) / (x @ x),
    }


@pytest.fixture
def health_window(window, qtbot):
    window.open_paths([VECTORS])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    panel = window.panels["health"].report
    panel.k.setValue(K)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=60000)
    qtbot.waitUntil(window.is_idle, timeout=30000)  # the map stays current: only columns changed
    return window, panel


def _figures(panel) -> dict[str, str]:
    """figure -> value, as the panel's text shows them ("<b>name</b>: value<br>meaning")."""
    import re

    pairs = re.findall(r"<b>(.*?)</b>: (.*?)<br>", panel.figures.text())
    return dict(pairs)


def test_panel_figures_equal_the_direct_computation(health_window, direct):
    window, panel = health_window
    figures = _figures(panel)
    assert figures["Mean pairwise cosine"] == f"{direct['mean_cos']:.3f}"
    assert figures[f"Hubness (k={K})"] == f"skew {direct['skew']:.2f}"
    assert figures["Intrinsic dimension"] == f"TwoNN {direct['twonn']:.1f}"
    order = np.argsort(-direct["occ"], kind="stable")[:5]
    hubs = [(panel.hubs.item(r, 0).text(), panel.hubs.item(r, 1).text()) for r in range(5)]
    assert hubs == [(direct["labels"][r], str(direct["occ"][r])) for r in order]
    eset = window.session.current
    np.testing.assert_array_equal(eset.metadata["k_occurrence"], direct["occ"])
    assert {"local_dimension", "outlier_score", "norm"} <= set(eset.metadata)


def test_colouring_by_k_occurrence_paints_the_hub_in_the_legends_colour(health_window, direct):
    window, panel = health_window
    panel.colour_buttons["k_occurrence"].click()
    view = window.view
    colouring = view.colouring
    assert colouring.column == "k_occurrence" and colouring.kind == "numeric"
    assert view.legend.isVisible() and view.legend.entries()[0] == "<b>k_occurrence</b>"
    assert view.legend.entries()[1] == f"{colouring.vmax:.4g}"  # the bar's top value
    hub = int(np.argmax(direct["occ"]))
    assert direct["occ"][hub] >= colouring.vmax  # the top hub is at the top of the bar
    bar = view.legend.grid.itemAtPosition(1, 0).widget().pixmap().toImage()
    top = bar.pixelColor(bar.width() // 2, 0)  # the bar's top row: its highest value
    legend_rgb = (top.red(), top.green(), top.blue())
    assert legend_rgb == tuple(int(c) for c in colouring.table[colouring.codes[hub]])
    x, y = (float(c) for c in view.coords[hub])
    view.plotItem.vb.setRange(xRange=(x - 0.02, x + 0.02), yRange=(y - 0.02, y + 0.02), padding=0)
    window.session.select([])
    window.repaint()
    image = window.grab()
    found = find_dots(image, legend_rgb, THEMES["light"].background, data_area(window, view))
    expected = window_pos(window, view, x, y)
    _, distance = match(found, np.array([[expected.x(), expected.y()]]))
    assert distance[0] <= 1.0, f"no dot of the legend's colour at the hub ({distance[0]:.1f} px)"


def test_neighbour_lists_mark_hubs(health_window, direct, qtbot):
    window, _ = health_window
    neighbours = window.panels["neighbors"]
    hub = int(np.argmax(direct["occ"]))
    from sklearn.neighbors import NearestNeighbors

    eset = window.session.current
    _, rows = NearestNeighbors(n_neighbors=K, metric="cosine").fit(eset.vectors).kneighbors()
    source = int(np.flatnonzero((rows == hub).any(axis=1))[0])  # it lists the top hub
    neighbours.query.setText(eset.labels[source])
    neighbours.find_neighbours()
    qtbot.waitUntil(lambda: neighbours.results.rowCount() == neighbours.k.value(), timeout=10000)
    texts = [neighbours.results.item(r, 1).text() for r in range(neighbours.results.rowCount())]
    hub_label = eset.labels[hub]
    assert f"{hub_label}  · hub (k-occ {direct['occ'][hub]})" in texts
    threshold = 2 * K
    for text in texts:
        label = text.split("  · ")[0]
        assert ("· hub" in text) == (direct["occ"][eset.index_of(label)] >= threshold)


def test_weat_and_concept_axis_from_typed_and_loaded_lists(health_window, qtbot, tmp_path):
    window, _ = health_window
    bias = window.panels["health"].bias
    words = tmp_path / "a.txt"
    words.write_text("# attribute A\nwork\nbusiness\ncompany\n", encoding="utf-8")
    bias.lists["A"].load(str(words))
    assert bias.lists["A"].words() == ["work", "business", "company"]
    bias.lists["B"].edit.setPlainText("home, family, school, qqqzz")
    bias.lists["X"].edit.setPlainText("he, his, him, man")
    bias.lists["Y"].edit.setPlainText("she, her, women, children")
    bias.run_weat()
    qtbot.waitUntil(lambda: bias.last is not None, timeout=10000)
    from embviz.core.health.bias import weat

    eset = window.session.current
    expected = weat(eset, ["he", "his", "him", "man"], ["she", "her", "women", "children"],
                    ["work", "business", "company"], ["home", "family", "school", "qqqzz"])  # fmt: skip
    assert f"effect size {expected.effect_size:.3f}" in bias.result.text()
    assert "Skipped (not in the set): qqqzz" in bias.result.text()
    bias.axis_method.setCurrentIndex(0)  # mean of A - mean of B
    bias.axis_button.click()
    column = f"axis: {bias.axis.name}"
    assert window.view.colouring.column == column
    u = eset.vectors.astype(np.float64)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    a = u[[eset.index_of(w) for w in ("work", "business", "company")]].mean(axis=0)
    b = u[[eset.index_of(w) for w in ("home", "family", "school")]].mean(axis=0)
    direction = (a - b) / np.linalg.norm(a - b)
    np.testing.assert_allclose(eset.metadata[column], u @ direction, atol=1e-6)


def test_cancel_leaves_the_set_as_it_was(window, qtbot):
    window.open_paths([VECTORS])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    panel = window.panels["health"].report
    panel.run_button.click()
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    qtbot.wait(300)  # a result arriving now would be dropped, not shown
    assert panel.report is None and "Cancelled" in panel.status.text()
    assert "k_occurrence" not in window.session.current.metadata
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    panel.sample.setValue(500)  # a sample, said in the report
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=60000)
    assert "random sample of 500 of 1,762 rows" in panel.figures.text()
    assert np.isfinite(window.session.current.metadata["k_occurrence"]).sum() == 500


def test_weat_with_a_list_the_set_lacks_says_so(window, qtbot):
    window.open_paths([VECTORS])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    bias = window.panels["health"].bias
    bias.lists["X"].edit.setPlainText("he, qqqzz")
    bias.lists["Y"].edit.setPlainText("she, her")
    bias.lists["A"].edit.setPlainText("work")
    bias.lists["B"].edit.setPlainText("home")
    bias.run_weat()
    qtbot.waitUntil(lambda: "the X list has 1 word" in bias.result.text(), timeout=10000)
    assert "qqqzz" in bias.result.text() and bias.last is None


def test_hub_reduction_rows_equal_the_definition_and_gensims_analogies(window, qtbot):
    from gensim.models import KeyedVectors

    window.open_paths([VECTORS])
    qtbot.waitUntil(lambda: window.session.current is not None and window.is_idle(), timeout=30000)
    panel = window.panels["health"].report
    panel.reduction.setChecked(True)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=120000)
    eset = window.session.current
    v = eset.vectors.astype(np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    sims = u @ u.T
    np.fill_diagonal(sims, -np.inf)
    r = np.sort(sims, axis=1)[:, -K:].mean(axis=1)
    csls = 2 * sims - r[:, None] - r[None, :]
    occ = np.bincount(np.argsort(-csls, axis=1)[:, :K].ravel(), minlength=len(u))
    figures = _figures(panel)
    assert figures["Skewness with CSLS"] == f"{stats.skew(occ):.2f}"
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    from embviz.gui.panels.health_panel import questions_words

    score, sections = kv.evaluate_word_analogies(questions_words(), restrict_vocab=len(eset))
    total = sum(
        len(s["correct"]) + len(s["incorrect"])
        for s in sections
        if s["section"] != "Total accuracy"
    )
    assert figures["Analogies with cosine neighbours"] == f"{score:.1%} of {total:,}"
