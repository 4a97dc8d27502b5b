"""`embviz train`: Word2Vec or FastText on a corpus (gensim), flags made from TrainParams."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from embviz.core.errors import EmbvizError

OUTPUTS = (".bin", ".vec", ".txt", ".model")


def add_parser(sub) -> None:
    from embviz.models.gensim_train import TrainParams
    from embviz.models.params import add_arguments

    p = sub.add_parser(
        "train",
        help="train Word2Vec (CBOW/skip-gram) or FastText vectors on a corpus",
        description="Train on a text file (one sentence per line) or a folder of them and write "
        "the model (.model) or its vectors (.bin word2vec binary, .vec text).",
    )
    p.add_argument("--corpus", required=True, help="text file or folder of text files")
    p.add_argument("-o", "--output", required=True, help="OUT.bin, OUT.vec or OUT.model")
    p.add_argument("--save-model", help="also save the gensim model here (.model)")
    p.add_argument("--force", action="store_true", help="replace the output files if they exist")
    add_arguments(p, TrainParams, skip=("corpus",))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from embviz.core.tasks import run_task
    from embviz.models.gensim_train import TrainParams, save, train
    from embviz.models.params import from_arguments

    if Path(args.output).suffix not in OUTPUTS:
        raise EmbvizError(f"{args.output}: write .bin, .vec or .model.")
    from embviz.io.safe_write import check_outputs

    outputs = [args.output] + ([args.save_model] if args.save_model else [])
    check_outputs(outputs, args.force)  # an existing file is kept unless --force
    try:
        params = from_arguments(TrainParams, args, corpus=args.corpus)
    except ValueError as exc:
        raise EmbvizError(str(exc)) from None

    def report(progress) -> None:
        if progress.partial is not None:
            print(progress.message, file=sys.stderr, flush=True)

    eset = run_task(train(args.corpus, params), report)
    save(eset, args.output)
    if args.save_model:
        save(eset, args.save_model)
    print(f"wrote {len(eset):,} words x {eset.dims} dims to {args.output}")
    return 0
