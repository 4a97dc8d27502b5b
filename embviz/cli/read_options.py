"""How every command that opens an embedding file reads it: the same options everywhere."""

from __future__ import annotations

import argparse

from embviz.core.dataset import EmbeddingSet
from embviz.io.registry import load


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def add_read_options(p: argparse.ArgumentParser, limit_help: str = "read only the first N rows"):
    p.add_argument(
        "--format", help="skip sniffing and read as this format (e.g. word2vec-binary, glove-text)"
    )
    p.add_argument("--encoding", default="utf-8", help="encoding of labels (default utf-8)")
    p.add_argument("--limit", type=positive, help=limit_help)
    p.add_argument(
        "--trust",
        action="store_true",
        help="load the file given even if it is a Python pickle (a gensim .kv/.model, or any "
        "file whose bytes are a pickle, whatever its name): loading one runs code from it",
    )


def load_from_args(path: str, args: argparse.Namespace) -> EmbeddingSet:
    """Read ``path`` with the options add_read_options declared."""
    options = {"encoding": args.encoding, "trust": args.trust}
    if args.limit is not None:
        options["limit"] = args.limit
    return load(path, format=args.format, **options)
