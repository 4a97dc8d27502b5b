"""Lazy labels and vectors: an EmbeddingSet of many rows without a Python string or a vector per
row until one is used; everything else about the set behaves as with a list and an array."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import Cancelled
from embviz.core.lazy_rows import LazyLabels, LazyVectors
from embviz.core.neighbors import index_for
from embviz.core.tasks import Progress, reporting, run_task


def test_labels_are_unique_and_found_without_a_dict_of_all():
    titles = ["alpha", None, "beta", "alpha", "  spaced\n title ", "x (row 9)"]
    labels = LazyLabels(len(titles), titles.__getitem__, repeated={"alpha"})
    made = [labels[i] for i in range(len(titles))]
    assert made == [
        "alpha (row 0)", "(row 1)", "beta", "alpha (row 3)", "spaced title", "x (row 9) (row 5)"
    ]  # fmt: skip
    assert len(set(made)) == len(made) and list(labels) == made and labels[-1] == made[-1]
    fresh = LazyLabels(
        len(titles),
        titles.__getitem__,
        {"alpha"},
        find=lambda t: titles.index(t) if t in titles else None,
    )
    assert fresh.index_of("alpha (row 3)") == 3 and fresh.index_of("(row 1)") == 1
    assert fresh.index_of("beta") == 2  # through find(), not a dict
    assert "alpha" not in fresh and "alpha (row 2)" not in fresh and "(row 99)" not in fresh
    with pytest.raises(KeyError):
        fresh.index_of("gamma")
    assert fresh.made < 10
    with pytest.raises(IndexError):
        labels[6]


def test_a_set_with_lazy_vectors_reads_them_once_on_first_use():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(50, 4)).astype(np.float32)

    def read():
        yield Progress(0.5, "half")
        return data

    lazy = LazyVectors((50, 4), read)
    eset = EmbeddingSet(LazyLabels(50), lazy, {"n": np.arange(50)})
    assert (len(eset), eset.dims, eset.shape) == (50, 4, (50, 4)) and lazy.reads == 0
    assert eset.index_of("(row 7)") == 7 and "(row 50)" not in eset
    heard = []
    with reporting(heard.append):
        found = index_for(eset).search_vector(data[3], 3, "cosine")
    assert heard == [Progress(0.5, "half")] and lazy.reads == 1
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    expected = np.argsort(-(unit @ unit[3]), kind="stable")[:3]
    assert found[0].tolist() == expected.tolist()
    np.testing.assert_array_equal(eset.vectors, data)
    assert lazy.reads == 1 and eset.vectors_loaded
    assert run_task(eset.load_vectors_task()) is eset.vectors


def test_a_cancelled_read_leaves_the_vectors_unread():
    def read():
        yield Progress(0.1, "")
        return np.zeros((3, 2), np.float32)

    eset = EmbeddingSet(LazyLabels(3), LazyVectors((3, 2), read))

    def cancel(_progress):
        raise Cancelled("reading the vectors")

    with reporting(cancel), pytest.raises(Cancelled):
        eset.vectors  # noqa: B018
    assert not eset.vectors_loaded
    assert eset.vectors.shape == (3, 2)


def test_lazy_vectors_of_the_wrong_shape_are_refused():
    eset = EmbeddingSet(LazyLabels(3), LazyVectors((3, 2), lambda: iter_value(np.zeros((3, 5)))))
    with pytest.raises(ValueError, match="expected"):
        eset.vectors  # noqa: B018


def iter_value(value):
    return value
    yield
