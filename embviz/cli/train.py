"""`embviz train`: Word2Vec or FastText on a corpus (gensim), flags made from TrainParams;
``--graph EDGES``: node2vec, DeepWalk or Poincaré embeddings of an edge list (GraphParams)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from embviz.core.errors import EmbvizError

OUTPUTS = (".bin", ".vec", ".txt", ".model")


def add_parser(sub) -> None:
    from embviz.models.gensim_train import TrainParams
    from embviz.models.graph.params import ALGORITHMS as GRAPH_ALGORITHMS
    from embviz.models.graph.params import GraphParams
    from embviz.models.params import add_arguments, specs

    p = sub.add_parser(
        "train",
        help="train Word2Vec (CBOW/skip-gram) or FastText vectors on a corpus, or graph "
        "embeddings (node2vec, DeepWalk, Poincaré) on an edge list",
        description="Train on a text file (one sentence per line) or a folder of them and write "
        "the model (.model) or its vectors (.bin word2vec binary, .vec text). With --graph: "
        "embed the nodes of an edge list (source target [weight] per line) and write their "
        "vectors (.vec/.txt/.bin) and OUT.graph.json, which names the edge list for the window.",
    )
    corpus = p.add_mutually_exclusive_group(required=True)
    corpus.add_argument("--corpus", help="text file or folder of text files")
    corpus.add_argument(
        "--graph", metavar="EDGES", help="edge list (TSV/CSV: source target [weight])"
    )
    p.add_argument(
        "--algorithm",
        choices=("word2vec", "fasttext", *GRAPH_ALGORITHMS),
        help="corpus: word2vec (default) or fasttext; --graph: node2vec (default), deepwalk "
        "or poincare",
    )
    p.add_argument("-o", "--output", required=True, help="OUT.bin, OUT.vec or OUT.model")
    p.add_argument("--save-model", help="also save the gensim model here (.model)")
    p.add_argument("--force", action="store_true", help="replace the output files if they exist")
    add_arguments(p, TrainParams, skip=("corpus", "algorithm"))
    taken = {spec.name for spec in specs(TrainParams)}
    add_arguments(p, GraphParams, skip=taken)  # --dims, --walk-length, --p, --q, --batch-size...
    p.set_defaults(func=run)


def _save(eset, out: Path, force: bool, save) -> None:
    """word2vec vectors through the safe writer (atomic); a .model is written by gensim itself
    (a big model is several files), after the check that refused an existing one."""
    if out.suffix in (".bin", ".vec", ".txt"):
        from embviz.io.export import export

        export(
            eset, out, "word2vec-binary" if out.suffix == ".bin" else "word2vec-text", force=force
        )
    else:
        save(eset, out)


def run(args: argparse.Namespace) -> int:
    from embviz.core.tasks import run_task
    from embviz.models.gensim_train import TrainParams, save, train
    from embviz.models.params import from_arguments

    if args.graph:
        return run_graph(args)
    if args.algorithm not in (None, "word2vec", "fasttext"):
        raise EmbvizError(f"--algorithm {args.algorithm} trains on a graph: give --graph EDGES.")
    _refuse_flags(args, GRAPH_ONLY, "--graph")
    if Path(args.output).suffix not in OUTPUTS:
        raise EmbvizError(f"{args.output}: write .bin, .vec or .model.")
    from embviz.io.safe_write import check_outputs

    outputs = [args.output] + ([args.save_model] if args.save_model else [])
    check_outputs(outputs, args.force)  # an existing file is kept unless --force
    try:
        params = from_arguments(
            TrainParams, args, corpus=args.corpus, algorithm=args.algorithm or "word2vec"
        )
    except ValueError as exc:
        raise EmbvizError(str(exc)) from None

    def report(progress) -> None:
        if progress.partial is not None:
            print(progress.message, file=sys.stderr, flush=True)

    eset = run_task(train(args.corpus, params), report)
    for out in outputs:
        _save(eset, Path(out), args.force, save)
    print(f"wrote {len(eset):,} words x {eset.dims} dims to {args.output}")
    return 0


GRAPH_ONLY: tuple[str, ...] = ("dims", "walk_length", "walks_per_node", "p", "q", "directed")
GRAPH_ONLY += ("batch_size", "burn_in")
CORPUS_ONLY = ("architecture", "vector_size", "min_count", "workers", "min_n", "max_n")


def _refuse_flags(args: argparse.Namespace, names: tuple[str, ...], needs: str) -> None:
    given = [n for n in names if getattr(args, n, None) is not None]
    if given:
        flags = ", ".join("--" + n.replace("_", "-") for n in given)
        raise EmbvizError(f"{flags}: only for training with {needs}; leave them out here.")


def run_graph(args: argparse.Namespace) -> int:
    """``--graph EDGES``: walks + Word2Vec, or PoincareModel; vectors and the side file."""
    from embviz.core.tasks import run_task
    from embviz.io.safe_write import check_outputs
    from embviz.models.graph.graph_set import side_file
    from embviz.models.graph.output import OUTPUTS as GRAPH_OUTPUTS
    from embviz.models.graph.output import write_result
    from embviz.models.graph.params import GraphParams
    from embviz.models.graph.train import train_graph
    from embviz.models.params import from_arguments

    if args.algorithm in ("word2vec", "fasttext"):
        raise EmbvizError(
            f"--algorithm {args.algorithm} trains on a corpus (--corpus); for --graph choose "
            "node2vec, deepwalk or poincare."
        )
    _refuse_flags(args, CORPUS_ONLY, "--corpus")
    out = Path(args.output)
    if out.suffix not in GRAPH_OUTPUTS:
        raise EmbvizError(f"{out}: write .vec or .txt (word2vec text) or .bin (word2vec binary).")
    if args.save_model:
        raise EmbvizError("--save-model is for --corpus training; a graph writes its vectors.")
    check_outputs([out, side_file(out)], args.force)
    params = from_arguments(GraphParams, args, algorithm=args.algorithm or "node2vec")

    def report(progress) -> None:
        if progress.message:
            print(progress.message, file=sys.stderr, flush=True)

    result = run_task(train_graph(args.graph, params), report)
    for warning in [*result.edges.warnings, *result.warnings]:
        print(f"warning: {warning}", file=sys.stderr)
    written = write_result(result, out, args.force)
    dims = result.vectors.shape[1]
    print(
        f"wrote {len(result.labels):,} nodes x {dims} dims ({result.params.algorithm}) to {out}; "
        f"edges noted in {written[1]}"
    )
    return 0
