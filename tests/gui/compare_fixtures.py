"""Small real spaces for the compare tests: 200 words of the demo set (all-MiniLM-L6-v2) and a
rotated copy of them in which a few words were given other words' vectors (so they "moved")."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from embviz.core.dataset import EmbeddingSet
from embviz.core.paths import demo_path
from tests.gui.pixel_probe import window_pos

N_WORDS = 200
MOVED = 8  # words given the vector of another word (far away) in B


def demo_slice() -> tuple[list[str], np.ndarray]:
    with np.load(demo_path()) as data:
        labels = [str(x) for x in data["labels"][400 : 400 + N_WORDS]]
        vectors = np.asarray(data["vectors"][400 : 400 + N_WORDS], dtype=np.float32)
    return labels, vectors


def rotation(dims: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dims, dims)))
    return q * np.sign(np.diag(r))


def spaces(seed: int = 7) -> tuple[EmbeddingSet, EmbeddingSet, list[str]]:
    """(A, B, the words that moved): B = A rotated, a little noise, MOVED words swapped far."""
    labels, x = demo_slice()
    rng = np.random.default_rng(seed)
    y = x @ rotation(x.shape[1], seed) + rng.normal(scale=0.002, size=x.shape)
    moved = rng.choice(N_WORDS, MOVED, replace=False)
    donors = rng.choice(np.setdiff1d(np.arange(N_WORDS), moved), MOVED, replace=False)
    y[moved] = (x[donors] @ rotation(x.shape[1], seed))[:, :]
    a = EmbeddingSet(labels, x, name="A")
    b = EmbeddingSet(labels, y.astype(np.float32), name="B")
    return a, b, [labels[i] for i in moved]


def pixel_of(window, view, xy) -> np.ndarray:
    p = window_pos(window, view, float(xy[0]), float(xy[1]))
    return np.array([p.x(), p.y()])


def isolated(points: np.ndarray, gap: float) -> np.ndarray:
    """Indices of points with no other point within ``gap`` pixels."""
    d = np.linalg.norm(points[:, None] - points[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return np.flatnonzero(d.min(axis=1) > gap)


def viewport_centre(window, view) -> QPointF:
    from tests.gui.pixel_probe import data_area

    return data_area(window, view).center()
