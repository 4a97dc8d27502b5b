import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet


def test_vectors_become_float32_and_unit_vectors_are_cached():
    eset = EmbeddingSet(["a", "b", "zero"], np.array([[3.0, 4.0], [0.0, 2.0], [0.0, 0.0]]))
    assert eset.vectors.dtype == np.float32
    unit = eset.unit_vectors()
    assert np.allclose(unit, [[0.6, 0.8], [0.0, 1.0], [0.0, 0.0]])
    assert eset.unit_vectors() is unit
    assert eset.index_of("b") == 1 and "zero" in eset and "c" not in eset


@pytest.mark.parametrize(
    "labels, vectors, metadata",
    [
        (["a", "a"], np.zeros((2, 2)), None),
        (["a"], np.zeros((2, 2)), None),
        (["a", "b"], np.zeros(2), None),
        (["a", "b"], np.zeros((2, 2)), {"col": [1, 2, 3]}),
    ],
)
def test_inconsistent_input_is_refused(labels, vectors, metadata):
    with pytest.raises(ValueError):
        EmbeddingSet(labels, vectors, metadata)


def test_replace_vectors_resets_the_unit_cache():
    eset = EmbeddingSet(["a", "b"], np.array([[3.0, 4.0], [1.0, 0.0]]))
    assert np.allclose(eset.unit_vectors()[0], [0.6, 0.8])
    eset.replace_vectors(np.array([[0.0, 2.0], [5.0, 0.0]]))
    assert np.allclose(eset.unit_vectors(), [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError):
        eset.replace_vectors(np.zeros((3, 2)))


def test_a_supervised_layout_is_dropped_when_the_metadata_changes_and_others_are_kept():
    from embviz.core.projection import Projection, cached_projection, keep_projection
    from embviz.reduce.registry import _marked

    eset = EmbeddingSet(["a", "b", "c"], np.eye(3), metadata={"group": np.array(["x", "y", "x"])})
    version = eset.version
    plain = Projection(np.zeros((3, 2), np.float32), "pca", {})

    def supervised_task():
        yield None
        return Projection(np.ones((3, 2), np.float32), "umap", {"target": "group"})

    task = _marked(supervised_task())
    next(task)
    with pytest.raises(StopIteration) as done:
        next(task)
    supervised = done.value.value
    assert supervised.info["uses_metadata"] is True
    assert keep_projection(eset, plain, version) and keep_projection(eset, supervised, version)
    assert cached_projection(eset, "umap", {"target": "group"}, 2) is supervised
    eset.set_metadata({"group": np.array(["y", "y", "x"])})
    assert cached_projection(eset, "umap", {"target": "group"}, 2) is None
    assert cached_projection(eset, "pca", {}, 2) is plain
