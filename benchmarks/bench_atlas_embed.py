"""Documents per second: embviz's sentence document embedder vs sentence-transformers' encode.

Short real documents: the sentences of gensim's Lee background corpus and Pang & Lee reviews,
repeated with a running number until there are N (so no two are the same). Both run the bundled
all-MiniLM-L6-v2 in this process, alternately, ``--repeat`` times; the best time of each is
reported with the ratio (goal: >= 1, embviz at least as fast). embviz runs without its disk cache
(``cache=False``) so both do the same work; the time to reopen the same corpus from the cache is
printed too.

    python benchmarks/bench_atlas_embed.py [--docs 2000] [--repeat 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embviz.core.tasks import run_task  # noqa: E402
from embviz.io.sample_corpora import sample_rows  # noqa: E402
from embviz.models.documents.sentence import SentenceDocumentEmbedder, SentenceParams  # noqa: E402


def documents(n: int) -> list[str]:
    pieces = [r["text"] for r in sample_rows("pang-lee")]
    for row in sample_rows("lee"):
        pieces += [s.strip() for s in re.split(r"(?<=[.!?])\s+", row["text"]) if s.strip()]
    return [f"{pieces[i % len(pieces)]} ({i // len(pieces)})" for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu", help="the peer's device (embviz uses CPU)")
    args = parser.parse_args(argv)

    from sentence_transformers import SentenceTransformer

    from embviz.models.hf_loading import load

    texts = documents(args.docs)
    embedder = SentenceDocumentEmbedder()
    params = SentenceParams(batch_size=args.batch_size)
    loaded = load("default")
    peer = SentenceTransformer(loaded.path, device=args.device)
    run_task(embedder.embed(texts[:64], params, cache=False))  # warm both up
    peer.encode(texts[:64], batch_size=args.batch_size)
    ours_times, peer_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours = run_task(embedder.embed(texts, params, cache=False)).vectors
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = peer.encode(texts, batch_size=args.batch_size, normalize_embeddings=True)
        peer_times.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["EMBVIZ_CACHE_DIR"] = cache
        run_task(embedder.embed(texts, params))
        start = time.perf_counter()
        reopened = run_task(embedder.embed(texts, params))
        reopen = time.perf_counter() - start
        assert reopened.from_cache
    diff = float(np.abs(ours - theirs).max())
    ours_best, peer_best = min(ours_times), min(peer_times)
    print(f"documents: {len(texts):,}, batch size {args.batch_size}, torch threads: ", end="")
    import torch

    print(torch.get_num_threads())
    print(f"embviz sentence embedder: {len(texts) / ours_best:,.0f} docs/s ({ours_best:.2f} s)")
    print(f"sentence-transformers:    {len(texts) / peer_best:,.0f} docs/s ({peer_best:.2f} s)")
    print(f"ratio (embviz / sentence-transformers throughput): {peer_best / ours_best:.2f}")
    print(f"reopened from the disk cache: {reopen * 1000:.0f} ms")
    print(f"largest difference between the two: {diff:.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
