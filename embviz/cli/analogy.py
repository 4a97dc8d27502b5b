"""`embviz analogy PATH A B C [-k N] [--method 3cosadd|3cosmul] [--keep-inputs] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.core.analogy import METHOD_NAMES, METHODS, solve
from embviz.core.composed import composed_note
from embviz.core.neighbors import MAX_K


def add_parser(sub) -> None:
    p = sub.add_parser(
        "analogy",
        help="A is to B as C is to ? (3CosAdd or 3CosMul, as gensim computes them)",
        description="A is to B as C is to ?. 3CosAdd is gensim's most_similar(positive=[B, C], "
        "negative=[A]); 3CosMul is most_similar_cosmul. The input words are left out of the "
        "answers unless --keep-inputs is given. With a fastText model, an input word it has "
        "never seen is composed from its sub-words, as gensim does.",
    )
    p.add_argument("path", help="embedding file")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("c")
    p.add_argument("-k", type=int, default=10, help=f"how many answers, 1..{MAX_K} (default 10)")
    p.add_argument("--method", choices=METHODS, default="3cosadd", type=str.lower)
    p.add_argument("--keep-inputs", action="store_true", help="allow A, B and C among the answers")
    p.add_argument("--expected", help="also print the rank of this answer")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    eset = load_from_args(args.path, args)
    result = solve(
        eset, args.a, args.b, args.c, args.k, args.method, not args.keep_inputs, args.expected
    )
    for warning in result.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    inputs = "kept" if args.keep_inputs else "excluded"
    print(f"{args.a} : {args.b} :: {args.c} : ?  ({METHOD_NAMES[result.method]}, inputs {inputs})")
    if result.composed:
        print(composed_note(result.composed))
    width = max((len(label) for label in result.labels), default=5)
    for rank, (label, score) in enumerate(zip(result.labels, result.scores, strict=True), 1):
        print(f"{rank:4d}  {label:<{width}}  {score:.6f}")
    if args.expected:
        expected_rank = result.expected_rank
        where = f"rank {expected_rank}" if expected_rank else "; ".join(result.notes)
        print(f"expected {args.expected!r}: {where}")
    return 0
