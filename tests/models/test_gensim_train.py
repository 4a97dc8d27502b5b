"""Training equals gensim's own, epoch partials arrive, cancel stops, bad corpora are explained."""

from __future__ import annotations

import numpy as np
import pytest

gensim = pytest.importorskip("gensim", reason="needs gensim")

from gensim.models import FastText, Word2Vec  # noqa: E402
from gensim.models.word2vec import LineSentence  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402

from embviz.core.errors import EmbvizError  # noqa: E402
from embviz.core.tasks import run_task  # noqa: E402
from embviz.models import adapters  # noqa: E402
from embviz.models.gensim_train import TrainParams, save, train  # noqa: E402
from embviz.models.static import lookup, subword_vectors  # noqa: E402

LEE = datapath("lee_background.cor")


@pytest.mark.parametrize(
    ("algorithm", "architecture", "reference"),
    [
        ("word2vec", "skipgram", Word2Vec),
        ("word2vec", "cbow", Word2Vec),
        ("fasttext", "cbow", FastText),
    ],
)
def test_vectors_equal_gensim_with_same_seed(algorithm, architecture, reference):
    params = TrainParams(
        algorithm=algorithm, architecture=architecture, vector_size=24, epochs=2, seed=3, workers=1
    )
    seen = []
    eset = run_task(train(LEE, params), seen.append)
    expected = reference(
        LineSentence(LEE),
        vector_size=24,
        epochs=2,
        seed=3,
        workers=1,
        min_count=5,
        window=5,
        negative=5,
        sg=int(architecture == "skipgram"),
    )
    assert eset.labels == expected.wv.index_to_key
    np.testing.assert_array_equal(eset.vectors, expected.wv.vectors)
    partials = [p.partial for p in seen if p.partial is not None]
    assert [p.name.endswith(f"(epoch {i})") for i, p in enumerate(partials, 1)] == [True, True]
    assert eset.metadata["count"][0] == expected.wv.get_vecattr(
        expected.wv.index_to_key[0], "count"
    )


def test_fasttext_gives_unseen_words_subword_vectors():
    eset = run_task(
        train(LEE, TrainParams(algorithm="fasttext", vector_size=16, epochs=1, workers=1))
    )
    model = eset.model
    words = lookup(eset, ["government", "governmentalisation"], subword_vectors(eset))
    assert words.metadata["from"].tolist() == ["vocabulary", "subwords"]
    np.testing.assert_allclose(words.vectors[1], model.wv["governmentalisation"], rtol=1e-6)


def test_cancel_between_epochs_stops_training():
    task = train(LEE, TrainParams(epochs=50, workers=1, vector_size=16))
    for progress in task:
        if progress.partial is not None:
            break
    task.close()  # what the GUI's Cancel does; must return promptly and stop the thread
    with pytest.raises(StopIteration):
        next(task)


def test_cancel_while_reading_returns_promptly():
    import time

    task = train(LEE, TrainParams(epochs=1, workers=1, vector_size=8))
    next(task)
    started = time.monotonic()
    task.close()
    assert time.monotonic() - started < 5


def test_save_model_and_vectors(tmp_path):
    eset = run_task(train(LEE, TrainParams(epochs=1, workers=1, vector_size=8)))
    save(eset, tmp_path / "m.model")
    save(eset, tmp_path / "v.bin")
    assert Word2Vec.load(str(tmp_path / "m.model")).wv.vector_size == 8
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    np.testing.assert_array_equal(kv.vectors, eset.vectors)


def test_bad_corpora(tmp_path):
    with pytest.raises(EmbvizError, match="does not exist"):
        run_task(train(tmp_path / "missing.txt"))
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(EmbvizError, match="corpus is empty"):
        run_task(train(tmp_path / "empty.txt"))
    (tmp_path / "dir").mkdir()
    with pytest.raises(EmbvizError, match="holds no files"):
        run_task(train(tmp_path / "dir"))
    (tmp_path / "tiny.txt").write_text("one two three\n")
    with pytest.raises(EmbvizError, match="min_count"):
        run_task(train(tmp_path / "tiny.txt"))


def test_folder_corpus_and_adapter(tmp_path):
    (tmp_path / "a.txt").write_text("the cat sat on the mat\n" * 20)
    (tmp_path / "b.txt").write_text("the dog sat on the log\n" * 20)
    adapter = adapters.get("gensim")
    params = adapter.params(corpus=str(tmp_path), epochs=1, workers=1, vector_size=8, min_count=1)
    eset = run_task(adapter.embed(["cat", "dog", "unicorn"], "words", params))
    assert eset.labels == ["cat", "dog"] and "unicorn" in eset.warnings[0]


def test_static_lookup_from_a_set():
    from embviz.core.dataset import EmbeddingSet

    base = EmbeddingSet(["King", "queen"], np.eye(2, dtype=np.float32))
    adapter = adapters.get("static")
    params = adapter.params(source_set=base, case_sensitive=False)
    eset = run_task(adapter.embed(["Queen", "king", "rook"], "words", params))
    assert eset.labels == ["Queen"]  # only the lower-case form is tried, not "King"
    np.testing.assert_array_equal(eset.vectors, [[0, 1]])
    assert "king, rook" in eset.warnings[0]
    with pytest.raises(EmbvizError, match="None of the"):
        run_task(adapter.embed(["rook"], "words", params))
