"""Open first N rows: the map shows those, neighbour search uses the whole file."""

from __future__ import annotations

import numpy as np
from gensim.models import KeyedVectors


def test_neighbours_search_the_whole_file_while_the_map_shows_its_top(window, qtbot, tmp_path):
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors[250] = vectors[0] + 0.01 * rng.normal(size=16)  # w0's nearest lies below row 100
    labels = [f"w{i}" for i in range(300)]
    path = tmp_path / "big.vec"
    with open(path, "w") as f:
        f.write("300 16\n")
        for label, row in zip(labels, vectors, strict=True):
            f.write(label + " " + " ".join(repr(float(v)) for v in row) + "\n")

    window.panels["data_actions"].open_first_rows(path, 100)
    qtbot.waitUntil(
        lambda: window.session.current is not None and window.session.current.full is not None,
        timeout=20000,
    )
    shown = window.session.current
    assert len(shown) == 100 and len(shown.full) == 300
    panel = window.panels["neighbors"]
    assert panel.whole_file.isVisibleTo(panel) and panel.whole_file.isChecked()
    panel.query.setText("w0")
    panel.find_neighbours()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=10000)

    kv = KeyedVectors(16)
    kv.add_vectors(labels, vectors)
    expected = kv.most_similar("w0", topn=10)
    assert panel.result.labels == [label for label, _ in expected]
    assert np.allclose(panel.result.scores, [score for _, score in expected], atol=1e-5)
    assert panel.result.labels[0] == "w250" and panel.result.rows[0] == -1
    assert "not on the map" in panel.results.item(0, 1).text()
    for label, row in zip(panel.result.labels, panel.result.rows, strict=True):
        assert row == (int(label[1:]) if int(label[1:]) < 100 else -1)
    overlay = window.session.overlays["neighbors"]
    assert overlay.rows.max() < 100 and overlay.rows[0] == 0  # the query, then neighbours

    panel.whole_file.setChecked(False)  # only the rows on the map
    panel.find_neighbours()
    qtbot.waitUntil(lambda: "w250" not in panel.result.labels, timeout=10000)
    assert all(int(label[1:]) < 100 for label in panel.result.labels)
