"""Which row of A goes with which row of B: shared labels, or a pairs file.

A pairs file has one pair per line, ``source target`` (whitespace or a tab between them), as
bilingual dictionaries (MUSE, gensim's ``OPUS_en_it_europarl_train_one2ten.txt``) and rename lists
are written. Blank lines and lines starting with ``#`` are skipped. A word may have several
translations (one line each).

All usable pairs (both words present) are kept for fitting a map, as gensim's TranslationMatrix
does. Per-word measures need one counterpart per word: :meth:`Pairing.one_to_one` keeps the first
pair of each source word whose target is not taken yet, in file order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError, LoadError

MAX_SHOWN_MISSING = 5


def read_pairs(path: str | Path, encoding: str = "utf-8") -> list[tuple[str, str]]:
    """The (source, target) pairs of a pairs file; LoadError with the file and line otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(path, "no such file.", hint="Check the path of the pairs file.") from None
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(
            path,
            f"is not valid {encoding} text.",
            line=line,
            hint="Save the pairs file as UTF-8 (or give its encoding).",
        ) from None
    pairs: list[tuple[str, str]] = []
    for number, text_line in enumerate(text.splitlines(), 1):
        stripped = text_line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = stripped.split()
        if len(parts) != 2:
            raise LoadError(
                path,
                f"expected two words (source target), found {len(parts)}: {stripped[:60]!r}.",
                line=number,
                hint="Write one pair per line, the two words separated by a space or a tab.",
            )
        pairs.append((parts[0], parts[1]))
    if not pairs:
        raise LoadError(path, "holds no pairs.", hint="Write one 'source target' pair per line.")
    return pairs


@dataclass
class Pairing:
    """Rows of A and B that go together (``rows_a[i]`` with ``rows_b[i]``)."""

    a: EmbeddingSet
    b: EmbeddingSet
    rows_a: np.ndarray  # int64, every usable pair, in file (or A's) order
    rows_b: np.ndarray
    source: str  # "shared labels" or the pairs file's path
    missing: int = 0  # pairs left out because a word is not in its set
    missing_examples: list[tuple[str, str]] = field(default_factory=list)
    non_finite: int = 0  # pairs left out because a row holds NaN or infinite values

    def __len__(self) -> int:
        return len(self.rows_a)

    def one_to_one(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows with one counterpart each: the first pair of each A word whose B word is free."""
        seen_a: set[int] = set()
        seen_b: set[int] = set()
        keep: list[int] = []
        for i, (ra, rb) in enumerate(zip(self.rows_a.tolist(), self.rows_b.tolist(), strict=True)):
            if ra in seen_a or rb in seen_b:
                continue
            seen_a.add(ra)
            seen_b.add(rb)
            keep.append(i)
        index = np.asarray(keep, dtype=np.int64)
        return self.rows_a[index], self.rows_b[index]

    def pairs(self) -> list[tuple[str, str]]:
        return [
            (self.a.labels[ra], self.b.labels[rb])
            for ra, rb in zip(self.rows_a.tolist(), self.rows_b.tolist(), strict=True)
        ]

    def describe(self) -> str:
        text = f"{len(self):,} pairs from {self.source}"
        if self.missing:
            shown = ", ".join(f"{s} {t}" for s, t in self.missing_examples)
            text += f"; {self.missing:,} pairs left out (a word not in its set, e.g. {shown})"
        if self.non_finite:
            text += f"; {self.non_finite:,} pairs left out (NaN or infinite values)"
        return text


def _finite_only(pairing: Pairing) -> Pairing:
    """Pairs whose rows hold NaN or inf cannot be compared: left out, and counted."""
    from embviz.core.rows import finite_rows

    keep = finite_rows(pairing.a)[pairing.rows_a] & finite_rows(pairing.b)[pairing.rows_b]
    if keep.all():
        return pairing
    pairing.non_finite = int((~keep).sum())
    pairing.rows_a, pairing.rows_b = pairing.rows_a[keep], pairing.rows_b[keep]
    if not len(pairing.rows_a):
        raise EmbvizError(
            f"Every pair of {pairing.source} has NaN or infinite values in {pairing.a.name} or "
            f"{pairing.b.name}: fix or drop those rows in the files."
        )
    return pairing


def pair_sets(
    a: EmbeddingSet,
    b: EmbeddingSet,
    pairs: list[tuple[str, str]] | str | Path | None = None,
) -> Pairing:
    """Pair A with B on their shared labels (``pairs=None``), a list of (source, target) labels
    or a pairs file. EmbvizError when nothing pairs up."""
    if pairs is None:
        rows_a = [i for i, label in enumerate(a.labels) if label in b]
        rows_b = [b.index_of(a.labels[i]) for i in rows_a]
        if not rows_a:
            raise EmbvizError(
                f"{a.name} and {b.name} share no labels: give a pairs file that maps labels "
                "across (one 'source target' pair per line)."
            )
        rows = np.asarray(rows_a, np.int64), np.asarray(rows_b, np.int64)
        return _finite_only(Pairing(a, b, *rows, "shared labels"))
    source = "the pairs given"
    if isinstance(pairs, str | Path):
        source = str(pairs)
        pairs = read_pairs(pairs)
    found_a: list[int] = []
    found_b: list[int] = []
    missing: list[tuple[str, str]] = []
    for s, t in pairs:
        if s in a and t in b:
            found_a.append(a.index_of(s))
            found_b.append(b.index_of(t))
        else:
            missing.append((s, t))
    if not found_a:
        raise EmbvizError(
            f"{source}: none of its {len(pairs):,} pairs has its source word in {a.name} and its "
            f"target word in {b.name} (e.g. {pairs[0][0]!r} -> {pairs[0][1]!r}). Check the order "
            "of the two sets (source first) and the case of the words."
        )
    return _finite_only(
        Pairing(
            a,
            b,
            np.asarray(found_a, np.int64),
            np.asarray(found_b, np.int64),
            source,
            len(missing),
            missing[:MAX_SHOWN_MISSING],
        )
    )
