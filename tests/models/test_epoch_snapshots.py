"""Epoch snapshots of in-app training equal gensim trained to that epoch directly."""

from __future__ import annotations

import numpy as np
import pytest

gensim = pytest.importorskip("gensim", reason="needs gensim")

from gensim.models import Word2Vec  # noqa: E402
from gensim.models.word2vec import LineSentence  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402

from embviz.core.compare.sequence import sequence_from_epochs  # noqa: E402
from embviz.core.tasks import run_task  # noqa: E402
from embviz.models.epoch_snapshots import EpochSnapshots, snapshots_of  # noqa: E402
from embviz.models.gensim_train import TrainParams, train  # noqa: E402

LEE = datapath("lee_background.cor")
EPOCHS = 3


@pytest.fixture(scope="module")
def trained():
    params = TrainParams(vector_size=16, epochs=EPOCHS, seed=5, workers=1, min_count=5)
    return run_task(train(LEE, params))


def _gensim_until(epoch: int) -> np.ndarray:
    """gensim's own Word2Vec, trained for the first ``epoch`` of an EPOCHS-epoch run: its learning
    rate falls linearly over the whole run (alpha -> min_alpha), so the first ``epoch`` epochs
    are a train() call for ``epoch`` epochs whose rate ends where the full run's is then."""
    model = Word2Vec(vector_size=16, seed=5, workers=1, min_count=5, window=5, negative=5)
    sentences = LineSentence(LEE)
    model.build_vocab(sentences)
    alpha, min_alpha = model.alpha, model.min_alpha
    end = alpha - (alpha - min_alpha) * epoch / EPOCHS
    model.train(
        sentences,
        total_examples=model.corpus_count,
        epochs=epoch,
        start_alpha=alpha,
        end_alpha=end,
    )
    return model.wv.vectors


def test_every_epoch_is_kept_and_the_last_equals_gensim(trained):
    snapshots = snapshots_of(trained)
    assert snapshots is not None and snapshots.epochs == [1, 2, 3]
    np.testing.assert_array_equal(snapshots.at(EPOCHS), trained.vectors)
    full = Word2Vec(
        LineSentence(LEE), vector_size=16, seed=5, workers=1, min_count=5, epochs=EPOCHS
    )
    np.testing.assert_array_equal(snapshots.at(EPOCHS), full.wv.vectors)
    np.testing.assert_array_equal(snapshots.at(EPOCHS), _gensim_until(EPOCHS))


def test_intermediate_epochs_equal_gensim_stopped_there(trained):
    snapshots = snapshots_of(trained)
    np.testing.assert_array_equal(snapshots.at(1), _gensim_until(1))  # same seed, one worker
    np.testing.assert_array_equal(snapshots.at(2), _gensim_until(2))
    assert not np.allclose(snapshots.at(1), snapshots.at(EPOCHS), atol=1e-3)


def test_epochs_become_an_aligned_sequence(trained):
    sequence = sequence_from_epochs(trained)
    assert sequence.names == ["epoch 1", "epoch 2", "epoch 3"]
    layouts = run_task(sequence.layouts("pca"))
    assert [x.shape for x in layouts] == [(len(trained), 2)] * 3


def test_the_budget_thins_evenly_and_keeps_the_last():
    one = np.zeros((10, 10), dtype=np.float32)  # 400 bytes
    snapshots = EpochSnapshots([str(i) for i in range(10)], budget_bytes=4 * one.nbytes)
    for epoch in range(1, 4):
        snapshots.add(epoch, one + epoch)
    assert snapshots.epochs == [1, 2, 3]
    for epoch in range(4, 12):
        snapshots.add(epoch, one + epoch)
        assert snapshots.nbytes <= 4 * one.nbytes
    assert snapshots.epochs == [4, 8, 11] and snapshots.stride == 4
    assert float(snapshots.at(11)[0, 0]) == 11.0
    assert "every 4th epoch" in snapshots.describe()
