"""`embviz embed`: one vector per line of a text file, with the transformers adapter; or one
vector per image with a vision or CLIP model (``--images``, :mod:`embviz.cli.embed_images`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.io.export_formats import ProjectorWriter
from embviz.io.safe_write import atomic_write, check_outputs
from embviz.models.base import Kind
from embviz.models.text_input import read_lines

OUTPUTS = (".npy", ".tsv", ".npz")


def add_parser(sub) -> None:
    from embviz.core.params import add_arguments
    from embviz.models.transformers import TransformerParams

    p = sub.add_parser(
        "embed",
        help="embed each line of a text file with a transformer (default: all-MiniLM-L6-v2)",
        description="One vector per input line, in order. With --word: one vector per "
        "occurrence of that word (contextual token embeddings).",
    )
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--sentences", help="text file, one sentence per line")
    given.add_argument(
        "--images",
        help="a folder of images (sorted by file name) or a table with an image-path column: "
        "one vector per image, the model's projected image features (needs --model DIR)",
    )
    p.add_argument("--image-column", help="--images TABLE: the column of image paths")
    p.add_argument("-o", "--output", required=True, help="OUT.npy (+ labels.tsv), .tsv or .npz")
    p.add_argument(
        "--force", action="store_true", help="replace OUT (and its sidecar) if it exists"
    )
    # --model, --batch-size, --word, --layer, ...: one flag per TransformerParams field, as the
    # Compute dialog's form is built from the same dataclass.
    add_arguments(p, TransformerParams)
    p.set_defaults(func=run)


def write_vectors(eset: EmbeddingSet, path: str | Path, force: bool = False) -> list[Path]:
    """Write .npy (+ labels.tsv beside it), .tsv (+ NAME_metadata.tsv, which the readers find) or .npz, atomically
    (all files or none; see embviz.io.safe_write); returns paths."""
    path = Path(path)
    outputs = _outputs(path)
    labels = [label.replace("\t", " ") for label in eset.labels]
    with atomic_write(outputs, force=force) as temps:
        if path.suffix == ".npz":
            from embviz.io.writers import write_npz

            write_npz(eset, temps[0])
        elif path.suffix == ".npy":
            with open(temps[0], "wb") as f:
                np.save(f, np.asarray(eset.vectors, dtype=np.float32))
            temps[1].write_text("".join(label + "\n" for label in labels), encoding="utf-8")
        else:  # the projector pair, as `embviz convert` writes it (X_metadata.tsv beside)
            columns = {k: v for k, v in eset.metadata.items() if k != "text"}
            ProjectorWriter().write(EmbeddingSet(labels, eset.vectors, columns), temps)
    return outputs


def _outputs(path: Path) -> list[Path]:
    if path.suffix not in OUTPUTS:
        raise EmbvizError(f"{path}: write .npy, .tsv or .npz.")
    if path.suffix == ".npz":
        return [path]
    if path.suffix == ".npy":
        return [path, path.with_name("labels.tsv")]
    return ProjectorWriter().outputs(path)


def run(args: argparse.Namespace) -> int:
    from embviz.core.params import from_arguments
    from embviz.core.tasks import run_task
    from embviz.models.transformers import TransformerAdapter, TransformerParams

    check_outputs(_outputs(Path(args.output)), args.force)  # refused before the slow work
    params = from_arguments(TransformerParams, args)  # checked against the declared bounds
    if args.images:
        from embviz.cli.embed_images import embed_images_command

        eset = embed_images_command(args, params.batch_size)
        written = write_vectors(eset, args.output, args.force)
        print(f"wrote {len(eset):,} vectors of {eset.dims} dims to {', '.join(map(str, written))}")
        return 0
    lines = read_lines(args.sentences)
    kind: Kind = "tokens" if params.word else "sentences"
    eset = run_task(TransformerAdapter().embed(lines, kind, params), _report)
    print(file=sys.stderr)
    for warning in eset.warnings:
        print(f"embviz: warning: {warning}", file=sys.stderr)
    written = write_vectors(eset, args.output, args.force)
    print(f"wrote {len(eset):,} vectors of {eset.dims} dims to {', '.join(map(str, written))}")
    return 0


def _report(progress) -> None:
    if sys.stderr.isatty():
        print(f"\r{progress.message[:70]:<70}", end="", file=sys.stderr, flush=True)
