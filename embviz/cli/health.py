"""`embviz health PATH [-k 10] [--json]` and `embviz bias PATH --targets X Y --attributes A B`.

Word lists are text files with one word (or multi-word label) per line; blank lines and lines
starting with '#' are ignored.
"""

from __future__ import annotations

import argparse
import json
import sys

from embviz.cli.read_options import add_read_options, load_from_args, positive
from embviz.core.errors import EmbvizError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "health",
        help="anisotropy, hubness, intrinsic dimension, duplicates and outliers of a set",
        description="Embedding health: the mean pairwise cosine (distinct pairs), the mean "
        "vector's share of the length, IsoScore, norms; hubness at k (exact cosine neighbours, "
        "self excluded; k-occurrence skewness as scikit-hubness computes it); TwoNN (as "
        "scikit-dimension computes it) and local MLE dimension; duplicates and outliers.",
    )
    p.add_argument("path", help="embedding file")
    p.add_argument("-k", type=positive, default=10, help="neighbours per point (default 10)")
    p.add_argument(
        "--knn",
        choices=("auto", "exact", "approximate"),
        default="auto",
        help="exact neighbours, or an approximate graph with measured recall (auto: exact "
        "up to 60,000 rows)",
    )
    p.add_argument("--sample", type=positive, help="neighbour figures on a random sample of N rows")
    p.add_argument(
        "--hub-reduction",
        nargs="+",
        choices=("csls", "mp"),
        default=[],
        help="also compute hub-reduced neighbours (CSLS, Gaussian mutual proximity) and their "
        "k-occurrence skewness",
    )
    p.add_argument(
        "--analogies",
        help="questions-words.txt: analogy accuracy with and without hub reduction",
    )
    p.add_argument(
        "--restrict-vocab",
        type=positive,
        default=30_000,
        help="analogies: candidates from the first N rows (default 30000)",
    )
    p.add_argument("--near", type=float, default=0.99, help="near-duplicate cosine threshold")
    p.add_argument("--seed", type=int, default=0, help="seed for sampling (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(p)
    p.set_defaults(func=run_health)

    b = sub.add_parser(
        "bias",
        help="WEAT effect size and permutation p-value (Caliskan et al. 2017)",
        description="WEAT: effect size (sample standard deviation over X u Y) and the one-sided "
        "permutation p-value, exact over all partitions when there are at most 100,000, else "
        "over N random ones. Word lists: one word per line; words the set lacks are skipped "
        "and listed.",
    )
    b.add_argument("path", help="embedding file")
    b.add_argument("--targets", nargs=2, required=True, metavar=("X.txt", "Y.txt"))
    b.add_argument("--attributes", nargs=2, required=True, metavar=("A.txt", "B.txt"))
    b.add_argument(
        "--permutations",
        type=positive,
        default=10_000,
        help="random partitions when an exact count is too large (default 10000)",
    )
    b.add_argument("--seed", type=int, default=0, help="seed of the random partitions")
    b.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_read_options(b)
    b.set_defaults(func=run_bias)


def run_health(args: argparse.Namespace) -> int:
    from embviz.core.health.report import HealthOptions, health_task
    from embviz.core.tasks import run_task

    if not 0 < args.near <= 1:
        raise EmbvizError(f"--near must be a cosine in (0, 1], got {args.near}.")
    if args.analogies and not args.hub_reduction:
        args.hub_reduction = ["csls", "mp"]
    eset = load_from_args(args.path, args)
    options = HealthOptions(
        k=args.k,
        knn=args.knn,
        sample=args.sample,
        near_threshold=args.near,
        hub_reduction=tuple(args.hub_reduction),
        analogies=args.analogies,
        restrict_vocab=args.restrict_vocab,
        seed=args.seed,
    )
    report = run_task(health_task(eset, options))
    for note in report.notes:
        print(f"embviz: note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    print(f"{eset.name}: {len(eset):,} rows x {eset.dims} dims; {report.graph.describe()}")
    width = max(len(name) for name, _, _ in report.explanations())
    for name, value, meaning in report.explanations():
        print(f"  {name:<{width}}  {value}  - {meaning}")
    if report.hub_reduction:
        for method, skew in report.hub_reduction["skewness"].items():
            print(f"  skewness with {method}: {skew:.3f}")
        for method, acc in report.hub_reduction.get("analogy", {}).items():
            if isinstance(acc, dict):
                print(f"  analogy accuracy, {method}: {acc['accuracy']:.3f} of {acc['total']:,}")
    return 0


def run_bias(args: argparse.Namespace) -> int:
    from embviz.core.health.bias import read_word_list, weat

    x, y, a, b = (read_word_list(p) for p in (*args.targets, *args.attributes))
    eset = load_from_args(args.path, args)
    result = weat(eset, x, y, a, b, permutations=args.permutations, seed=args.seed)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    how = "exact" if result.exact else f"{result.partitions:,} random partitions"
    print(f"WEAT effect size {result.effect_size:.4f}, p-value {result.p_value:.4g} ({how})")
    print("  words used: " + ", ".join(f"{k} {v}" for k, v in result.sizes.items()))
    if result.skipped:
        print("  skipped (not in the set): " + ", ".join(result.skipped))
    return 0
