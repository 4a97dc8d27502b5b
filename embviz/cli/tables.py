"""`embviz tables --model default|DIR --table tokens|positions|token-types -o OUT`.

Writes one of a transformer's own tables (see :mod:`embviz.models.model_tables`) in any format
embviz writes, chosen by OUT's extension or ``--to``: rows in id order, labelled by the tokens,
with the metadata columns (kind, length, script; position) where the format keeps them.
"""

from __future__ import annotations

import argparse
import sys

from embviz.io.export import check_export, export, format_for, writers
from embviz.models.model_tables import TABLES


def add_parser(sub) -> None:
    p = sub.add_parser(
        "tables",
        help="write a transformer's token, position or token-type embedding table",
        description="Write one of a model's own tables as an embedding file: the input token "
        "embeddings (labels: the tokens, in id order; metadata: kind, length, script), the "
        "learned position embeddings (labels: positions) or the token type embeddings. The "
        "vectors are the model's weights exactly.",
    )
    p.add_argument(
        "--model",
        default="default",
        help="'default' (bundled all-MiniLM-L6-v2), a model folder, or a hub id (needs a "
        "connection unless it is in the local cache)",
    )
    p.add_argument("--table", choices=TABLES, default="tokens", help="default: tokens")
    p.add_argument("-o", "--output", required=True, help="file to write (format from extension)")
    p.add_argument("--to", choices=sorted(writers.names()), help="output format")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from embviz.models.model_tables import read_table

    fmt = format_for(args.output, args.to)
    check_export(args.output, fmt, force=args.force)  # a bad OUT is refused before the load
    eset = read_table(args.model, args.table)
    written = export(eset, args.output, fmt, force=args.force)
    for warning in eset.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    files = ", ".join(str(p) for p in written)
    print(f"wrote {eset.name}: {len(eset):,} x {eset.dims} ({fmt}): {files}")
    return 0
