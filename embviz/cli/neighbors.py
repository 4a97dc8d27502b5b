"""`embviz neighbors PATH QUERY [-k N] [--metric cosine|euclidean|dot] [--center] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.core.neighbors import MAX_K, METRICS, neighbors


def add_parser(sub) -> None:
    p = sub.add_parser(
        "neighbors",
        help="nearest neighbours of a label or an expression (king - man + woman), exact",
        description="Nearest neighbours in the original space (never the projection). QUERY is a "
        "label or an expression such as 'king - man + woman' or '0.5*paris + 0.5*rome'; the words "
        "of the query are not listed. Scores: cosine similarity, euclidean distance or dot product. "
        "With a fastText model, a word it has never seen is composed from its sub-words, as "
        "gensim does, and said to be.",
    )
    p.add_argument("path", help="embedding file")
    p.add_argument("query", nargs="+", help="a label or an expression (quote it, or not)")
    p.add_argument("-k", type=int, default=10, help=f"how many neighbours, 1..{MAX_K} (default 10)")
    p.add_argument("--metric", choices=METRICS, default="cosine", help="default: cosine")
    p.add_argument(
        "--center",
        action="store_true",
        help="subtract the set's mean vector first (off by default)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    eset = load_from_args(args.path, args)
    result = neighbors(eset, " ".join(args.query), args.k, args.metric, args.center)
    for warning in result.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(f"{result.title}: {result.describe()}")
    width = max((len(label) for label in result.labels), default=5)
    for rank, (label, score) in enumerate(zip(result.labels, result.scores, strict=True), 1):
        print(f"{rank:4d}  {label:<{width}}  {score:.6f}")
    return 0
