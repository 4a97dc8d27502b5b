"""`embviz convert IN OUT [--to FORMAT]`: read any supported file, write it in another format."""

from __future__ import annotations

import argparse
import sys

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.io.export import check_export, export, format_for, writers


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
    p.add_argument(
        "--to", choices=sorted(writers.names()), help="output format (default: OUT's extension)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace OUT (and its sidecar) if it exists; a link's target is written, "
        "never the link; folders and devices are never replaced",
    )
    add_read_options(p, limit_help="convert only the first N rows")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = format_for(args.output, args.to)
    check_export(args.output, fmt, force=args.force)  # a bad OUT is refused before the slow read
    eset = load_from_args(args.input, args)
    written = export(eset, args.output, fmt, force=args.force)
    for warning in eset.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    files = ", ".join(str(p) for p in written)
    print(f"wrote {len(eset):,} x {eset.dims} ({fmt}): {files}")
    return 0
