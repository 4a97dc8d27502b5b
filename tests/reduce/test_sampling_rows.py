"""Rows written in another order a block at a time (sampling.save_rows), and a memory map's pages
released from resident memory (umap_place.release_pages)."""

import sys

import numpy as np
import pytest

from embviz.reduce.sampling import save_rows
from embviz.reduce.umap_place import release_pages


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_are_saved_in_the_given_order(tmp_path, dtype):
    x = np.random.default_rng(0).normal(size=(1_001, 7)).astype(dtype)
    order = np.random.default_rng(1).permutation(len(x))
    save_rows(str(tmp_path / "x.npy"), x, order, block=64)  # 16 blocks, the last short
    saved = np.load(tmp_path / "x.npy")
    assert saved.dtype == dtype and np.array_equal(saved, x[order])
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")  # as the UMAP process opens it
    assert np.array_equal(mapped[order.argsort()], x)


def _resident_file_kb():
    for line in open("/proc/self/status"):
        if line.startswith("RssFile:"):
            return int(line.split()[1])
    raise AssertionError("no RssFile line")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status: Linux")
def test_a_maps_pages_leave_resident_memory_and_read_the_same(tmp_path):
    x = np.random.default_rng(0).normal(size=(20_000, 256)).astype(np.float32)  # 20 MB
    np.save(tmp_path / "x.npy", x)
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    before = _resident_file_kb()
    total = float(mapped.sum(dtype=np.float64))  # every page read
    assert _resident_file_kb() - before > 15_000
    release_pages(mapped[10:])  # a view of the map releases the whole map
    assert _resident_file_kb() - before < 5_000
    assert float(mapped.sum(dtype=np.float64)) == total  # read again from the file
    release_pages(x)  # not a map: nothing happens
    assert np.array_equal(mapped, x)
