"""Polysemy core: input parsing, reporting, corpus search, and the measures against plain loops."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from embviz.core.errors import EmbvizError
from embviz.core.paths import resource
from embviz.core.polysemy import (
    analyse,
    auto_clusters,
    baseline,
    baseline_pairs,
    find_in_corpus,
    intra_sentence_similarity,
    mev,
    parse_sentences,
    select,
    self_similarity,
    sense_similarity,
)
from embviz.core.polysemy.analysis import Occurrence


def _cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_parse_lines_senses_and_words():
    text = "# a comment\nThe river bank.\triver\nMoney in the bank\tmoney\tbank\n\n  Just text  \n"
    lines = parse_sentences(text)
    assert [(s.text, s.sense, s.word, s.line) for s in lines] == [
        ("The river bank.", "river", None, 2),
        ("Money in the bank", "money", "bank", 3),
        ("Just text", None, None, 5),
    ]
    with pytest.raises(EmbvizError, match="line 1: 4 tab-separated columns"):
        parse_sentences("a\tb\tc\td")
    with pytest.raises(EmbvizError, match="line 2: the sentence"):
        parse_sentences("ok\n\tsense")


def test_sentences_without_the_word_are_reported():
    lines = parse_sentences(
        "The bank opened.\nNo such word here.\nBanks are plural.\nA bat flew.\t\tbat\n"
        "The bat and the bank.\nThe cell was dark.\n"
    )
    chosen = select(lines, "bank", others=["bat"])
    assert [s.text for s in chosen.lines] == ["The bank opened.", "The bat and the bank."]
    # "Banks" is not the whole word; the bat line is for another word; "cell" contains none
    assert [s.line for s in chosen.without_word] == [2, 3, 6]
    assert chosen.other_words == 1


def test_corpus_search_takes_every_match_or_an_even_sample(tmp_path):
    corpus = tmp_path / "corpus.txt"
    rows = [f"Sentence {i} mentions the bank. Another one without it." for i in range(100)]
    corpus.write_text("\n".join(rows) + "\nNothing here.\n", encoding="utf-8")
    found, total = find_in_corpus(corpus, "bank", limit=1000)
    assert total == 100 and len(found) == 100
    assert found[0] == "Sentence 0 mentions the bank."
    sample, total = find_in_corpus(corpus, "BANK", limit=5)
    assert total == 100
    assert [int(s.split()[1]) for s in sample] == [0, 25, 50, 74, 99]
    with pytest.raises(EmbvizError, match="no such corpus"):
        find_in_corpus(tmp_path / "missing.txt", "bank")


def test_measures_equal_plain_loops():
    rng = np.random.default_rng(3)
    occ = rng.normal(size=(7, 5)) + 1.0
    pairs = list(itertools.combinations(range(7), 2))
    assert self_similarity(occ) == pytest.approx(np.mean([_cos(occ[i], occ[j]) for i, j in pairs]))
    s = np.linalg.svd(occ, compute_uv=False)  # uncentred: no mean subtracted
    assert mev(occ) == pytest.approx(s[0] ** 2 / np.sum(s**2))
    assert mev(occ) > mev(occ - occ.mean(axis=0))
    words = rng.normal(size=(9, 5))
    sentence = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    expected = []
    for k in range(3):
        rows = words[sentence == k]
        expected.append(np.mean([_cos(r, rows.mean(axis=0)) for r in rows]))
    assert intra_sentence_similarity(words, sentence) == pytest.approx(np.mean(expected))


def test_baseline_uses_only_pairs_of_different_words():
    texts = ["the", "bank", "The", "river", "bank"]
    pairs = baseline_pairs(texts)
    assert {tuple(p) for p in pairs.tolist()} == {
        (i, j)
        for i, j in itertools.combinations(range(5), 2)
        if texts[i].lower() != texts[j].lower()
    }
    words = np.random.default_rng(0).normal(size=(5, 4))
    assert baseline(words, pairs) == pytest.approx(
        np.mean([_cos(words[i], words[j]) for i, j in pairs])
    )
    many = [f"w{i}" for i in range(200)]
    drawn = baseline_pairs(many, max_pairs=500, seed=1)
    assert drawn.shape == (500, 2) and np.all(drawn[:, 0] != drawn[:, 1])
    assert np.array_equal(drawn, baseline_pairs(many, max_pairs=500, seed=1))


def test_senses_and_clusters_on_separated_groups():
    rng = np.random.default_rng(5)
    centres = np.eye(6)[:3] * 5
    x = np.concatenate([c + rng.normal(scale=0.3, size=(6, 6)) for c in centres])
    truth = np.repeat([0, 1, 2], 6)
    labels, k, silhouette = auto_clusters(x)
    assert k == 3 and silhouette > 0.5
    assert len({(a, b) for a, b in zip(labels, truth, strict=True)}) == 3
    senses = [str(t) for t in truth]
    within, across = sense_similarity(x, senses)
    same = [
        _cos(x[i], x[j]) for i, j in itertools.combinations(range(18), 2) if truth[i] == truth[j]
    ]
    diff = [
        _cos(x[i], x[j]) for i, j in itertools.combinations(range(18), 2) if truth[i] != truth[j]
    ]
    assert within == pytest.approx(np.mean(same)) and across == pytest.approx(np.mean(diff))


def test_analysis_orders_the_heatmap_by_sense_and_writes_json():
    rng = np.random.default_rng(2)
    senses = ["b", "a", "b", "a", "c", "a"]
    occ = rng.normal(size=(6, 2, 4))
    occurrences = [Occurrence(f"s{i} bank", 3, 7, sense, i + 1) for i, sense in enumerate(senses)]
    words = rng.normal(size=(12, 2, 4))
    result = analyse(
        "bank", occurrences, occ, words, np.repeat(np.arange(6), 2), ["x", "y"] * 6, [0, 1]
    )
    matrix, order, ordered = result.similarity(1)
    assert ordered == ["b", "b", "a", "a", "a", "c"]
    assert matrix[0, 1] == pytest.approx(_cos(occ[order[0], 1], occ[order[1], 1]))
    data = result.to_json()
    assert [row["layer"] for row in data["layers"]] == [0, 1]
    assert set(data["occurrences"][0]) == {"sentence", "start", "end", "sense", "cluster"}
    row = data["layers"][1]
    assert row["self_similarity_minus_baseline"] == pytest.approx(
        row["self_similarity"] - row["baseline"], abs=2e-6
    )
    assert occurrences[0].marked("<", ">") == "s0 <bank>"


def test_the_sample_has_words_senses_and_eight_sentences_each():
    lines = parse_sentences(resource("polysemy/sample.tsv").read_text(encoding="utf-8"))
    counts: dict[tuple, int] = {}
    for line in lines:
        counts[(line.word, line.sense)] = counts.get((line.word, line.sense), 0) + 1
    words = {w for w, _ in counts}
    assert {"bank", "bat", "spring", "cell"} <= words
    assert all(n >= 6 for n in counts.values())
    for word in words:
        assert 2 <= sum(1 for w, _ in counts if w == word) <= 3
        assert not select(lines, word).without_word
