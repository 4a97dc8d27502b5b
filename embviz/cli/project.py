"""`embviz project PATH --method pca|tsne|umap|custom [--dims 2|3] [--seed N]
[--param name=value ...] [-o OUT.npy|.csv|.tsv] [--json]`: the GUI's projections, headless.

Parameters are the same dataclasses the GUI's form is built from; `--help` lists them with their
defaults and bounds.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embviz.cli.read_options import add_read_options, load_from_args
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task
from embviz.io.safe_write import atomic_write, check_outputs
from embviz.reduce.params import parse_assignments, specs
from embviz.reduce.registry import get_reducer, projection_task, reducers

COORD_SUFFIXES = (".npy", ".csv", ".tsv")


def _parameters_help() -> str:
    lines = ["parameters (--param name=value):"]
    for reducer in reducers:
        fields = specs(reducer.params_type)
        if not fields:
            continue
        lines.append(f"  {reducer.name} ({reducer.title}):")
        lines += [f"    {s.name}: {s.describe()}" for s in fields]
    return "\n".join(lines)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "project",
        help="project a file to 2-D or 3-D (PCA, t-SNE, UMAP, custom axes)",
        epilog=_parameters_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", help="embedding file")
    p.add_argument("--method", default="pca", help="pca, tsne, umap, custom (default pca)")
    p.add_argument("--dims", type=int, choices=(2, 3), default=2, help="2 or 3 (default 2)")
    p.add_argument("--seed", type=int, help="random seed (same seed, same coordinates)")
    p.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="a method parameter (repeatable)"
    )
    p.add_argument(
        "-o",
        "--output",
        help="write coordinates: .npy (N x dims), or .csv/.tsv (a header, then label and "
        "coordinates per row), one row per input row in input order",
    )
    p.add_argument("--json", action="store_true", help="print method, dims, seconds, trust")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    add_read_options(p)
    p.set_defaults(func=run)


def write_coords(
    path: Path, labels: Sequence[str], coords: np.ndarray, force: bool = False
) -> None:
    """Coordinates as .npy, or .csv/.tsv (label, x, y[, z]; rows left out of the projection
    have empty cells), written atomically (see embviz.io.safe_write)."""
    suffix = path.suffix.lower()
    if suffix not in COORD_SUFFIXES:
        raise EmbvizError(f"{path}: write .npy, .csv or .tsv (got {suffix or 'no extension'}).")
    with atomic_write([path], force=force) as (temp,):
        if suffix == ".npy":
            with open(temp, "wb") as f:
                np.save(f, coords)
            return
        with open(temp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter="," if suffix == ".csv" else "\t")
            writer.writerow(["label"] + ["xyz"[i] for i in range(coords.shape[1])])
            for label, row in zip(labels, coords, strict=True):
                writer.writerow([label] + [repr(float(v)) if np.isfinite(v) else "" for v in row])


def run(args: argparse.Namespace) -> int:
    from embviz.reduce.quality import trustworthiness

    reducer = get_reducer(args.method)
    if args.output:  # a bad output is refused before the (slow) projection
        if Path(args.output).suffix.lower() not in COORD_SUFFIXES:
            raise EmbvizError(f"{args.output}: write .npy, .csv or .tsv.")
        check_outputs([args.output], args.force)
    values = parse_assignments(args.param)
    if args.seed is not None:
        if "seed" not in {s.name for s in specs(reducer.params_type)}:
            raise EmbvizError(f"{reducer.name} has no seed.")
        values["seed"] = args.seed
    eset = load_from_args(args.path, args)
    task = projection_task(eset, reducer.name, values, args.dims)  # checks the parameters
    started = time.perf_counter()
    projection = run_task(task)
    seconds = time.perf_counter() - started
    if args.output:
        write_coords(Path(args.output), eset.labels, projection.coords, args.force)
    placed = np.flatnonzero(np.isfinite(projection.coords).all(axis=1))
    warnings = list(projection.info.get("warnings", []))
    for warning in warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    trust = None
    if (args.json or not args.output) and len(placed) > 21:
        vectors = np.asarray(eset.vectors)[placed]
        trust = trustworthiness(vectors, projection.coords[placed], k=10)
    if args.json:
        result = {"method": reducer.name, "dims": args.dims, "seconds": seconds}
        excluded = len(eset) - len(placed)
        print(json.dumps(result | {"trustworthiness": trust, "rows_left_out": excluded}))
        return 0
    note = projection.sample_note
    print(f"{reducer.title} of {eset.name}: {len(eset):,} rows -> {args.dims}-D in {seconds:.1f} s")
    if trust is not None:
        print(f"trustworthiness (k=10): {trust:.4f}")
    if note:
        print(f"note: {note}")
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr if args.json else sys.stdout)
    return 0
