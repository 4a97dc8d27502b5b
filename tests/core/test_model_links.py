"""Two maps linked through pairs of labels, hover linked by label, metadata beside a layout."""

from __future__ import annotations

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model
from embviz.core.projection import Projection


def _two_maps():
    model = Model()
    en = EmbeddingSet(["dog", "cat", "one"], np.eye(3), name="en")
    it = EmbeddingSet(["uno", "cane", "gatto", "cagnolino"], np.eye(4), name="it")
    model.add_set(en)
    model.add_set(it)
    model.show(en, model.views[0])
    beside = model.add_view("beside", it)
    return model, en, it, model.views[0], beside


def test_selection_follows_the_pairs_both_ways_and_equal_labels_otherwise():
    model, en, it, left, right = _two_maps()
    model.set_counterparts(left, right, [("dog", "cane"), ("dog", "cagnolino"), ("cat", "gatto")])
    left.select([en.index_of("dog")])
    assert sorted(right.selection.tolist()) == [it.index_of("cane"), it.index_of("cagnolino")]
    right.select([it.index_of("gatto")])
    assert left.selection.tolist() == [en.index_of("cat")]
    assert model.counterparts(right, left, ["cane", "uno"]) == ["dog"]
    # showing another set in a view ends the link through pairs: equal labels again
    other = EmbeddingSet(["cane", "dog"], np.eye(2), name="other")
    model.add_set(other, right)
    assert model.counterparts(left, right, ["dog"]) == ["dog"]
    left.select([en.index_of("dog")])
    assert right.selection.tolist() == [other.index_of("dog")]


def test_hover_says_the_view_and_the_label_once_per_leaving():
    model, en, _it, left, _right = _two_maps()
    heard = []
    model.hovered.connect(lambda view, label: heard.append((view, label)))
    model.hover(left, "dog")
    model.hover(left, None)
    model.hover(left, None)  # already left: nothing new to say
    assert heard == [(left, "dog"), (left, None)]


def test_new_metadata_leaves_a_layout_that_does_not_use_it_current():
    model, en, _it, left, _right = _two_maps()
    layout = Projection(np.zeros((3, 2), np.float32), "pca")
    assert model.set_projection(left, en, layout, en.version)
    model.set_metadata(en, {"score": np.arange(3.0)})
    assert left.projection is layout and left.projection_is_current
    supervised = Projection(np.ones((3, 2), np.float32), "umap", info={"uses_metadata": True})
    assert model.set_projection(left, en, supervised, en.version)
    model.set_metadata(en, {"score": np.arange(3.0) * 2})
    assert not left.projection_is_current  # a layout made from the old column is stale
