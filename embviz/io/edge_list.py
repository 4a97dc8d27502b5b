"""Edge lists: one edge per line, ``source target [weight]``, tab-, comma- or space-separated.

Read as graph tools write them: gensim's ``poincare_hypernyms.tsv`` (``child<TAB>parent``),
networkx's ``write_edgelist`` / ``write_weighted_edgelist`` (space-separated), SNAP and KONECT
files (``#`` or ``%`` comment lines), and CSV tables with a header (``source,target,weight``).

- The delimiter is that of the first edge line: a tab, else a comma, else runs of spaces. CSV
  quoting (``"a, b",c``) is honoured for tabs and commas.
- A header line is recognised by its names (``source``/``target``, ``from``/``to``, ``u``/``v``,
  ...) without a numeric weight, or by a third column that is not a number above weighted edges.
- The optional third column is the edge's weight: a positive finite number, on every line or on
  none. A line that breaks these rules stops the reading with its file, line number, what is
  wrong and what to do.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embviz.core.errors import LoadError

COMMENT_PREFIXES = ("#", "%", "//")
HEADER_NAMES = frozenset(
    {
        "source", "target", "src", "dst", "from", "to", "u", "v", "node1", "node2", "node_1",
        "node_2", "head", "tail", "child", "parent", "id1", "id2", "start", "end",
    }
)  # fmt: skip
FORMAT_HINT = (
    "Each line needs two node names and optionally a weight, separated by a tab, a comma or "
    "spaces (lines starting with # are comments)."
)


@dataclass
class EdgeList:
    """The edges of a file in file order (repeated edges kept: callers decide what they mean)."""

    path: str
    sources: list[str]
    targets: list[str]
    weights: np.ndarray | None  # float64, one per edge; None when the file has no weights
    delimiter: str  # "\t", "," or " " (runs of spaces)
    header: list[str] | None = None
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sources)

    @property
    def relations(self) -> list[tuple[str, str]]:
        """(source, target) pairs in file order: what gensim's PoincareRelations yields."""
        return list(zip(self.sources, self.targets, strict=True))

    def nodes(self) -> list[str]:
        """Every node once, in order of first appearance (source before target on a line)."""
        return list(dict.fromkeys(n for pair in self.relations for n in pair))


def _is_comment(text: str) -> bool:
    stripped = text.strip()
    return not stripped or stripped.startswith(COMMENT_PREFIXES)


def _delimiter(line: str) -> str:
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    return " "


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _looks_like_header(fields: list[str], following: list[str] | None) -> bool:
    names = [f.strip().lower() for f in fields]
    if len(names) == 3 and _number(names[2]) is not None:
        return False  # a weighted edge
    if len(names) >= 2 and names[0] in HEADER_NAMES and names[1] in HEADER_NAMES:
        return True
    if len(names) == 3 and _number(names[2]) is None:
        return following is not None and len(following) == 3 and _number(following[2]) is not None
    return False


def _lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the lines that are not comments or blank."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(
            path, "the file does not exist.", hint="Choose an edge list file."
        ) from None
    except IsADirectoryError:
        raise LoadError(path, "is a folder.", hint="Choose an edge list file.") from None
    out = []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(
                path,
                f"byte {exc.start + 1} is not UTF-8 text.",
                line=number,
                hint="Save the edge list as UTF-8.",
            ) from None
        if not _is_comment(text):
            out.append((number, text.rstrip("\r\n")))
    return out


