"""Sentences per second: embviz's transformers adapter vs sentence-transformers' encode.

Both run the bundled all-MiniLM-L6-v2 on the same sentences (made here: mixed lengths), in the
same process, alternately, a few times; the best time of each is reported with the ratio.
Goal: embviz at least as fast (ratio >= 1).

    python benchmarks/embed.py [--sentences 2000] [--repeat 3] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embviz.core.tasks import run_task  # noqa: E402
from embviz.models.hf_loading import load  # noqa: E402
from embviz.models.sentence import encode  # noqa: E402

WORDS = (
    "the river bank flooded after heavy rain while she deposited money at the bank and a bat "
    "flew over the spring meadow near the cell tower where people argued about markets"
).split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(4, 60))) + "." for _ in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)

    from sentence_transformers import SentenceTransformer

    texts = sentences(args.sentences)
    loaded = load("default")
    peer = SentenceTransformer(loaded.path, device="cpu")
    ours_times, peer_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours, _ = run_task(encode(loaded, texts, args.batch_size))
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = peer.encode(texts, batch_size=args.batch_size)
        peer_times.append(time.perf_counter() - start)
    diff = float(np.abs(ours - theirs).max())
    ours_rate = len(texts) / min(ours_times)
    peer_rate = len(texts) / min(peer_times)
    print(f"sentences: {len(texts):,}, batch size {args.batch_size}, max |diff| {diff:.2e}")
    print(f"embviz:                {ours_rate:8.1f} sentences/s")
    print(f"sentence-transformers: {peer_rate:8.1f} sentences/s")
    print(f"ratio (embviz / peer): {ours_rate / peer_rate:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
