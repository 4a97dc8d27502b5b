"""Small corpora of real documents for the atlas GUI tests (pang_lee_polarity from gensim's test
data: 200 one-line film reviews labelled __label__pos / __label__neg)."""

from __future__ import annotations

import numpy as np
from gensim.test.utils import datapath

from embviz.core.corpus import ROW_COLUMN, CorpusInfo
from embviz.core.dataset import EmbeddingSet, Source

GRID_COLUMNS = 10


def pang_lee(n: int = 60) -> tuple[list[str], list[str]]:
    """(texts, labels) of ``n`` reviews, alternating negative and positive ones."""
    lines = (
        open(datapath("pang_lee_polarity.cor"), encoding="cp1252", errors="replace")
        .read()
        .splitlines()
    )
    neg = [line for line in lines if line.startswith("__label__neg")]
    pos = [line for line in lines if line.startswith("__label__pos")]
    picked = [line for pair in zip(neg, pos, strict=False) for line in pair][:n]
    labels = [line.split()[0].removeprefix("__label__") for line in picked]
    texts = [line.split(" ", 1)[1].strip() for line in picked]
    return texts, labels


def grid_corpus(n: int = 60) -> EmbeddingSet:
    """A corpus set whose vectors are 2-D grid positions (so the map IS the grid and every dot
    has its own pixels), with the reviews' texts, sentiment, word counts and dates as metadata."""
    texts, labels = pang_lee(n)
    coords = np.array([[i % GRID_COLUMNS, i // GRID_COLUMNS] for i in range(n)], dtype=np.float32)
    titles = [f"{i}: {' '.join(t.split()[:4])}" for i, t in enumerate(texts)]
    metadata = {
        "text": np.array(texts, dtype=object),
        "sentiment": np.array(labels, dtype=object),
        "words": np.array([len(t.split()) for t in texts], dtype=np.float64),
        "date": np.datetime64("2021-01-01") + np.arange(n) * np.timedelta64(3, "D"),
        ROW_COLUMN: np.arange(n, dtype=np.int64),
    }
    eset = EmbeddingSet(titles, coords, metadata, Source(format="test corpus"), name="reviews")
    eset.corpus = CorpusInfo(text_column="text", embedder="grid positions (test)")
    return eset


def open_corpus(window, qtbot, eset: EmbeddingSet) -> None:
    window.session.add_set(eset)
    qtbot.waitUntil(lambda: window.session.current is eset and window.is_idle(), timeout=20000)
    qtbot.wait(100)
