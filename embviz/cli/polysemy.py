"""`embviz polysemy WORD --sentences FILE`: one word across contexts, measured layer by layer."""

from __future__ import annotations

import argparse
import json
import sys

from embviz.core.errors import EmbvizError

COLUMNS = (  # (key, title, decimals)
    ("layer", "layer", 0),
    ("self_similarity", "self-sim", 4),
    ("intra_sentence_similarity", "intra-sim", 4),
    ("mev", "MEV", 4),
    ("baseline", "baseline", 4),
    ("self_similarity_minus_baseline", "self-base", 4),
    ("within_sense", "within", 4),
    ("across_sense", "across", 4),
    ("sense_cluster_agreement", "ARI", 3),
)
WIDTH = 9


def add_parser(sub) -> None:
    p = sub.add_parser(
        "polysemy",
        help="measure how a word's contextual vectors spread across senses, layer by layer",
        description="Embed every whole-word occurrence of WORD in the sentences (one per line; "
        "optionally a tab and a sense label, optionally a tab and the target word) and report "
        "Ethayarajh's (2019) measures per layer: self-similarity, intra-sentence similarity, "
        "maximum explainable variance, the anisotropy baseline, and similarity within and "
        "across senses.",
    )
    p.add_argument("word", help="the target word (whole word, case-insensitive)")
    p.add_argument("--sentences", required=True, help="text file: sentence[TAB sense[TAB word]]")
    p.add_argument(
        "--model", default="default", help="default (all-MiniLM-L6-v2) or a model folder"
    )
    p.add_argument("--layer", default="all", help="hidden_states index (0 = embeddings) or all")
    p.add_argument("--pooling", choices=("mean", "first", "last"), default="mean",
                   help="how a word's sub-word pieces are pooled (default: mean)")  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="seed of the baseline's random pairs")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _layers(text: str) -> list[int] | None:
    if text.strip().lower() == "all":
        return None
    try:
        return [int(text)]
    except ValueError:
        raise EmbvizError(
            f"--layer must be a number (0 = embedding layer) or all, not {text!r}."
        ) from None


def _cell(value, decimals: int) -> str:
    if value is None:
        return f"{'-':>{WIDTH}}"
    return f"{value:>{WIDTH}}" if decimals == 0 else f"{value:>{WIDTH}.{decimals}f}"


def run(args: argparse.Namespace) -> int:
    from embviz.core.polysemy import read_sentences
    from embviz.core.tasks import run_task
    from embviz.models.polysemy_run import polysemy_task

    lines = read_sentences(args.sentences)
    if not lines:
        raise EmbvizError(f"{args.sentences}: no sentences in it.")
    task = polysemy_task(args.word, lines, args.model, args.pooling, _layers(args.layer), args.seed)
    result = run_task(task, lambda p: print(f"\r{p.message[:70]:<70}", end="", file=sys.stderr))
    print("\r" + " " * 70 + "\r", end="", file=sys.stderr)
    data = result.to_json()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    senses = sorted({o.sense for o in result.occurrences if o.sense})
    print(
        f"{result.word!r} in {len(result.occurrences)} occurrences "
        f"({len(senses)} senses: {', '.join(senses) or 'none'}), model {result.model}, "
        f"pieces pooled by {result.pooling}"
    )
    print(" ".join(f"{title:>{WIDTH}}" for _, title, _ in COLUMNS))
    for row in data["layers"]:
        print(" ".join(_cell(row[name], decimals) for name, _, decimals in COLUMNS))
    for item in data["sentences_without_word"]:
        print(f"line {item['line']}: no {result.word!r} in: {item['sentence']}")
    for warning in data["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
