"""Concept axes and WEAT: where words lie along a direction such as he - she, and whether two
target sets differ in how they associate with two attribute sets.

All on unit vectors (cosine), as Bolukbasi et al. 2016 and Caliskan et al. 2017 use them.

- a direction from word pairs: the mean of the differences a - b, or (Bolukbasi et al. 2016,
  ``doPCA``) the first principal component of every pair's two words centred on the pair's mean;
  its sign is chosen so that the a words lie on the positive side;
- a direction from two word sets: mean(A) - mean(B);
- every point's projection on the unit direction: cos(point, direction), the coordinate that
  ``embviz.reduce.custom_axes`` gives to an axis expression;
- WEAT (Caliskan et al. 2017): s(w, A, B) = mean_a cos(w, a) - mean_b cos(w, b); the test
  statistic sum_X s - sum_Y s; the effect size (mean_X s - mean_Y s) / std_{X u Y} s with the
  SAMPLE standard deviation (n - 1); the one-sided p-value Pr[s(X_i, Y_i) > s(X, Y)] over the
  partitions of X u Y into sets of sizes |X| and |Y|: all of them when there are at most
  ``exact_limit``, else ``permutations`` random ones drawn with ``seed``.

Words are looked up as written, then lower-cased; those still missing are skipped and listed.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError

EXACT_LIMIT = 100_000  # partitions enumerated exactly up to this many
PERMUTATIONS = 10_000


def read_word_list(path: str | Path) -> list[str]:
    """Words of a file: one word (or multi-word label) per line; blank and '#' lines ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EmbvizError(
            f"{path}: cannot read the word list ({exc}). One word per line."
        ) from None
    words = [line.strip() for line in text.splitlines()]
    words = [w for w in words if w and not w.startswith("#")]
    if not words:
        raise EmbvizError(f"{path}: no words in it. Write one word per line.")
    return words


def split_words(text: str) -> list[str]:
    """Words typed in a box: separated by commas or new lines (spaces too, when no comma)."""
    parts = re.split(r"[,\n]" if "," in text or "\n" in text else r"\s+", text)
    return [p.strip() for p in parts if p.strip()]


def lookup(eset: EmbeddingSet, words: list[str]) -> tuple[list[int], list[str]]:
    """Rows of ``words`` (as written, else lower-cased; each row once) and the skipped words."""
    rows: list[int] = []
    skipped: list[str] = []
    for word in words:
        for form in (word, word.lower()):
            if form in eset:
                row = eset.index_of(form)
                if row not in rows:
                    rows.append(row)
                break
        else:
            skipped.append(word)
    return rows, skipped


def _unit(eset: EmbeddingSet, rows: list[int]) -> np.ndarray:
    m = np.asarray(eset.vectors[rows], dtype=np.float64)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    if not np.all(np.isfinite(m)) or np.any(norms == 0):
        bad = [eset.labels[r] for r, n in zip(rows, norms[:, 0], strict=True) if not n > 0]
        raise EmbvizError(f"{eset.name}: no direction for {', '.join(bad) or 'some words'}.")
    out: np.ndarray = m / norms
    return out


@dataclass
class ConceptAxis:
    name: str
    direction: np.ndarray  # unit length, float64
    method: str  # "mean" or "pca"
    used: list[str]  # words (or 'a/b' pairs) that defined it
    skipped: list[str]
    explained: float | None = None  # PCA: share of the pairs' variance along the first component

    def project(self, eset: EmbeddingSet) -> np.ndarray:
        """cos(point, direction) for every row (unit vectors; NaN rows stay NaN)."""
        with np.errstate(invalid="ignore"):
            out: np.ndarray = eset.unit_vectors().astype(np.float64) @ self.direction
        return out


def axis_from_pairs(
    eset: EmbeddingSet, pairs: list[tuple[str, str]], method: str = "mean", name: str = ""
) -> ConceptAxis:
    """Direction from (a, b) pairs: mean of a - b, or Bolukbasi's first principal component."""
    kept: list[tuple[int, int]] = []
    skipped: list[str] = []
    for first, second in pairs:
        (ra, miss_a), (rb, miss_b) = lookup(eset, [first]), lookup(eset, [second])
        if miss_a or miss_b:
            skipped += miss_a + miss_b
        elif ra[0] != rb[0]:
            kept.append((ra[0], rb[0]))
    if not kept:
        raise EmbvizError("No usable word pair: every pair has a word the set does not hold.")
    a = _unit(eset, [p[0] for p in kept])
    b = _unit(eset, [p[1] for p in kept])
    explained = None
    if method == "mean":
        direction = (a - b).mean(axis=0)
    elif method == "pca":
        centre = (a + b) / 2
        stacked = np.concatenate([a - centre, b - centre])  # mean zero by construction
        _, singular, vt = np.linalg.svd(stacked, full_matrices=False)
        direction = vt[0] * np.sign(vt[0] @ (a - b).sum(axis=0) or 1.0)
        explained = float(singular[0] ** 2 / (singular**2).sum())
    else:
        raise EmbvizError(f"A concept axis is the mean difference or pca, not {method!r}.")
    norm = float(np.linalg.norm(direction))
    if norm == 0:
        raise EmbvizError("The pairs cancel out: their differences give no direction.")
    used = [f"{eset.labels[i]}/{eset.labels[j]}" for i, j in kept]
    return ConceptAxis(
        name or f"{eset.labels[kept[0][0]]} - {eset.labels[kept[0][1]]}",
        direction / norm, method, used, skipped, explained,
    )  # fmt: skip


