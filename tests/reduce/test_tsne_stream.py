"""t-SNE streamed from one openTSNE run: the same numbers as openTSNE's TSNE.fit, and Cancel
stops its worker thread."""

import threading
import time

import numpy as np
import pytest

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
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


@pytest.fixture
def slow_gradient(monkeypatch):
    """openTSNE's Barnes-Hut gradient, 60 ms slower per iteration: slow iterations, as at large
    sizes, on a set small enough for a test."""
    from openTSNE import tsne

    original = tsne.kl_divergence_bh

    def slow(*args, **kwargs):
        time.sleep(0.06)
        return original(*args, **kwargs)

    monkeypatch.setattr(tsne, "kl_divergence_bh", slow)
    return 0.06


def _iterations(message):
    return int(message.split("iteration ")[1].split(" of")[0])


def test_cancel_waits_for_one_iteration_not_for_a_callback(words, slow_gradient):
    """Cancel lands before the next iteration. Callbacks every 25 iterations (as before) made it
    wait up to 25 slow iterations: 1.5 s here, 4-10 s at 100,000 rows."""
    task = projection_task(words, "tsne", {"early_iterations": 250, "iterations": 500})
    for progress in task:
        if "iteration" in progress.message and _iterations(progress.message) >= 3:
            break
    started = time.perf_counter()
    task.close()
    assert time.perf_counter() - started < 10 * slow_gradient  # one iteration, and slack
    assert not [t for t in threading.enumerate() if t.name == "embviz-tsne"]


def test_partial_layouts_keep_coming_when_iterations_are_slow(words, slow_gradient):
    """A partial layout at least every PUBLISH_SECONDS and one iteration, however slow the
    iterations (with a callback every 25 iterations, 1.5 s apart here)."""
    from embviz.reduce.tsne_stream import PUBLISH_SECONDS

    task = projection_task(words, "tsne", {"early_iterations": 250, "iterations": 500})
    seen = []
    for progress in task:
        if progress.partial is not None and "iteration" in progress.message:
            seen.append((time.perf_counter(), _iterations(progress.message)))
        if len(seen) >= 5:
            break
    task.close()
    gaps = np.diff([t for t, _ in seen])
    assert gaps.max() < PUBLISH_SECONDS + 10 * slow_gradient, gaps
    steps = np.diff([i for _, i in seen])
    assert steps.min() >= 1 and steps.max() < 25  # iterations counted one by one


def test_cancel_in_the_early_phase_leaves_the_affinities_as_they_were(words, slow_gradient):
    """openTSNE multiplies P by the exaggeration during the early phase and divides it back
    when the phase ends; stopped midway, the stream divides it back itself."""
    from openTSNE import TSNE

    from embviz.reduce.tsne_stream import OptimisationStream

    x = scaled(words.vectors)
    embedding = TSNE(
        learning_rate=len(x) / 12,
        metric="cosine",
        initialization=initial_layout(x, 2, 1, True),
        neighbors=ExactNeighbors(x, 90, metric="cosine"),
        negative_gradient_method="bh",
        random_state=1,
    ).prepare_initial(x)
    before = embedding.affinities.P.copy()
    stream = OptimisationStream(embedding, 250, 12.0, 750)
    run = stream.run()
    for done, _ in run:
        if done >= 2:
            break
    run.close()
    assert 2 <= stream._done < 250  # stopped in the early phase
    after = embedding.affinities.P
    assert np.array_equal(after.indices, before.indices)
    assert np.allclose(after.data, before.data, rtol=1e-12, atol=0)
    assert abs(after.sum() - 1.0) < 1e-9  # openTSNE's P sums to 1 (not 12)


def test_a_layout_that_diverges_stops_with_a_message(words, monkeypatch):
    """A NaN in the layout ends the run with a message before openTSNE's gradient sees it (its
    FFT gradient crashes the process on NaN)."""
    from openTSNE import tsne

    original = tsne.kl_divergence_bh
    calls = []

    def poisoned(embedding, P, **kwargs):
        calls.append(np.isfinite(embedding).all())
        error, gradient = original(embedding, P, **kwargs)
        if len(calls) == 5:
            gradient[0, 0] = np.nan  # the update then puts NaN into row 0
        return error, gradient

    monkeypatch.setattr(tsne, "kl_divergence_bh", poisoned)
    with pytest.raises(EmbvizError, match="diverged"):
        run_task(projection_task(words, "tsne", {"early_iterations": 50, "iterations": 50}))
    assert all(calls)  # the gradient never saw the NaN


def test_opentsne_auto_gradient_is_resolved_as_opentsne_resolves_it(words):
    """With "auto" the stream still wraps the gradient (else no layouts and no Cancel): Barnes-Hut
    below 10,000 rows, as openTSNE's _handle_nice_params chooses."""
    from openTSNE import TSNE

    from embviz.reduce.tsne_stream import OptimisationStream

    x = scaled(words.vectors)
    embedding = TSNE(
        metric="cosine",
        initialization=initial_layout(x, 2, 1, True),
        neighbors=ExactNeighbors(x, 30, metric="cosine"),
        negative_gradient_method="auto",
    ).prepare_initial(x)
    assert OptimisationStream(embedding, 1, 12.0, 2)._method() == "bh"
