"""`embviz convert IN OUT [--to FORMAT]`: read any supported file, write it in another format."""

from __future__ import annotations

import argparse

from embviz.io.export import WRITERS, export, format_for
from embviz.io.registry import load


def add_parser(sub) -> None:
    p = sub.add_parser(
        "convert",
        help="convert an embedding file to another format (from OUT's extension or --to)",
        description="Read IN (format sniffed) and write OUT. Formats: "
        ".tsv projector pair (X.tsv + X_metadata.tsv), .bin word2vec binary, .vec/.txt word2vec "
        "text, .npy (+ X_metadata.tsv beside it), .npz, .csv table, .parquet (needs pyarrow).",
    )
    p.add_argument("input", help="embedding file to read")
    p.add_argument("output", help="file to write")
    p.add_argument("--to", choices=sorted(WRITERS), help="output format (default: OUT's extension)")
    p.add_argument("--format", help="read IN as this format instead of sniffing it")
    p.add_argument("--encoding", default="utf-8", help="encoding of labels in IN (default utf-8)")
    p.add_argument("--limit", type=_positive, help="convert only the first N rows")
    p.add_argument(
        "--trust",
        action="store_true",
        help="allow gensim .kv/.model pickles (loading one runs code from the file)",
    )
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def run(args: argparse.Namespace) -> int:
    fmt = format_for(args.output, args.to)  # a bad OUT is reported before the (slow) read
    eset = load(
        args.input, format=args.format, encoding=args.encoding, limit=args.limit, trust=args.trust
    )
    written = export(eset, args.output, fmt)
    for warning in eset.warnings:
        print(f"warning: {warning}")
    files = ", ".join(str(p) for p in written)
    print(f"wrote {len(eset):,} x {eset.dims} ({fmt}): {files}")
    return 0