def axis_from_sets(
    eset: EmbeddingSet, first: list[str], second: list[str], name: str = ""
) -> ConceptAxis:
    """Direction mean(first) - mean(second) of the unit vectors."""
    ra, miss_a = lookup(eset, first)
    rb, miss_b = lookup(eset, second)
    if not ra or not rb:
        raise EmbvizError("Each word set needs at least one word that the set holds.")
    direction = _unit(eset, ra).mean(axis=0) - _unit(eset, rb).mean(axis=0)
    norm = float(np.linalg.norm(direction))
    if norm == 0:
        raise EmbvizError("The two word sets have the same mean: they give no direction.")
    used = [eset.labels[r] for r in ra + rb]
    title = name or f"{eset.labels[ra[0]]}… - {eset.labels[rb[0]]}…"
    return ConceptAxis(title, direction / norm, "mean", used, miss_a + miss_b)


@dataclass
class Weat:
    effect_size: float
    p_value: float
    statistic: float  # sum_X s - sum_Y s
    exact: bool  # p-value over every partition (else random ones)
    partitions: int  # partitions counted
    sizes: dict[str, int]  # words used per list
    skipped: list[str] = field(default_factory=list)
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "effect_size": self.effect_size,
            "p_value": self.p_value,
            "statistic": self.statistic,
            "p_value_method": "exact" if self.exact else "random partitions",
            "partitions": self.partitions,
            "seed": self.seed,
            "sizes": self.sizes,
            "skipped": self.skipped,
            "std": "sample (n - 1) over X u Y",
        }


def association(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """s(w, A, B) for each row of ``w`` (all unit vectors)."""
    out: np.ndarray = (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)
    return out


def weat(
    eset: EmbeddingSet,
    x_words: list[str],
    y_words: list[str],
    a_words: list[str],
    b_words: list[str],
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> Weat:
    """WEAT effect size and one-sided permutation p-value (Caliskan et al. 2017)."""
    found = {name: lookup(eset, words) for name, words in
             (("X", x_words), ("Y", y_words), ("A", a_words), ("B", b_words))}  # fmt: skip
    skipped = [w for _, missing in found.values() for w in missing]
    for name, (rows, _) in found.items():
        if len(rows) < (2 if name in "XY" else 1):
            raise EmbvizError(
                f"WEAT: the {name} list has {len(rows)} word(s) that the set holds "
                f"(skipped: {', '.join(found[name][1]) or 'none'}); it needs at least "
                f"{2 if name in 'XY' else 1}."
            )
    x, y, a, b = (_unit(eset, found[n][0]) for n in "XYAB")
    s = association(np.concatenate([x, y]), a, b)
    nx, n = len(x), len(x) + len(y)
    s_x, s_y = s[:nx], s[nx:]
    effect = float((s_x.mean() - s_y.mean()) / s.std(ddof=1))
    total = float(s.sum())
    observed = float(s_x.sum() - s_y.sum())  # = 2 sum_X s - sum_all s
    count = math.comb(n, nx)
    if count <= exact_limit:
        sums = np.fromiter(
            (s[list(c)].sum() for c in itertools.combinations(range(n), nx)), float, count
        )
        exact, used_seed = True, None
    else:
        rng = np.random.default_rng(seed)
        picks = np.argsort(rng.random((permutations, n)), axis=1)[:, :nx]
        sums = s[picks].sum(axis=1)
        exact, used_seed, count = False, seed, permutations
    stats = 2 * sums - total
    p_value = float(np.mean(stats > observed + 1e-12 * max(1.0, abs(observed))))
    sizes = {name: len(found[name][0]) for name in "XYAB"}
    return Weat(effect, p_value, observed, exact, count, sizes, skipped, used_seed)
