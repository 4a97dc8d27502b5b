"""`embviz embed --images FOLDER|TABLE --model DIR`: one vector per image (the model's projected
image features, L2-normalised), labelled by file name, in sorted file-name order for a folder."""

from __future__ import annotations

import argparse
import sys

from embviz.core.dataset import EmbeddingSet
from embviz.core.errors import EmbvizError
from embviz.core.tasks import run_task


def embed_images_command(args: argparse.Namespace, batch_size: int) -> EmbeddingSet:
    from embviz.io.images_input import read_image_input
    from embviz.models.images.encode import embed_image_set

    if args.model in (None, "", "default"):
        raise EmbvizError(
            "--images needs --model DIR: a CLIP or vision model folder (no image model ships "
            "with embviz)."
        )
    given = read_image_input(args.images, args.image_column)
    eset = run_task(embed_image_set(given.images, args.model, given.labels, batch_size), _report)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    metadata = {**given.metadata, **eset.metadata}  # the table's columns, then the image paths
    eset.set_metadata(metadata)
    return eset


def _report(progress) -> None:
    if sys.stderr.isatty():
        print(f"\r{progress.message[:70]:<70}", end="", file=sys.stderr, flush=True)
