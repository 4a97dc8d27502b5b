"""What the core says about a map reaches the person, and a closed set's background work stops.

- rows left out of a projection (NaN/inf values) are listed in the Data panel's warnings;
- closing a set while its projection quality is being estimated cancels that estimate (it held
  the closed set's vectors until it ended).
"""

from __future__ import annotations

import numpy as np

from embviz.core.tasks import Progress
from tests.conftest import write_glove


def test_rows_left_out_of_the_map_are_listed_in_the_data_panel(window, qtbot, tmp_path):
    labels = [f"w{i}" for i in range(40)]
    vectors = np.random.default_rng(0).normal(size=(40, 6)).astype(np.float32)
    vectors[7, 2] = np.nan
    path = tmp_path / "nan.txt"
    write_glove(path, labels, vectors)
    window.open_paths([path])
    qtbot.waitUntil(
        lambda: window.session.projection is not None and window.is_idle(), timeout=20000
    )
    coords = window.session.projection.coords
    assert np.isnan(coords[7]).all() and np.isfinite(np.delete(coords, 7, axis=0)).all()
    text = window.panels["data"].warnings.toPlainText()
    map_lines = [line for line in text.splitlines() if line.startswith("Map: ")]
    assert map_lines and "w7" in map_lines[0], text


def test_closing_a_set_cancels_its_quality_estimate(window, qtbot, tmp_path, monkeypatch):
    import embviz.reduce.quality as quality

    started, stopped = [], []

    def slow_quality(vectors, coords, k=10):  # stands in for the estimate: slow, cancellable
        started.append(len(vectors))
        try:
            for step in range(400):
                yield Progress(step / 400, "estimating")
                import time

                time.sleep(0.01)
        finally:
            stopped.append(True)
        return None

    monkeypatch.setattr(quality, "quality_task", slow_quality)
    labels = [f"w{i}" for i in range(60)]
    path = tmp_path / "a.txt"
    write_glove(path, labels, np.random.default_rng(1).normal(size=(60, 6)).astype(np.float32))
    window.open_paths([path])
    controller = window.projector
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    assert controller.quality_runner.is_busy("quality")
    window.close_current_set()
    qtbot.waitUntil(lambda: not controller.quality_runner.is_busy("quality"), timeout=3000)
    qtbot.waitUntil(lambda: bool(stopped), timeout=3000)
