"""The search bar's whole-word option and "quoted" exact search, typed as a person would, on the
demo set: what the hit list holds and the count the bar shows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from embviz.core.paths import demo_path


def listed(win) -> list[str]:
    hits = win.search.hit_list.list
    return [hits.item(i).text() for i in range(hits.count())]


def test_whole_word_and_quoted_search_in_the_real_bar(demo_window, qtbot):
    win, bar = demo_window, demo_window.search_bar
    labels = [str(s) for s in np.load(demo_path())["labels"]]
    containing = [s for s in labels if "king" in s]  # by hand: every label holding "king"
    assert "working" in containing and len(containing) > 20

    qtbot.mouseClick(bar.whole_word, Qt.MouseButton.LeftButton)
    assert bar.whole_word.isChecked()
    qtbot.keyClicks(bar.edit, "king")
    qtbot.waitUntil(lambda: listed(win) == ["king"], timeout=5000)
    assert bar.count.text() == "1 match (whole word)"
    assert win.search.hit_list.summary.text().startswith("1 match for “king” (whole word)")
    assert win.view.hit_rows.tolist() == [labels.index("king")]

    qtbot.mouseClick(bar.whole_word, Qt.MouseButton.LeftButton)  # off: every label holding it
    qtbot.waitUntil(lambda: len(listed(win)) == len(containing), timeout=5000)
    assert listed(win) == containing and "working" in listed(win)
    assert bar.count.text() == f"{len(containing)} matches"

    bar.edit.clear()
    qtbot.keyClicks(bar.edit, '"king"')  # quotes: exactly this label
    qtbot.waitUntil(lambda: listed(win) == ["king"], timeout=5000)
    assert bar.count.text() == "1 match (exact)"