def read_edge_list(path: str | Path) -> EdgeList:
    """Read ``path``; LoadError (file, line, what, what to do) on the first bad line."""
    path = Path(path)
    lines = _lines(path)
    if not lines:
        raise LoadError(path, "holds no edges.", hint=FORMAT_HINT)
    delimiter = _delimiter(lines[0][1])
    rows = [(number, _split(text, delimiter)) for number, text in lines]
    header = None
    following = rows[1][1] if len(rows) > 1 else None
    if _looks_like_header(rows[0][1], following):
        header = rows[0][1]
        rows = rows[1:]
        if not rows:
            raise LoadError(path, "holds a header line but no edges.", hint=FORMAT_HINT)
    width = len(rows[0][1])
    sources: list[str] = []
    targets: list[str] = []
    weights: list[float] = []
    for number, fields in rows:
        _check_fields(path, number, fields, width, delimiter)
        sources.append(fields[0])
        targets.append(fields[1])
        if width == 3:
            weights.append(_weight(path, number, fields[2]))
    edges = EdgeList(
        str(path),
        sources,
        targets,
        np.array(weights, dtype=np.float64) if width == 3 else None,
        delimiter,
        header,
    )
    loops = sum(1 for s, t in zip(sources, targets, strict=True) if s == t)
    if loops:
        edges.warnings.append(f"{loops:,} edges join a node to itself (self-loops).")
    return edges


def _check_fields(path: Path, number: int, fields: list[str], width: int, delimiter: str) -> None:
    shown = {"\t": "tab", ",": "comma", " ": "space"}[delimiter]
    if len(fields) < 2:
        raise LoadError(
            path,
            f"only one field ({fields[0] if fields else ''!r}) where an edge needs two node "
            f"names (separated by a {shown}, as on the first edge line).",
            line=number,
            hint=FORMAT_HINT,
        )
    if len(fields) > 3:
        raise LoadError(
            path,
            f"{len(fields)} fields; an edge line has two node names and an optional weight "
            f"(separated by a {shown}, as on the first edge line).",
            line=number,
            hint="Quote node names that hold the separator, or use tabs between the fields.",
        )
    if len(fields) != width:
        what = "a weight" if len(fields) == 3 else "no weight"
        other = "no weight" if len(fields) == 3 else "a weight"
        raise LoadError(
            path,
            f"this edge has {what} but the first edge has {other}.",
            line=number,
            hint="Give a weight on every line or on none.",
        )
    for name in fields[:2]:
        if not name:
            raise LoadError(
                path, "an empty node name.", line=number, hint="Give both nodes of every edge."
            )


def _weight(path: Path, number: int, text: str) -> float:
    value = _number(text)
    if value is None:
        raise LoadError(
            path,
            f"the weight {text!r} is not a number.",
            line=number,
            hint="The third column is the edge's weight: a positive number.",
        )
    if not math.isfinite(value) or value <= 0:
        raise LoadError(
            path,
            f"the weight {text} is not a positive finite number.",
            line=number,
            hint="Random walks need positive weights: drop the edge or give it a weight above 0.",
        )
    return value


def sniff_edge_list(path: str | Path, max_lines: int = 50) -> bool:
    """True when the file's first lines read as an edge list (2-3 fields, node names that are
    not decimal fractions, numeric weights): a table of vectors or coordinates is not one."""
    try:
        with open(path, encoding="utf-8", errors="strict") as f:
            lines = []
            for text in f:
                if not _is_comment(text):
                    lines.append(text.rstrip("\r\n"))
                if len(lines) >= max_lines:
                    break
    except (OSError, UnicodeDecodeError):
        return False
    if not lines:
        return False
    delimiter = _delimiter(lines[0])
    rows = [_split(text, delimiter) for text in lines]
    if _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None):
        rows = rows[1:]
    if not rows or any(len(r) != len(rows[0]) or len(r) not in (2, 3) for r in rows):
        return False
    for r in rows:
        if any(not name or _is_fraction(name) for name in r[:2]):
            return False
        if len(r) == 3 and _number(r[2]) is None:
            return False
    return True


def _is_fraction(text: str) -> bool:
    """A number that is not a whole one (a coordinate or vector value, not a node id)."""
    value = _number(text)
    return value is not None and not (
        math.isfinite(value) and value == int(value) and "." not in text
    )
