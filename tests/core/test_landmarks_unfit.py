"""Landmark labels skip swearing, slurs and sexual terms (resources/landmarks/unfit-words.txt)."""

from __future__ import annotations

import numpy as np

from embviz.core.landmarks import pick_landmarks, unfit_for_landmark, unfit_words
from embviz.core.paths import demo_path


def test_a_cell_whose_first_word_is_unfit_shows_its_next_word():
    # cell (0,0) holds rows 0 ("shit"), 1 ("Fucking_hell"), 2 ("river"); cell (1,1) holds 3
    coords = np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3], [0.9, 0.9]])
    labels = ["shit", "Fucking_hell", "river", "bank"]
    assert pick_landmarks(coords, (0, 0, 1, 1), (2, 2)).tolist() == [0, 3]  # without labels
    assert pick_landmarks(coords, (0, 0, 1, 1), (2, 2), labels=labels).tolist() == [2, 3]
    # a cell holding only unfit words shows nothing
    assert pick_landmarks(coords[:2], (0, 0, 1, 1), (2, 2), labels=labels).tolist() == []
    # rows: coords are a subset of the labelled points (the map's "isolate")
    subset = np.array([1, 2, 0, 3])
    picked = pick_landmarks(coords[subset], (0, 0, 1, 1), (2, 2), labels=labels, rows=subset)
    assert subset[picked].tolist() == [2, 3]


def test_words_inside_labels_count_and_ordinary_words_pass():
    assert unfit_for_landmark("BULLSHIT") and unfit_for_landmark("holy shit!")
    for ordinary in ("god", "gay", "organ", "stroke", "scunthorpe", "shitake", "assess", "class"):
        assert not unfit_for_landmark(ordinary), ordinary


def test_no_demo_landmark_is_unfit_at_several_grids():
    data = np.load(demo_path())
    labels = [str(s) for s in data["labels"]]
    vectors = data["vectors"].astype(np.float64)
    vectors -= vectors.mean(axis=0)
    xy = vectors @ np.linalg.svd(vectors, full_matrices=False)[2][:2].T  # the first 2 PCs
    view = (*xy.min(axis=0), *(xy.max(axis=0) + 1e-9))
    unfit = unfit_words()
    seen_unfit = 0
    for cells in ((17, 33), (30, 60), (60, 120)):
        plain = pick_landmarks(xy, view, cells, limit=5000)
        bad = [r for r in plain if labels[r] in unfit]
        seen_unfit += len(bad)
        picked = pick_landmarks(xy, view, cells, limit=5000, labels=labels)
        assert not [labels[r] for r in picked if labels[r] in unfit]
        # the filter only replaces unfit winners: every fit landmark stays, a few are new
        assert set(plain) - set(bad) <= set(picked)
        assert len(picked) <= len(plain)
    assert seen_unfit > 0  # the demo does put such words forward without the list
