"""`embviz evaluate PATH --analogies FILE | --similarity FILE [--json]`, with gensim's defaults."""

from __future__ import annotations

import argparse
import json
import sys

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.core.evaluate import RESTRICT_VOCAB, evaluate_analogies_task, evaluate_similarity
from embviz.core.tasks import run_task


def add_parser(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="analogy accuracy or word-similarity correlation (figures comparable with gensim)",
        description="Benchmarks with the defaults of gensim's evaluate_word_analogies and "
        "evaluate_word_pairs: the first 300,000 rows, case-insensitive, questions or pairs with "
        "an unknown word skipped (and counted).",
    )
    p.add_argument("path", help="embedding file")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--analogies", metavar="FILE", help="Google-format analogy questions")
    what.add_argument("--similarity", metavar="FILE", help="word1<TAB>word2<TAB>score pairs")
    p.add_argument(
        "--restrict-vocab", type=int, default=RESTRICT_VOCAB,
        help=f"use only the first N rows (default {RESTRICT_VOCAB:,}, as gensim)",
    )  # fmt: skip
    p.add_argument("--case-sensitive", action="store_true", help="do not upper-case words")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    eset = load_from_args(args.path, args)
    case_insensitive = not args.case_sensitive
    if args.similarity:
        sim = evaluate_similarity(
            eset, args.similarity, restrict_vocab=args.restrict_vocab,
            case_insensitive=case_insensitive,
        )  # fmt: skip
        if args.json:
            print(json.dumps(sim.to_json(), indent=2))
        else:
            print(f"spearman: {sim.spearman:.4f}\npearson:  {sim.pearson:.4f}")
            print(f"pairs:    {sim.pairs} used, {sim.skipped} skipped (unknown words)")
        return 0
    task = evaluate_analogies_task(eset, args.analogies, args.restrict_vocab, case_insensitive)
    report = run_task(task, None if args.json else _progress)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    print(file=sys.stderr)
    width = max((len(s.name) for s in report.sections), default=7)
    for s in report.sections:
        print(f"{s.name:<{width}}  {s.accuracy:7.2%}  ({s.correct}/{s.total})")
    print(f"{'overall':<{width}}  {report.accuracy:7.2%}  ({report.correct}/{report.total})")
    print(f"skipped: {report.skipped} questions with a word outside the first "
          f"{args.restrict_vocab:,} rows")  # fmt: skip
    return 0


def _progress(progress) -> None:
    print(f"\r{progress.message}", end="", file=sys.stderr, flush=True)
