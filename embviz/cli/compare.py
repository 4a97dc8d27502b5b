"""`embviz compare A B [--pairs FILE] [--align procrustes|linear|none] [-k 10]
[--center] [--translate w1,w2,...] [--csls] [--test-pairs FILE] --json`.

JSON: ``{"shared": N, "align": {...}, "overall": {"mean_overlap", "residual", "cka"},
"words": [{"label", "displacement", "neighbor_overlap"}, ...], "translations": {word: [{"label",
"score"}, ...]}}``; with ``--test-pairs`` also ``"accuracy": {"plain": {...}, "csls": {...}}``.
``translations`` covers the ``--translate`` words, or else every source word of the pairs file
(those A holds), ``-k`` results each; without either it is empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.core.compare import (
    DIMS_POLICIES,
    METHODS,
    accuracy,
    align,
    compare,
    pair_sets,
    read_pairs,
    translate,
)
from embviz.core.csls import DEFAULT_K
from embviz.core.errors import EmbvizError


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="two spaces side by side: align them, what moved, translate between them",
        description="Compare set A with set B on their shared labels, or through a pairs file "
        "(one 'source target' pair per line: a bilingual dictionary, old -> new names). "
        "displacement: cosine distance between a word's mapped vector and its counterpart "
        "(after the alignment); neighbor_overlap: share of its k nearest neighbours (cosine, each "
        "in its own space, among the paired words) that A and B have in common; residual: "
        "||XW - Y||_F on the unit-normalised pairs; cka: linear CKA of the paired vectors.",
    )
    p.add_argument("a", help="set A (the source)")
    p.add_argument("b", help="set B (the target)")
    p.add_argument("--pairs", help="pairs file: 'source target' per line (default: shared labels)")
    p.add_argument("--align", choices=METHODS, default="procrustes", help="default: procrustes")
    p.add_argument(
        "--dims-policy",
        choices=DIMS_POLICIES,
        default="pca",
        help="when A and B differ in dimensions: PCA both to the smaller size (default), or a "
        "linear map",
    )
    p.add_argument(
        "--center",
        action="store_true",
        help="subtract each set's mean unit vector (and renormalise) before aligning (MUSE's "
        "'renorm,center,renorm'); off by default",
    )
    p.add_argument("-k", type=int, default=10, help="neighbours for the overlap, and translations")
    p.add_argument("--translate", help="comma-separated words of A to translate into B")
    p.add_argument("--csls", action="store_true", help="rank translations by CSLS (hubs down)")
    p.add_argument(
        "--csls-k", type=int, default=DEFAULT_K, help="neighbours for CSLS's r (default 10)"
    )
    p.add_argument(
        "--test-pairs",
        help="a test dictionary: report accuracy@1 and @5 with and without CSLS",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run)


def _words(args: argparse.Namespace, pairs: list[tuple[str, str]] | None, a: Any) -> list[str]:
    if args.translate is not None:
        words = [w.strip() for w in args.translate.split(",") if w.strip()]
        if not words:
            raise EmbvizError("--translate: give one or more words, separated by commas.")
        return words
    if pairs is None:
        return []
    sources = list(dict.fromkeys(s for s, _ in pairs))
    absent = [w for w in sources if w not in a]
    if absent:
        print(
            f"embviz: warning: {len(absent):,} source words of {args.pairs} are not in {a.name} "
            f"and are not translated (e.g. {', '.join(absent[:3])}).",
            file=sys.stderr,
        )
    return [w for w in sources if w in a]


def run(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise EmbvizError(f"-k must be at least 1, got {args.k}.")
    if args.csls_k < 1:
        raise EmbvizError(f"--csls-k must be at least 1, got {args.csls_k}.")
    pairs = read_pairs(args.pairs) if args.pairs else None
    test = read_pairs(args.test_pairs) if args.test_pairs else None
    a = load_from_args(args.a, args)
    b = load_from_args(args.b, args)
    pairing = pair_sets(a, b, pairs)
    if pairs is not None:
        pairing.source = args.pairs
    if pairing.missing or pairing.non_finite:
        print(f"embviz: warning: {pairing.describe()}", file=sys.stderr)
    alignment = align(pairing, args.align, args.dims_policy, args.center)
    result = compare(a, b, pairing, alignment, args.k)
    words = _words(args, pairs, a)
    translations = translate(words, alignment, args.k, args.csls, args.csls_k) if words else {}
    out = result.to_json()
    out["translations"] = {
        word: [{"label": label, "score": score} for label, score in ranked]
        for word, ranked in translations.items()
    }
    if test is not None:
        out["accuracy"] = {
            "plain": accuracy(alignment, test, (1, 5), False, args.csls_k),
            "csls": accuracy(alignment, test, (1, 5), True, args.csls_k),
        }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    _print_text(out, result)
    return 0


def _print_text(out: dict[str, Any], result: Any) -> None:
    overall = out["overall"]
    print(f"{out['shared']:,} words compared ({result.pairing.describe()})")
    print(f"alignment: {out['align']['note']}")
    print(
        f"mean neighbour overlap@{result.k}: {overall['mean_overlap']:.4f}   "
        f"residual ||XW-Y||_F: {overall['residual']:.4f}   linear CKA: {overall['cka']:.4f}"
    )
    for title, listed in (("moved most", result.moved_most(10)), ("stable", result.stable(10))):
        print(f"{title} (cosine distance after alignment):")
        for label, value in listed:
            print(f"  {label:<24} {value:.4f}")
    for word, ranked in out["translations"].items():
        shown = ", ".join(f"{x['label']} ({x['score']:.3f})" for x in ranked)
        print(f"{word} -> {shown}")
    for kind, acc in out.get("accuracy", {}).items():
        print(
            f"accuracy ({kind}): @1 {acc['at1']:.3f}  @5 {acc['at5']:.3f}  "
            f"on {acc['words']} words ({acc['skipped_pairs']} pairs skipped)"
        )
