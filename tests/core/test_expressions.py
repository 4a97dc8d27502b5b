from __future__ import annotations

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.expressions import ExpressionError, parse


@pytest.fixture
def eset():
    labels = ["king", "man", "woman", "paris", "rome", "well-known", "Queen"]
    return EmbeddingSet(labels, np.eye(7, dtype=np.float32))


def test_terms_and_weights(eset):
    assert parse("king - man + woman", eset).terms == (("king", 1), ("man", -1), ("woman", 1))
    assert parse("0.5*paris + 0.5*rome", eset).terms == (("paris", 0.5), ("rome", 0.5))
    assert parse("king-man", eset).terms == (("king", 1), ("man", -1))
    assert parse("-king + 2 paris", eset).terms == (("king", -1), ("paris", 2))
    assert parse("well-known", eset).is_single_label
    assert parse(" king ", eset).terms == (("king", 1.0),)


def test_vector_is_the_weighted_sum(eset):
    expr = parse("0.5*paris - 2*rome", eset)
    expected = 0.5 * np.eye(7)[3] - 2 * np.eye(7)[4]
    np.testing.assert_allclose(expr.vector(eset, eset.vectors), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("king - kingg + woman", "'kingg' is not a label"),
        ("queen", "Did you mean"),
        ("king + + man", "two operators"),
        ("king man", "Missing '\\+' or '-' before 'man'"),
        ("king -", "a word is missing"),
        ("* king", "Unexpected '\\*'"),
        ("", "empty"),
        ("0.5 0.5 king", "Unexpected number"),
    ],
)
def test_errors_name_the_problem(eset, text, message):
    with pytest.raises(ExpressionError, match=message):
        parse(text, eset)
