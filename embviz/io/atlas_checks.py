"""Checking a partitioned atlas directory before anything is read from it: the record, every
part it lists, their columns and row counts (:mod:`embviz.io.atlas_partitions` is the contract).

Only the record and each part's Parquet footer are read, so a ten-million-row atlas is checked in
milliseconds. Each problem is a :class:`~embviz.core.errors.LoadError` naming the file, what is
wrong and what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embviz.core.errors import LoadError
from embviz.io.atlas_partitions import PARTITIONED, RECORD_FILE

REWRITE = "Write the atlas again (embviz atlas ... --cluster ... -o FOLDER)"


@dataclass
class CheckedParts:
    """What the checks found: the record, the parts in row order, their schema and row counts."""

    directory: Path
    record: dict[str, Any]
    paths: list[Path]
    rows: list[int]
    groups: list[list[int]]  # rows of each row group, per part
    schema: Any  # pyarrow.Schema of every part (without its metadata)
    warnings: list[str]

    @property
    def total(self) -> int:
        return sum(self.rows)


def read_record_strict(directory: Path) -> dict[str, Any]:
    """The record of ``directory``, or a LoadError saying why it is not a partitioned atlas."""
    path = directory / RECORD_FILE
    if not path.is_file():
        parts = sorted(directory.glob("part-*.parquet"))
        if parts:
            raise LoadError(
                directory,
                f"holds {len(parts)} atlas parts but no {RECORD_FILE}: the run that wrote it did "
                "not finish (the record is written last).",
                hint=f"{REWRITE}.",
            )
        raise LoadError(directory, "is a folder, not a file.", hint="Choose a file inside it.")
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LoadError(path, f"is not readable JSON ({exc}).", hint=f"{REWRITE}.") from None
    if not isinstance(record, dict) or record.get("kind") != "atlas":
        raise LoadError(path, 'is not an atlas record (no "kind": "atlas").', hint=f"{REWRITE}.")
    if record.get("layout") != PARTITIONED or not isinstance(record.get("partitions"), list):
        raise LoadError(
            path,
            f'does not describe a partitioned atlas ("layout": "{PARTITIONED}" with a list of '
            '"partitions").',
            hint=f"{REWRITE}.",
        )
    for i, entry in enumerate(record["partitions"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise LoadError(path, f'partition {i} has no "file".', hint=f"{REWRITE}.")
        if Path(entry["file"]).name != entry["file"]:
            raise LoadError(
                path,
                f"partition {i} names {entry['file']!r}, which is not a file of this folder.",
                hint=f"{REWRITE}.",
            )
    if not record["partitions"]:
        raise LoadError(path, "lists no partitions (no rows).", hint=f"{REWRITE}.")
    return record


def _difference(schema: Any, reference: Any) -> str:
    names, ref_names = set(schema.names), set(reference.names)
    said = []
    if missing := [n for n in reference.names if n not in names]:
        said.append("it lacks " + ", ".join(repr(n) for n in missing))
    if extra := [n for n in schema.names if n not in ref_names]:
        said.append("it has " + ", ".join(repr(n) for n in extra) + " besides")
    for name in reference.names:
        if name in names and schema.field(name).type != reference.field(name).type:
            said.append(
                f"{name!r} is {schema.field(name).type} there, {reference.field(name).type} in "
                "the first part"
            )
    return "; ".join(said) or "the columns are in another order"


def check_parts(directory: Path) -> CheckedParts:
    """The checked parts of ``directory`` (see the module's docstring)."""
    import pyarrow.parquet as pq

    record = read_record_strict(directory)
    paths, rows, groups = [], [], []
    schema = None
    first = ""
    for entry in record["partitions"]:
        path = directory / entry["file"]
        if not path.is_file():
            raise LoadError(
                path,
                f"is listed in {RECORD_FILE} but is not in the folder (a part is missing).",
                hint=f"Copy the whole folder again, or {REWRITE[0].lower()}{REWRITE[1:]}.",
            )
        try:
            meta = pq.read_metadata(path)
            part_schema = meta.schema.to_arrow_schema().remove_metadata()
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...
            raise LoadError(
                path, f"is not a readable Parquet file ({exc}).", hint=f"{REWRITE}."
            ) from None
        if schema is None:
            schema, first = part_schema, entry["file"]
        elif not part_schema.equals(schema):
            raise LoadError(
                path,
                f"has other columns than {first}: {_difference(part_schema, schema)}. Every part "
                "of an atlas has the same columns.",
                hint=f"{REWRITE}, or remove this part (and its entry in {RECORD_FILE}).",
            )
        listed = entry.get("rows")
        if listed is not None and int(listed) != meta.num_rows:
            raise LoadError(
                path,
                f"holds {meta.num_rows:,} rows, but {RECORD_FILE} says {int(listed):,}: the part "
                "and the record do not belong together.",
                hint=f"{REWRITE}.",
            )
        paths.append(path)
        rows.append(int(meta.num_rows))
        groups.append([meta.row_group(g).num_rows for g in range(meta.num_row_groups)])
    assert schema is not None
    _check_columns(directory, record, schema, first)
    total = sum(rows)
    if record.get("rows") is not None and int(record["rows"]) != total:
        raise LoadError(
            directory / RECORD_FILE,
            f"says the atlas has {int(record['rows']):,} rows, but its parts hold {total:,}.",
            hint=f"{REWRITE}.",
        )
    listed_names = {p.name for p in paths}
    strays = sorted(p.name for p in directory.glob("part-*.parquet") if p.name not in listed_names)
    warnings = []
    if strays:
        warnings.append(
            f"{len(strays)} part file(s) in the folder are not in {RECORD_FILE} and were left out "
            f"({', '.join(strays[:3])}{'…' if len(strays) > 3 else ''})."
        )
    return CheckedParts(directory, record, paths, rows, groups, schema, warnings)


def _check_columns(directory: Path, record: dict[str, Any], schema: Any, first: str) -> None:
    import pyarrow as pa

    from embviz.io.atlas_parquet import VECTOR, X, Y

    text = record.get("text_column")
    for name in (VECTOR, X, Y, *([text] if text else [])):
        if name not in schema.names:
            raise LoadError(
                directory / first,
                f"has no column {name!r}; an atlas part has the input's columns, 'vector', 'x', "
                "'y' and the cluster columns.",
                hint=f"{REWRITE}.",
            )
    kind = schema.field(VECTOR).type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind) or
            pa.types.is_fixed_size_list(kind)):  # fmt: skip
        raise LoadError(
            directory / first,
            f"its 'vector' column is {kind}, not a list of numbers.",
            hint=f"{REWRITE}.",
        )
    if record.get("dims") is not None and pa.types.is_fixed_size_list(kind):
        if kind.list_size != int(record["dims"]):
            raise LoadError(
                directory / first,
                f"its vectors have {kind.list_size} dimensions, the record says {record['dims']}.",
                hint=f"{REWRITE}.",
            )
