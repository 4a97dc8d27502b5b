"""The view's filter: named masks combined by AND, announced once per change, dropped with the
set; the column filters' histograms, masks and sort orders, checked against hand counts."""

from __future__ import annotations

import numpy as np
import pytest

from embviz.core.column_filters import (
    CATEGORY,
    DATE,
    NUMBER,
    OTHER,
    TEXT,
    column_kind,
    histogram,
    range_mask,
    sort_rows,
    text_mask,
)
from embviz.core.dataset import EmbeddingSet
from embviz.core.model import Model


def _set(n: int = 6) -> EmbeddingSet:
    return EmbeddingSet([f"w{i}" for i in range(n)], np.eye(n, dtype=np.float32))


def test_named_filters_combine_and_are_announced():
    model = Model()
    eset = _set()
    model.add_set(eset)
    heard = []
    model.filter_changed.connect(heard.append)
    model.set_filter("a", np.array([1, 1, 1, 0, 0, 1], bool))
    model.set_filter("b", np.array([0, 1, 1, 1, 1, 1], bool))
    assert model.filter_mask.tolist() == [False, True, True, False, False, True]
    assert model.active.passing_rows().tolist() == [1, 2, 5]
    model.set_filter("a", None)  # one filter removed: the other still holds
    assert model.filter_mask.tolist() == [False, True, True, True, True, True]
    model.set_filter("a", None)  # nothing to remove: no event
    assert len(heard) == 3 and heard[-1] is model.filter_mask
    with pytest.raises(ValueError, match="5 values for 6 rows"):
        model.set_filter("c", np.ones(5, bool))


def test_a_new_set_drops_the_filters_of_the_old_one():
    model = Model()
    first, second = _set(6), _set(4)
    model.add_set(first)
    model.set_filter("a", np.array([1, 0, 1, 0, 1, 0], bool))
    heard = []
    model.filter_changed.connect(heard.append)
    model.add_set(second)
    assert model.filter_mask is None and heard == [None]
    assert model.active.passing_rows().tolist() == [0, 1, 2, 3]
    model.show(first)  # the filters were not kept for the set that was left
    assert model.filter_mask is None


def test_column_kinds():
    assert column_kind(np.array([1.5, 2.0])) == NUMBER
    assert column_kind(np.array(["2020-01-01"], dtype="datetime64[D]")) == DATE
    assert column_kind(np.array(["pos", "neg", "pos"], dtype=object)) == CATEGORY
    long = np.array(
        [f"a long review number {i} with many words in it" for i in range(100)], dtype=object
    )
    assert column_kind(long) == TEXT


def test_number_histogram_and_range_match_hand_counts():
    values = np.array([0.0, 1.0, 1.5, 2.0, 9.0, 10.0, np.nan])
    hist = histogram(values, bins=5)  # range 0..10 in bins of 2: [0,2) [2,4) ... [8,10]
    assert hist.edges.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert hist.counts.tolist() == [3, 1, 0, 0, 2]
    assert range_mask(values, 1.0, 2.0).tolist() == [False, True, True, True, False, False, False]
    passing = np.array([1, 1, 0, 0, 1, 0, 1], bool)
    assert hist.passing_counts(values, passing).tolist() == [2, 0, 0, 0, 1]


def test_date_ranges_are_in_seconds_since_1970():
    dates = np.array(["1970-01-02", "1970-01-05", "NaT"], dtype="datetime64[D]")
    assert range_mask(dates, 86_400, 86_400 * 3).tolist() == [True, False, False]


def test_category_bars_most_common_first_and_other():
    values = np.array(["b", "a", "b", None, "c", "b", "a"], dtype=object)
    hist = histogram(values)
    assert hist.categories == ["b", "a", "(missing)", "c"] and hist.counts.tolist() == [3, 2, 1, 1]
    assert hist.category_mask(["a", "(missing)"]).tolist() == [0, 1, 0, 1, 0, 0, 1]
    many = np.array([f"c{i:02d}" for i in range(30)] * 2 + ["c00"], dtype=object)
    hist = histogram(many)
    assert len(hist.categories) == 24 and hist.categories[-1] == OTHER
    assert hist.categories[0] == "c00" and hist.counts[0] == 3
    assert hist.counts[-1] == 2 * 7  # c23..c29: 7 categories seen twice each
    assert hist.category_mask([OTHER]).sum() == 14


def test_text_match_and_sort_orders():
    titles = np.array(["Cats", "dogs", "birds"], dtype=object)
    texts = np.array(["about a cat", "a DOG story", "nothing"], dtype=object)
    assert text_mask([titles, texts], "dog").tolist() == [False, True, False]
    assert text_mask([titles, texts], "  ") is None
    numbers = np.array([3.0, np.nan, 1.0, 2.0])
    rows = np.arange(4)
    assert sort_rows(numbers, rows).tolist() == [2, 3, 0, 1]
    assert sort_rows(numbers, rows, descending=True).tolist() == [0, 3, 2, 1]  # missing last
    words = np.array(["b", None, "A", "b"], dtype=object)
    assert sort_rows(words, rows).tolist() == [2, 0, 3, 1]
    assert sort_rows(words, rows, descending=True).tolist() == [0, 3, 2, 1]  # stable within ties


def test_string_columns_agree_with_and_without_arrow(monkeypatch):
    import embviz.core.string_columns as sc

    values = np.array(["Beta", None, "alpha", "beta", "Alpha", "gamma"], dtype=object)
    rows = np.arange(len(values))
    fast = (
        sc.category_codes(values),
        sc.text_order(values, rows, True),
        sc.contains(values, "ALP"),
    )
    monkeypatch.setattr(sc, "as_arrow", lambda _values: None)  # as without pyarrow
    slow = (
        sc.category_codes(values),
        sc.text_order(values, rows, True),
        sc.contains(values, "ALP"),
    )
    names_fast, codes_fast = fast[0]
    names_slow, codes_slow = slow[0]
    assert [names_fast[c] for c in codes_fast] == [names_slow[c] for c in codes_slow]
    assert [names_slow[c] for c in codes_slow] == [
        "Beta",
        "(missing)",
        "alpha",
        "beta",
        "Alpha",
        "gamma",
    ]
    assert fast[1].tolist() == slow[1].tolist() == [5, 0, 3, 2, 4, 1]  # ties keep their order
    assert fast[2].tolist() == slow[2].tolist() == [False, False, True, False, True, False]
