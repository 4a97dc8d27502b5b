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


WORDS = ["king", "King", "kingdom", "working", "Burger_King", "king-size", "kings", "the king's"]


def test_whole_word_skips_longer_words():
    # by hand: "king" stands alone in king, King, Burger_King (underscore separates phrase
    # words), king-size and the king's; it is part of kingdom, working and kings
    result = search_labels(WORDS, "king", whole_word=True)
    assert result.indices.tolist() == [0, 1, 4, 5, 7]
    assert result.mode == "whole word"
    assert search_labels(WORDS, "King", whole_word=True, case_sensitive=True).indices.tolist() == [
        1,
        4,
    ]
    # a side that ends in a hyphen needs no boundary there: "king-" finds king-size
    assert search_labels(WORDS, "king-", whole_word=True).indices.tolist() == [5]
    # whole word applies to a regex too: ki.g as a word
    assert search_labels(WORDS, "ki.gs?", regex=True, whole_word=True).indices.tolist() == [
        0,
        1,
        4,
        5,
        6,
        7,
    ]


def test_quotes_find_a_label_exactly():
    assert search_labels(WORDS, '"king"').indices.tolist() == [0, 1]
    assert search_labels(WORDS, '"king"', case_sensitive=True).indices.tolist() == [0]
    assert search_labels(WORDS, "“king”").indices.tolist() == [0, 1]  # typographic quotes
    assert search_labels(WORDS, '"king"').mode == "exact"
    # quotes are plain characters in a regex, and one quote alone is searched as written
    assert search_labels(WORDS, '"king"', regex=True).count == 0
    assert search_labels(WORDS, '"kin').count == 0


def test_whole_word_and_exact_on_the_demo_vocabulary():
    from embviz.core.paths import demo_path

    labels = [str(s) for s in np.load(demo_path())["labels"]]
    assert "working" in labels and "king" in labels
    substring = search_labels(labels, "king")
    assert labels.index("working") in substring.indices  # why whole word is wanted
    # the demo's labels are single lowercase words, so whole word "king" is the label king only
    expected = [i for i, label in enumerate(labels) if label == "king"]
    assert search_labels(labels, "king", whole_word=True).indices.tolist() == expected
    assert search_labels(labels, '"king"').indices.tolist() == expected
    assert substring.count == sum("king" in label for label in labels) > 20
