"""`embviz pieces TEXT --model default|DIR|FASTTEXT.bin [--json]`.

A transformer's tokenizer: the pieces exactly as its ``tokenize`` gives them, with their ids. A
fastText model: for each word of TEXT, its character n-grams as gensim computes them, with their
bucket ids (see :mod:`embviz.models.subwords`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(sub) -> None:
    p = sub.add_parser(
        "pieces",
        help="how a model cuts text: tokenizer pieces and ids, or fastText n-grams and buckets",
        description="The pieces of TEXT as a transformer's tokenizer cuts them (WordPiece, BPE, "
        "SentencePiece), with their ids; or, for a fastText .bin model, each word's character "
        "n-grams with their bucket ids, as gensim computes them.",
    )
    p.add_argument("text", nargs="+", help="the text (quote it, or not)")
    p.add_argument(
        "--model",
        default="default",
        help="'default' (all-MiniLM-L6-v2), a model folder, a hub id, or a fastText .bin file",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def _is_fasttext(spec: str) -> bool:
    path = Path(spec).expanduser()
    return path.is_file()


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if _is_fasttext(args.model):
        return _fasttext(text, args)
    from embviz.models.pieces import pieces

    result = pieces(text, args.model)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{len(result.pieces)} pieces ({result.algorithm or 'tokenizer'}):")
    width = max((len(p) for p in result.pieces), default=5)
    for piece, piece_id, kind in zip(result.pieces, result.ids, result.kinds, strict=True):
        print(f"  {piece:<{width}}  {piece_id:>7}  {kind}")
    return 0


def _fasttext(text: str, args: argparse.Namespace) -> int:
    from embviz.models.subwords import breakdown, load_subword_model

    kv = load_subword_model(args.model)
    words = text.split()
    found: list[dict[str, Any]] = []
    for word in words:
        parts = breakdown(word, kv)
        found.append(parts.to_json())
    if args.json:
        out: dict[str, Any] = {
            "pieces": [n for item in found for n in item["ngrams"]],
            "ids": [b for item in found for b in item["buckets"]],
            "words": found,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for item in found:
        where = "in the vocabulary" if item["in_vocabulary"] else "composed from sub-words"
        print(f"{item['word']}: {len(item['ngrams'])} n-grams ({where})")
        width = max((len(n) for n in item["ngrams"]), default=5)
        for ngram, bucket, share in zip(
            item["ngrams"], item["buckets"], item["shares"], strict=False
        ):
            print(f"  {ngram:<{width}}  bucket {bucket:>8}  share {share:+.4f}")
    return 0
