"""A longer fuzzing campaign over every reader (CI runs a small one: tests/io/test_fuzz.py).

    python scripts/fuzz_readers.py [--examples 2000] [--seed 0] [--show 10]

Mutates small valid files of every format (truncate, flip bytes, insert separators, change header
numbers, re-encode, ...) and reads each result. Prints, per seed file and per mutation, how many
reads gave a valid set, a clear error, or broke the property (an exception that is not an
EmbvizError, a message naming no file, an invalid set, over the time or memory bound), then the
first failures with the seed and mutation that reproduce them.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.io.fuzzing import MUTATIONS, mutate, read_once, write_seeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="mutated files to read")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--show", type=int, default=10, help="failures to print in full")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # library noise on stderr would show here
    rng = np.random.default_rng(args.seed)
    names = list(MUTATIONS)
    by_seed: dict[str, Counter[str]] = {}
    by_mutation: dict[str, Counter[str]] = {}
    failures: list[tuple[str, list[str], int, str]] = []
    slowest, biggest = 0.0, 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp) / "seeds")
        for _ in range(args.examples):
            seed = seeds[int(rng.integers(0, len(seeds)))]
            chosen = [names[int(k)] for k in rng.integers(0, len(names), int(rng.integers(1, 4)))]
            case_seed = int(rng.integers(0, 2**31))
            target = Path(tmp) / "case" / seed.name
            mutate(seed, target, chosen, np.random.default_rng(case_seed))
            outcome = read_once(target)
            by_seed.setdefault(seed.name, Counter())[outcome.kind] += 1
            for name in chosen:
                by_mutation.setdefault(name, Counter())[outcome.kind] += 1
            slowest, biggest = max(slowest, outcome.seconds), max(biggest, outcome.peak)
            if outcome.kind == "bad":
                failures.append((seed.name, chosen, case_seed, outcome.detail))
    elapsed = time.perf_counter() - start
    print(f"{args.examples} mutated files read in {elapsed:.0f} s (seed {args.seed})")
    print(f"slowest read {slowest:.2f} s, largest peak {biggest / 1e6:.1f} MB (tracemalloc)\n")
    print(f"{'seed file':24} {'sets':>6} {'errors':>7} {'BROKEN':>7}")
    for name, counts in sorted(by_seed.items()):
        print(f"{name:24} {counts['set']:6} {counts['error']:7} {counts['bad']:7}")
    print(f"\n{'mutation':24} {'sets':>6} {'errors':>7} {'BROKEN':>7}")
    for name, counts in sorted(by_mutation.items()):
        print(f"{name:24} {counts['set']:6} {counts['error']:7} {counts['bad']:7}")
    print(f"\n{len(failures)} broke the property")
    kinds = Counter(detail.split(":")[0][:60] for *_, detail in failures)
    for kind, count in kinds.most_common(20):
        print(f"  {count:5}  {kind}")
    for seed_name, chosen, case_seed, detail in failures[: args.show]:
        print(f"\n- {seed_name} + {'+'.join(chosen)} (case seed {case_seed}):\n  {detail[:400]}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
