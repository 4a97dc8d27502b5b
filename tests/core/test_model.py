"""The evented model: sets open and close, views keep their own state, events say each change."""

from __future__ import annotations

import gc
import weakref

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model
from embviz.core.overlay import Overlay
from embviz.core.projection import Projection, cached_projection


def _set(name, n=3):
    return EmbeddingSet([f"{name}{i}" for i in range(n)], np.eye(n), name=name)


def _layout(n, value=0.0):
    return Projection(np.full((n, 2), value, np.float32), "pca")


def test_a_layout_of_a_set_no_longer_shown_is_kept_but_not_drawn():
    model = Model()
    drawn = []
    model.projection_changed.connect(drawn.append)
    a, b = _set("a"), _set("b")
    model.add_set(a)
    model.add_set(b)  # b is shown now
    late = _layout(3)
    assert model.set_projection(model.active, a, late, a.version) is False
    assert model.projection is None and late not in drawn
    model.show(a)  # showing a again draws its layout at once
    assert model.projection is late and drawn[-1] is late


def test_a_layout_of_older_vectors_is_neither_drawn_nor_kept():
    model = Model()
    a = _set("a")
    model.add_set(a)
    started = a.version
    model.replace_vectors(a, np.eye(3) * 2)
    old = _layout(3)
    assert model.set_projection(model.active, a, old, started) is False
    assert model.projection is None and cached_projection(a, "pca", {}, 2) is None
    fresh = _layout(3, 1.0)
    assert model.set_projection(model.active, a, fresh, a.version) is True
    assert model.active.projection_is_current and cached_projection(a, "pca", {}, 2) is fresh
    model.replace_vectors(a, np.eye(3) * 3)  # drawn until replaced, but known to be old
    assert model.projection is fresh and not model.active.projection_is_current


def test_when_the_set_changes_the_state_is_whole_before_any_event():
    """Each listener sees hits, selection and projection of the same set (no mixed state)."""
    model = Model()
    a = EmbeddingSet([f"w{i}" for i in range(300)], np.random.default_rng(0).normal(size=(300, 4)))
    model.add_set(a)
    model.set_projection(model.active, a, _layout(300), a.version)
    model.run_search("w2")
    model.select([250, 260])
    model.set_overlay("n", Overlay(rows=np.array([246])))
    seen = []

    def check(*_):
        view = model.active
        n = len(view.eset) if view.eset is not None else 0
        rows = np.concatenate([view.search.indices, view.selection])
        seen.append(
            (view.projection is None or len(view.projection.coords) == n)
            and bool(np.all(rows < n))
            and not view.overlays
        )

    for name in ("current_changed", "projection_changed", "selection_changed", "search_changed"):
        getattr(model, name).connect(check)
    b = _set("w", 5)  # labels w0..w4
    model.add_set(b)
    assert seen and all(seen)
    assert model.search.indices.tolist() == [2]  # "w2" among w0..w4


def test_search_follows_the_shown_set_and_a_metadata_column():
    model = Model()
    model.add_set(EmbeddingSet(["apple", "pear"], np.eye(2), name="fruit"))
    model.run_search("pear")
    assert model.search.indices.tolist() == [1]
    model.add_set(EmbeddingSet(["pear", "plum", "pearl"], np.eye(3), name="more"))
    assert model.search.indices.tolist() == [0, 2]
    a = EmbeddingSet(["x", "y", "z"], np.eye(3), {"pos": np.array(["noun", "verb", "noun"])})
    model.add_set(a)
    model.run_search("noun", column="pos")
    assert model.search.indices.tolist() == [0, 2]
    model.add_set(EmbeddingSet(["noun1", "v"], np.eye(2), name="c"))  # no such column: labels
    assert model.search.indices.tolist() == [0]


def test_same_name_gets_a_number_and_renames_are_announced():
    model = Model()
    model.add_set(_set("x"))
    eset = _set("x")
    model.add_set(eset)
    assert [s.name for s in model.sets] == ["x", "x (2)"]
    named = []
    model.sets_changed.connect(lambda: named.append(eset.name))
    model.rename_set(eset, "x (epoch 3)")
    assert named == ["x (epoch 3)"]
    model.select([2])
    assert model.selection_text() == "selected: x2"


def test_closing_a_set_shows_its_neighbour_and_frees_it():
    model = Model()
    a, b = _set("a"), _set("b")
    model.add_set(a)
    model.add_set(b)
    model.set_projection(model.active, b, _layout(3), b.version)
    model.run_search("b1")
    model.select([1])
    closed, shown = [], []
    model.set_closed.connect(lambda eset: closed.append(eset.name))
    model.current_changed.connect(lambda eset: shown.append(eset and eset.name))
    gone = weakref.ref(b)
    model.close_set(b)
    del b
    assert closed == ["b"] and shown[-1] == "a" and model.sets == [a]
    assert model.selection.size == 0 and model.search.count == 0  # "b1" is not in a
    closed.clear()
    gc.collect()
    assert gone() is None, gc.get_referrers(gone()) if gone() else None
    model.close_set(a)
    assert model.current is None and model.sets == []


def test_views_keep_their_own_state_and_link_selection_by_label():
    model = Model()
    a = EmbeddingSet(["king", "queen", "man"], np.eye(3), name="a")
    b = EmbeddingSet(["man", "woman", "king", "child"], np.eye(4), name="b")
    model.add_set(a)
    model.add_set(b, model.add_view("beside"))
    main, beside = model.views
    assert main.eset is a and beside.eset is b and model.current is a
    main.select([0, 2])  # king, man
    assert beside.selection.tolist() == [0, 2]  # man, king in b
    beside.select([1])  # woman: not in a
    assert main.selection.tolist() == []
    heard = []
    model.current_changed.connect(heard.append)
    model.set_active(beside)
    assert heard == [b] and model.current is b
    main.run_search("queen")  # the main view's search is its own
    assert beside.search.count == 0 and main.search.indices.tolist() == [1]
    model.remove_view(beside)
    assert model.active is main and model.views == [main]


def test_closing_a_set_moves_every_view_that_shows_it():
    model = Model()
    a, b, c = _set("a"), _set("b"), _set("c")
    for eset in (a, b, c):
        model.add_set(eset)
    beside = model.add_view("beside", b)
    model.show(b)  # both views show b
    model.close_set(b)
    assert model.current is c and beside.eset is c  # b's successor in the list
    model.close_set(c)
    assert model.current is a and beside.eset is a
    model.close_set(a)
    assert model.current is None and beside.eset is None and beside.projection is None
