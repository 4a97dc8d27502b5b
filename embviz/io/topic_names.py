"""Writing topic names (CSV or JSON) to a file, atomically (see :mod:`embviz.io.safe_write`)."""

from __future__ import annotations

from pathlib import Path

from embviz.core.topics.columns import names_as_csv, names_as_json
from embviz.core.topics.model import Topics
from embviz.io.safe_write import atomic_write


def export_names(topics: Topics, path: str | Path, *, force: bool = False) -> Path:
    """Write every level's names to ``path``: ``.json`` as JSON, anything else as CSV."""
    path = Path(path)
    text = names_as_json(topics) if path.suffix.lower() == ".json" else names_as_csv(topics)
    with atomic_write([path], force=force) as (temp,):
        temp.write_text(text, encoding="utf-8")
    return path
