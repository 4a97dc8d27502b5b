import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.projection import Projection
from embviz.core.session import Session


def _set(name, n=3):
    return EmbeddingSet([f"{name}{i}" for i in range(n)], np.eye(n), name=name)


def test_stale_projection_is_kept_but_not_drawn():
    session = Session()
    drawn = []
    session.projection_changed.connect(drawn.append)
    a, b = _set("a"), _set("b")
    session.add_set(a)
    session.add_set(b)  # b is current now
    late = Projection(np.zeros((3, 2), np.float32), "pca")
    assert session.set_projection(a, late) is False
    assert session.projection is None and late not in drawn
    session.set_current(a)  # switching back shows the cached layout at once
    assert session.projection is late and drawn[-1] is late


def test_same_name_gets_a_distinct_name_and_selection_text():
    session = Session()
    session.add_set(_set("x"))
    session.add_set(_set("x"))
    assert [s.name for s in session.sets] == ["x", "x (2)"]
    session.select([2])
    assert session.selection_text() == "selected: x2"
    session.select([0, 1, 1])
    assert session.selection_text() == "selected: 2 points"


def test_search_follows_the_current_set():
    session = Session()
    session.add_set(EmbeddingSet(["apple", "pear"], np.eye(2), name="fruit"))
    session.run_search("pear")
    assert session.search.indices.tolist() == [1]
    session.add_set(EmbeddingSet(["pear", "plum", "pearl"], np.eye(3), name="more"))
    assert session.search.indices.tolist() == [0, 2]


def test_search_a_metadata_column_and_keep_it_across_sets():
    session = Session()
    a = EmbeddingSet(["x", "y", "z"], np.eye(3), {"pos": np.array(["noun", "verb", "noun"])})
    session.add_set(a)
    session.run_search("noun", column="pos")
    assert session.search.indices.tolist() == [0, 2] and session.search_column == "pos"
    b = EmbeddingSet(["p", "q"], np.eye(2), {"pos": np.array(["verb", "noun"])}, name="b")
    session.add_set(b)  # the same column is searched in the new set
    assert session.search.indices.tolist() == [1]
    session.add_set(EmbeddingSet(["noun1", "v"], np.eye(2), name="c"))  # no such column: labels
    assert session.search.indices.tolist() == [0]


def test_metadata_and_names_change_through_the_session():
    session = Session()
    eset = _set("a")
    session.add_set(eset)
    changed, renamed, currents = [], [], []
    session.metadata_changed.connect(changed.append)
    session.sets_changed.connect(lambda: renamed.append(eset.name))
    session.current_changed.connect(currents.append)
    session.set_metadata(eset, {"freq": np.array([3, 2, 1])})
    assert changed == [eset] and eset.metadata["freq"].tolist() == [3, 2, 1]
    session.rename_set(eset, "a (epoch 3)")
    assert renamed == ["a (epoch 3)"] and currents == []  # the same set stays current
