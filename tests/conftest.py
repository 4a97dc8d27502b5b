"""Shared fixtures. Qt runs offscreen when there is no display (CI also provides Xvfb)."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):
    """As the app does: OpenGL widgets share resources (set before pytest-qt's QApplication).
    Without Qt (the core tests run where it is not installed) there is nothing to set."""
    try:
        from embviz.gui.app import share_gl_contexts
    except ImportError:
        return
    share_gl_contexts()


def pytest_collection_finish(session):
    """Start the whole-process checks of the collected tests in the background (tests/background.py)."""
    if session.config.option.collectonly:
        return
    from tests import background

    modules = {id(m): m for m in (getattr(item, "module", None) for item in session.items) if m}
    for module in modules.values():
        for name, make_job in getattr(module, "BACKGROUND", {}).items():
            job = make_job()
            if job is not None:
                background.register(name, job, start=True)


def pytest_runtest_teardown(item):
    """Once a window has switched automatic collection off (embviz.gui.gui_gc), tests that run no
    event loop would never collect: collect between tests when the counts call for it."""
    try:
        from embviz.gui.gui_gc import collect_if_due
    except ImportError:  # no Qt here
        return
    collect_if_due()


def pytest_sessionfinish(session):
    from tests import background

    background.stop_all()


def write_glove(path, labels, vectors) -> None:
    """A GloVe text file (no header), written the way GloVe writes it."""
    with open(path, "w", encoding="utf-8") as f:
        for label, row in zip(labels, vectors, strict=True):
            f.write(label + " " + " ".join(repr(float(v)) for v in row) + "\n")


@pytest.fixture
def small_glove(tmp_path):
    rng = np.random.default_rng(7)
    labels = [f"word{i}" for i in range(50)]
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    path = tmp_path / "small.txt"
    write_glove(path, labels, vectors)
    return path, labels, vectors
