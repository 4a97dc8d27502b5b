"""Whether a zoomed view still shows the rows it showed, counted on a sample of a large map."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from embviz.gui.views import point_motion


def _view(x0: float, x1: float, y0: float, y1: float) -> SimpleNamespace:
    return SimpleNamespace(
        plotItem=SimpleNamespace(vb=SimpleNamespace(viewRange=lambda: ([x0, x1], [y0, y1])))
    )


def _exact(view: SimpleNamespace, old: np.ndarray, new: np.ndarray) -> bool:
    """The definition, by hand: rows inside the view's range before and after."""
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()

    def inside(xy: np.ndarray) -> int:
        return int(
            ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).sum()
        )

    before, after = inside(old), inside(new)
    return after > 0 and after >= point_motion.KEEP_SHARE * before


def test_a_large_map_is_counted_on_a_sample_with_the_same_answer():
    rng = np.random.default_rng(0)
    old = rng.normal(size=(400_000, 2)).astype(np.float32)
    # the new layout: the right half of the map drifts away, the left half stays
    new = old + np.where(old[:, :1] > 0, 3.0, 0.0).astype(np.float32)
    views = {
        "left, kept": _view(-2.0, -0.2, -1.0, 1.0),
        "right, left behind": _view(0.2, 2.0, -1.0, 1.0),
        "straddling, about 60% kept": _view(-1.0, 0.25, -1.0, 1.0),
        "straddling, about 40% kept": _view(-0.25, 1.0, -1.0, 1.0),
    }
    answers = {name: point_motion._still_shows(view, old, new) for name, view in views.items()}
    assert answers == {name: _exact(view, old, new) for name, view in views.items()}
    assert answers == {
        "left, kept": True,
        "right, left behind": False,
        "straddling, about 60% kept": True,
        "straddling, about 40% kept": False,
    }


@pytest.mark.parametrize("moved", [False, True])
def test_a_close_zoom_on_a_few_rows_is_counted_on_every_row(moved):
    """A view around 3 rows of 400,000: a sample of every 20th row could hold none of them."""
    rng = np.random.default_rng(1)
    old = rng.uniform(-10, 10, size=(400_000, 2)).astype(np.float32)
    # three rows far from the rest, none of them on the sample's stride (every 20th row)
    old[[7, 13, 17]] = [[50.0, 50.0], [50.1, 50.0], [50.0, 50.1]]
    new = old.copy()
    if moved:
        new[[7, 13, 17]] += 100.0
    view = _view(49.9, 50.2, 49.9, 50.2)
    assert point_motion._still_shows(view, old, new) is (not moved)
