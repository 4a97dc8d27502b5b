import numpy as np

from embviz.core.search import search_labels

LABELS = ["king", "King", "kingdom", "queen", "Viking", "naïve", "NAÏVE"]


def test_substring_is_case_insensitive_by_default():
    result = search_labels(LABELS, "king")
    assert [LABELS[i] for i in result.indices] == ["king", "King", "kingdom", "Viking"]
    assert result.count == 4 and result.active


def test_case_sensitive_and_unicode_casefold():
    assert search_labels(LABELS, "King", case_sensitive=True).indices.tolist() == [1]
    assert search_labels(LABELS, "naïve").indices.tolist() == [5, 6]


def test_regex_and_bad_regex():
    assert search_labels(LABELS, r"^k.*g$", regex=True).indices.tolist() == [0, 1]
    bad = search_labels(LABELS, "kin[", regex=True)
    assert bad.count == 0 and "regular expression" in bad.error and not bad.active


def test_empty_pattern_matches_nothing():
    result = search_labels(LABELS, "")
    assert result.count == 0 and not result.active
    assert result.indices.dtype == np.int64
