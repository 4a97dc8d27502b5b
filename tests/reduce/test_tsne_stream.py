"""t-SNE streamed from one openTSNE run: the same numbers as openTSNE's TSNE.fit, and Cancel
stops its worker thread."""

import threading
import time

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.tasks import run_task
from embviz.reduce import projection_task
from embviz.reduce.tsne import initial_layout, scaled
from embviz.reduce.tsne_knn import ExactNeighbors
from embviz.reduce.tsne_stream import GradientWithoutError, gradient_without_error


def test_streamed_layout_is_opentsne_fit_itself(words):
    from openTSNE import TSNE

    partials = []
    params = {"early_iterations": 60, "iterations": 90, "seed": 3}
    ours = run_task(
        projection_task(words, "tsne", params),
        lambda p: partials.append(p) if p.partial is not None else None,
    )
    x = scaled(words.vectors)
    reference = TSNE(
        early_exaggeration_iter=60,
        learning_rate=len(x) / 12,  # embviz's auto: rows / early exaggeration, both phases
        n_iter=90,
        metric="cosine",
        initialization=initial_layout(x, 2, 3, True),
        neighbors=ExactNeighbors(x, 90, metric="cosine"),
        negative_gradient_method="bh",
        random_state=3,
    ).fit(x)
    assert np.allclose(ours.coords, np.asarray(reference), atol=1e-4)
    assert any("iteration" in p.message for p in partials)  # layouts while it optimised


def test_cancel_stops_the_optimiser_thread(words):
    eset = EmbeddingSet(words.labels, words.vectors)
    task = projection_task(eset, "tsne", {"early_iterations": 250, "iterations": 20000})
    for progress in task:
        if "iteration" in progress.message:
            break
    started = time.perf_counter()
    task.close()  # what the GUI's worker does on Cancel
    assert time.perf_counter() - started < 5.0
    assert not [t for t in threading.enumerate() if t.name == "embviz-tsne"]


@pytest.mark.parametrize("method", ["fft", "bh"])
def test_gradient_without_error_moves_points_as_opentsnes_own(words, method):
    """The wrapped gradient skips only the KL divergence: the layout after the same iterations
    is openTSNE's own, with its own gradient function (FFT and Barnes-Hut)."""
    from openTSNE import TSNE

    x = scaled(words.vectors)

    def prepared():
        return TSNE(
            learning_rate=len(x) / 12,
            metric="cosine",
            initialization=initial_layout(x, 2, 1, True),
            neighbors=ExactNeighbors(x, 90, metric="cosine"),
            negative_gradient_method=method,
            random_state=1,
        ).prepare_initial(x)

    theirs = prepared()
    theirs.optimize(40, exaggeration=12, momentum=0.8, inplace=True)
    theirs.optimize(30, momentum=0.8, inplace=True, learning_rate=len(x) / 12)
    ours = prepared()
    wrapped = gradient_without_error(method, 40)
    ours.optimize(40, exaggeration=12, momentum=0.8, inplace=True, negative_gradient_method=wrapped)
    assert isinstance(wrapped, GradientWithoutError) and wrapped.evaluated == 40  # no final one
    ours.optimize(
        30,
        momentum=0.8,
        inplace=True,
        learning_rate=len(x) / 12,
        negative_gradient_method=gradient_without_error(method, 30),
        callbacks=lambda *_: False,
        callbacks_every_iters=5,  # openTSNE asks for the error here: it is skipped
    )
    assert np.allclose(np.asarray(ours), np.asarray(theirs), atol=1e-6)
    assert theirs.kl_divergence > 0 and ours.kl_divergence == 0.0  # what is skipped


def test_other_gradient_methods_are_handed_on_as_they_are():
    assert gradient_without_error("auto", 10) == "auto"
