"""Property-based fuzzing of every reader (a small budget for CI; scripts/fuzz_readers.py runs a
longer campaign). Each mutated file gives a clear error naming the file or a valid set, within a
time and memory bound, with no raw warning."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import embviz
from embviz.core.errors import LoadError

from .fuzzing import MUTATIONS, TIME_BOUND, mutate, read_once, write_seeds

SEED_NAMES = [
    "toy.vec",
    "precise.txt",
    "precise.bin",
    "kv_test.vec",
    "toy_fasttext.bin",
    "glove.txt",
    "glove.txt.gz",
    "glove.txt.bz2",
    "w2v.vec",
    "matrix.txt",
    "v.npy",
    "set.npz",
    "table.csv",
    "emb_tensors.tsv",
    "projector_config.json",
    "t.parquet",
]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    return {path.name: path for path in write_seeds(folder / "seeds")}


def test_every_seed_is_a_valid_set(seeds) -> None:
    for name in SEED_NAMES:
        if name == "t.parquet" and name not in seeds:
            continue  # pyarrow is an optional extra
        outcome = read_once(seeds[name])
        assert outcome.kind == "set", (name, outcome)


@settings(
    max_examples=300,
    deadline=int(TIME_BOUND * 1000),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    name=st.sampled_from(SEED_NAMES),
    mutations=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3),
    case_seed=st.integers(0, 2**31 - 1),
)
# cases earlier campaigns found broken (fixed since): keep them
@example(name="toy_fasttext.bin", mutations=["header-number", "truncate"], case_seed=1945876326)
@example(name="v.npy", mutations=["separator", "header-number"], case_seed=789543549)
@example(name="v.npy", mutations=["binary-int", "flip"], case_seed=283331405)
@example(name="v.npy", mutations=["flip", "separator"], case_seed=1688261814)
@example(name="w2v.vec", mutations=["header-number", "delete"], case_seed=203123156)
@example(name="precise.txt", mutations=["delete", "header-number"], case_seed=592603608)
@example(name="table.csv", mutations=["separator"], case_seed=2129887766)
@example(
    name="table.csv", mutations=["separator", "header-number", "separator"], case_seed=1830552771
)
@example(name="t.parquet", mutations=["separator"], case_seed=1175467882)
def test_mutated_files_give_a_clear_error_or_a_valid_set(
    seeds, tmp_path_factory, name, mutations, case_seed
) -> None:
    if name not in seeds:
        return  # pyarrow is an optional extra
    target = tmp_path_factory.getbasetemp() / "fuzz-case" / name
    mutate(seeds[name], target, mutations, np.random.default_rng(case_seed))
    outcome = read_once(target)
    assert outcome.kind != "bad", outcome


def test_truncated_fasttext_vocabulary_does_not_hang(seeds, tmp_path) -> None:
    data = seeds["toy_fasttext.bin"].read_bytes()
    for cut in (120, 200, 400, len(data) - 100):
        path = tmp_path / f"cut{cut}.bin"
        path.write_bytes(data[:cut])
        start = time.perf_counter()
        with pytest.raises(LoadError) as info:
            embviz.load(path, format="fasttext-bin")
        assert time.perf_counter() - start < TIME_BOUND
        assert str(path) in str(info.value) and "fastText model ends" in str(info.value)
