"""Benchmarks equal gensim's evaluate_word_analogies / evaluate_word_pairs on the same vectors."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

import embviz
from embviz.core.errors import EmbvizError
from embviz.core.evaluate import evaluate_analogies_task, evaluate_similarity, read_analogies
from embviz.core.paths import demo_path
from embviz.core.tasks import run_task

QUESTIONS = datapath("questions-words.txt")


def _kv(eset):
    kv = KeyedVectors(eset.dims)
    kv.add_vectors(eset.labels, eset.vectors)
    return kv


@pytest.fixture(scope="module")
def demo():
    eset = embviz.load(demo_path())
    return eset, _kv(eset)


@pytest.fixture(scope="module")
def demo_questions(tmp_path_factory):
    """The first 12 questions of every section of questions-words.txt (gensim is slow)."""
    path = tmp_path_factory.mktemp("analogies") / "questions-subset.txt"
    out, count = [], 0
    for line in open(QUESTIONS, encoding="utf-8"):
        count = 0 if line.startswith(": ") else count + 1
        if count <= 12:
            out.append(line)
    path.write_text("".join(out), encoding="utf-8")
    return path


def _compare(eset, kv, path, **options):
    report = run_task(evaluate_analogies_task(eset, path, **options))
    score, sections = kv.evaluate_word_analogies(str(path), **options)
    assert report.accuracy == pytest.approx(score, abs=1e-12)
    total = sections[-1]
    assert report.correct == len(total["correct"])
    assert report.total == len(total["correct"]) + len(total["incorrect"])
    assert [s.name for s in report.sections] == [s["section"] for s in sections[:-1]]
    for ours, theirs in zip(report.sections, sections[:-1], strict=True):
        assert (ours.correct, ours.total) == (
            len(theirs["correct"]),
            len(theirs["incorrect"]) + len(theirs["correct"]),
        )
    return report


@pytest.mark.parametrize("name", ["euclidean_vectors.bin", "lee_fasttext.vec"])
def test_full_questions_words_equals_gensim(name):
    eset = embviz.load(datapath(name))
    report = _compare(eset, _kv(eset), QUESTIONS)
    asked = sum(len(s.questions) for s in read_analogies(QUESTIONS))
    assert report.total + report.skipped == asked == 19544


@pytest.mark.parametrize("options", [{}, {"restrict_vocab": 3000}, {"case_insensitive": False}])
def test_demo_equals_gensim(demo, demo_questions, options):
    eset, kv = demo
    report = _compare(eset, kv, demo_questions, **options)
    assert report.total > 10
    failure = next(q for s in report.sections for q in s.failures())
    assert failure.predicted and failure.predicted.upper() != failure.words[3].upper()


def test_progress_is_reported(demo, demo_questions):
    eset, _ = demo
    seen = []
    run_task(evaluate_analogies_task(eset, demo_questions), seen.append)
    assert seen[0].fraction == 0.0 and seen[-1].fraction == 1.0


@pytest.mark.parametrize("name", ["wordsim353.tsv", "simlex999.txt"])
@pytest.mark.parametrize("options", [{}, {"restrict_vocab": 2000}, {"case_insensitive": False}])
def test_similarity_equals_gensim(demo, name, options):
    eset, kv = demo
    ours = evaluate_similarity(eset, datapath(name), **options)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(datapath(name), **options)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-5)
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-5)
    assert ours.oov_ratio == pytest.approx(oov_ratio, abs=1e-9)
    lines = [x for x in open(datapath(name), encoding="utf-8") if not x.startswith("#")]
    assert ours.pairs + ours.skipped == len(lines)


def test_similarity_on_small_gensim_vectors():
    eset = embviz.load(datapath("lee_fasttext.vec"))
    ours = evaluate_similarity(eset, datapath("wordsim353.tsv"))
    pearson, spearman, oov_ratio = _kv(eset).evaluate_word_pairs(datapath("wordsim353.tsv"))
    np.testing.assert_allclose([ours.spearman, ours.pearson], [spearman[0], pearson[0]], atol=1e-5)


def test_bad_files_give_clear_messages(tmp_path, demo):
    eset, _ = demo
    bad = tmp_path / "bad.txt"
    bad.write_text("man king woman queen\n", encoding="utf-8")
    with pytest.raises(EmbvizError, match="line 1: a question before any ': section'"):
        run_task(evaluate_analogies_task(eset, bad))
    with pytest.raises(EmbvizError, match="no usable pairs"):
        evaluate_similarity(eset, bad)
    with pytest.raises(EmbvizError, match="cannot read"):
        evaluate_similarity(eset, tmp_path / "missing.tsv")
