"""Rows outside a fitted sample placed a chunk at a time (embviz.reduce.umap_place), against
umap-learn's own ``transform`` of all of them in one call, on the same fitted model."""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from embviz.core.tasks import run_task
from embviz.reduce import projection_task
from embviz.reduce.umap_place import SMALL_TRANSFORM, chunk_bounds, chunk_size, place_rows


def test_chunks_are_balanced_and_keep_umap_learns_epoch_rule():
    assert chunk_bounds(10, 4) == [(0, 3), (3, 6), (6, 10)]  # 3 chunks: 10 * i // 3
    assert chunk_bounds(8, 4) == [(0, 4), (4, 8)]
    assert chunk_bounds(3, 25) == [(0, 3)]
    assert chunk_bounds(0, 25) == []
    with pytest.raises(ValueError, match="at least 1"):
        chunk_bounds(5, 0)

    class Unset:  # n_epochs unset: umap-learn runs 100 epochs at <= 10,000 new rows, 30 above
        n_epochs = None

    for m in (10_001, 20_003, 25_001, 37_500, 50_001, 950_000):
        for size in (1_000, 25_000):
            bounds = chunk_bounds(m, chunk_size(Unset(), m, size))
            sizes = [stop - start for start, stop in bounds]
            assert sum(sizes) == m and bounds[0][0] == 0 and bounds[-1][1] == m
            assert min(sizes) > SMALL_TRANSFORM  # each chunk gets the 30 epochs one call gets
            assert max(sizes) <= max(size, 2 * SMALL_TRANSFORM + 2)
    assert chunk_size(Unset(), SMALL_TRANSFORM, 1_000) == 1_000  # one call: 100 epochs too

    class Set:
        n_epochs = 60

    assert chunk_size(Set(), 50_000, 1_000) == 1_000


