"""`embviz convert IN OUT [--to FORMAT]`: read any supported file, write it in another format."""

from __future__ import annotations

import argparse

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.io.export import WRITERS, export, format_for


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
    add_read_options(p, limit_help="convert only the first N rows")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = format_for(args.output, args.to)  # a bad OUT is reported before the (slow) read
    eset = load_from_args(args.input, args)
    written = export(eset, args.output, fmt)
    for warning in eset.warnings:
        print(f"warning: {warning}")
    files = ", ".join(str(p) for p in written)
    print(f"wrote {len(eset):,} x {eset.dims} ({fmt}): {files}")
    return 0
