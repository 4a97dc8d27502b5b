"""The partitioned atlas: an atlas too big for one file, written by ``embviz atlas --cluster``.

This module is the contract between the writer (the cluster run, :mod:`embviz.cli.atlas` with
``--cluster``) and the readers (``embviz search``, the desktop, which opens it lazily).

On disk it is a directory::

    OUT/
      _embviz.json          the record (below)
      part-00000.parquet    rows 0 .. n0-1 of the input, in input order
      part-00001.parquet    the next n1 rows, ...

Every part has the same columns as a single-file atlas (:mod:`embviz.io.atlas_parquet`): the
input's columns, ``vector`` (list<float32>), ``x``, ``y`` (float32), ``cluster`` (int64, -1 =
unclustered), ``cluster_label`` and, when there is a fine level, ``cluster_fine`` /
``cluster_fine_label``; a part may be written with row groups of at most
:data:`ROW_GROUP_ROWS` rows so that a reader can take a few columns or rows without the rest.
Each part's schema metadata also carries the ``embviz`` record, so one part read on its own is
still a (smaller) atlas.

``_embviz.json`` holds the same record as a single-file atlas's ``embviz`` schema metadata (kind
"atlas", version, embedder, settings, weights checksum, text/title columns, projection, topics)
plus ``"layout": "partitioned"``, ``"rows"`` (total), ``"dims"`` and ``"partitions"``: a list of
``{"file": "part-00000.parquet", "rows": n}`` in row order. Files whose names start with ``_`` or
``.`` are ignored by ``pyarrow.dataset.dataset(OUT)``, so the directory also opens as a plain
Arrow dataset of its parts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RECORD_FILE = "_embviz.json"
PARTITIONED = "partitioned"
ROW_GROUP_ROWS = 65_536


def part_name(index: int) -> str:
    """The file name of partition ``index`` (0-based)."""
    return f"part-{index:05d}.parquet"


def write_record(directory: str | Path, record: dict[str, Any]) -> Path:
    """Write ``_embviz.json`` (call last, once every part is written: its presence marks a
    complete output)."""
    path = Path(directory) / RECORD_FILE
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(record, default=str, ensure_ascii=False, indent=1), "utf-8")
    temp.replace(path)
    return path


def read_partitioned_record(directory: str | Path) -> dict[str, Any] | None:
    """The record of a partitioned atlas directory, or None when ``directory`` is not one."""
    path = Path(directory) / RECORD_FILE
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("kind") != "atlas":
        return None
    if record.get("layout") != PARTITIONED or not isinstance(record.get("partitions"), list):
        return None
    return record


def part_paths(directory: str | Path, record: dict[str, Any]) -> list[Path]:
    """The parts' paths in row order."""
    return [Path(directory) / str(p["file"]) for p in record["partitions"]]