@pytest.fixture(scope="module")
def fitted():
    """umap-learn fitted on 1,000 demo words with its NN-descent index (forced: below 4,096 rows
    it would search exhaustively), and 3,000 other demo words to place."""
    import umap

    import embviz
    from embviz.core.paths import demo_path

    demo = np.asarray(embviz.load(demo_path()).vectors, dtype=np.float32)
    rows = np.random.default_rng(1).choice(len(demo), 4000, replace=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = umap.UMAP(
            metric="cosine", random_state=0, n_epochs=60, force_approximation_algorithm=True
        ).fit(demo[rows[:1000]])
    return model, demo[rows[1000:]]


def _graph_max(model, x):
    """The largest edge weight of umap-learn's own graph for a transform call of ``x``."""
    model.transform_mode = "graph"
    try:
        return float(model.transform(x).data.max())
    finally:
        model.transform_mode = "embedding"


def test_chunked_placement_is_umap_learns_transform(fitted):
    """Each new row is placed on its own in umap-learn's transform (its update moves it against
    the fitted embedding only). What couples the rows of one call: the edge weights are divided
    by the call's largest weight, and pynndescent's query carries one random state from row to
    row (used only where a tree leaf holds fewer than k candidates). So a chunk whose largest
    weight equals the whole call's must give (nearly every one of) its rows bit for bit as one
    call does; the other chunks differ only by that scale, so the layout is as trustworthy."""
    model, x = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one_call = model.transform(x)
        out = np.full((len(x), 2), np.nan, dtype=np.float32)
        place_rows(model, x, np.arange(len(x)), out, lambda _: None, size=1000)
        whole = _graph_max(model, x)
        maxima = [_graph_max(model, x[a:b]) for a, b in chunk_bounds(len(x), 1000)]
    assert np.isfinite(out).all()
    same = np.all(out == one_call, axis=1)
    equal_max = [i for i, top in enumerate(maxima) if top == whole]
    assert equal_max  # the chunk holding the call's largest weight, at least
    for i in equal_max:
        assert same[i * 1000 : (i + 1) * 1000].mean() >= 0.99
    spread = np.linalg.norm(one_call.std(axis=0))
    moved = np.linalg.norm(out - one_call, axis=1)
    assert np.median(moved) < 0.05 * spread  # the same map, not a shuffled one (about 1.4x)
    theirs = trustworthiness(x, one_call, n_neighbors=10)
    ours = trustworthiness(x, out, n_neighbors=10)
    assert abs(ours - theirs) < 0.01, (ours, theirs)


class Recorder:
    """A stand-in for a fitted model that records each transform call (its rows' count) and
    what tracemalloc held then; its layout is the rows' first two columns."""

    n_epochs = 60

    def __init__(self):
        self.calls = []

    def transform(self, rows):
        self.calls.append(len(rows))
        return rows[:, :2] * 2.0


def test_placement_copies_one_chunk_at_a_time_and_reports_between_chunks(tmp_path):
    """The old path copied every other row at once (``x[rest]``: 19,000 rows here, 19 MB);
    chunks of 4,000 rows copy at most 4 MB at a time. The matrix is memory-mapped as in the
    app's UMAP process."""
    x = np.random.default_rng(0).normal(size=(20_000, 256)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    rest = np.arange(1_000, 20_000)
    out = np.full((len(x), 2), np.nan, dtype=np.float32)
    events, model = [], Recorder()
    tracemalloc.start()
    try:
        place_rows(
            model,
            mapped,
            rest,
            out,
            lambda text: events.append(text),
            lambda coords, done: events.append((done, int(np.isfinite(coords[:, 0]).sum()))),
            size=4_000,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.array_equal(out[rest], x[rest, :2] * 2.0) and np.isnan(out[:1_000]).all()
    assert model.calls == [3_800] * 5  # 19,000 rows in 5 balanced chunks
    assert peak < 0.4 * x[rest].nbytes, peak  # one copy of every other row: 1x and more
    texts = [e for e in events if isinstance(e, str)]
    assert [t.split(": ")[-1] for t in texts] == [
        f"{k:,} of 19,000 placed" for k in range(0, 19_000, 3_800)
    ]
    partials = [e for e in events if isinstance(e, tuple)]
    assert partials == [(k / 19_000, k) for k in range(3_800, 19_000, 3_800)]  # between chunks
    assert events.index(texts[1]) == events.index(partials[0]) + 1  # in order


def test_a_sampled_umap_shows_the_fitted_rows_first_then_every_row(words):
    """Through the app's UMAP process: a partial layout of the fitted sample alone (the other
    rows not yet placed: NaN), then every row placed."""
    partials = []
    result = run_task(
        projection_task(words, "umap", {"seed": 2, "fit_sample": 200}),
        lambda p: partials.append(p.partial) if p.partial is not None else None,
    )
    assert result.coords.shape == (len(words), 2) and np.isfinite(result.coords).all()
    sample = [p for p in partials if p.axis_titles[0] == "UMAP 1"]
    assert sample, "no partial layout of the fitted sample"
    shown = np.isfinite(sample[0].coords).all(axis=1)
    assert shown.sum() == 200  # the fitted rows, and only they
    assert np.allclose(sample[0].coords[shown], result.coords[shown])
    assert trustworthiness(words.vectors, result.coords, n_neighbors=10) > 0.7


def test_a_sampled_umap_is_umap_learns_fit_and_transform(words):
    """The app writes the sample's rows first in the file its UMAP process maps (so that only
    their pages are read while umap-learn fits); the layout must still be umap-learn's own fit
    of the sample and transform of the rest, in the set's order, as umap-learn computes them
    here on the rows picked the same way."""
    import umap

    from embviz.reduce.sampling import split_rows

    x = np.asarray(words.vectors, dtype=np.float32)
    result = run_task(projection_task(words, "umap", {"seed": 2, "fit_sample": 200}))
    fitted, rest = split_rows(len(x), 200, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=2)
        model.fit(x[fitted])
        reference = np.empty((len(x), 2), dtype=np.float32)
        reference[fitted] = model.embedding_
        reference[rest] = model.transform(x[rest])
    spread = np.linalg.norm(reference.std(axis=0))
    # the same numbers up to float rounding (two processes; a shuffled order would move rows
    # by about the spread)
    assert np.abs(result.coords - reference).max() < 1e-3 * spread
