"""Third parties extend embviz through entry points; a broken plugin is reported, not fatal."""

from __future__ import annotations

import textwrap

import numpy as np

from embviz.core.plugins import Registry
from embviz.core.tasks import run_task
from embviz.io.registry import _builtin_formats


def _install_fake_distribution(root):
    (root / "fakeplug.py").write_text(
        textwrap.dedent("""
        import numpy as np
        from embviz.core.dataset import EmbeddingSet

        class FakeFormat:
            name = "fake-format"
            title = "Fake format"
            extensions = (".fake",)

            def sniff(self, path, head):
                return 1.0 if head.startswith(b"FAKE") else 0.0

            def read(self, path, **options):
                yield from ()
                return EmbeddingSet(["x", "y"], np.eye(2))
    """)
    )
    info = root / "fakeplug-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[embviz.formats]\nfake = fakeplug:FakeFormat\nbroken = fakeplug_missing:Nope\n"
    )


def test_entry_point_format_is_found_and_broken_one_reported(tmp_path, monkeypatch):
    _install_fake_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry("embviz.formats", _builtin_formats)
    assert "fake-format" in registry.names() and "word2vec-binary" in registry.names()
    assert "broken" in registry.failures and "fakeplug_missing" in registry.failures["broken"]
    fake = registry.get("fake-format")
    path = tmp_path / "data.fake"
    path.write_bytes(b"FAKE")
    assert fake.sniff(path, b"FAKE") == 1.0
    eset = run_task(fake.read(path))
    assert eset.labels == ["x", "y"] and np.array_equal(eset.vectors, np.eye(2))


def test_unknown_name_lists_known_ones():
    registry = Registry("embviz.formats", _builtin_formats)
    try:
        registry.get("nope")
    except KeyError as exc:
        assert "word2vec-text" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected KeyError")
