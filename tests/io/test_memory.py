"""Memory budgets: what a file declares (a header's rows x dims, an .npy shape, an archive's
expanded size) is checked against available memory before anything is allocated."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import embviz
from embviz.core.errors import LoadError
from embviz.io import guards

from ..conftest import write_glove

MB = 1000 * 1000


@pytest.fixture
def budget(monkeypatch):
    """Pretend this computer has ``available`` bytes free."""

    def set_budget(available: int) -> None:
        monkeypatch.setattr(guards, "available_memory", lambda: available)

    return set_budget


def load_error(path: Path, **options: object) -> str:
    with pytest.raises(LoadError) as info:
        embviz.load(path, **options)
    assert str(path) in str(info.value)
    return str(info.value)


def test_available_memory_is_a_positive_number() -> None:
    meminfo = Path("/proc/meminfo")
    value = guards.available_memory()
    assert value > 0
    if meminfo.exists():  # the kernel's own figure, independently read
        line = next(ln for ln in meminfo.read_text().splitlines() if ln.startswith("MemAvail"))
        assert abs(value - int(line.split()[1]) * 1024) < 512 * MB


def test_word2vec_text_header_claiming_a_trillion_rows(tmp_path, budget) -> None:
    budget(8000 * MB)
    path = tmp_path / "liar.vec"
    path.write_text("1000000000000 300\na 0.1 0.2\n")
    message = load_error(path)
    assert "line 1" in message and "1,000,000,000,000 rows x 300" in message
    assert "1,200.0 TB" in message and "6.4 GB is available" in message


def test_word2vec_text_header_over_a_small_budget(tmp_path, budget) -> None:
    budget(10 * MB)
    path = tmp_path / "big.vec"
    path.write_text("10000 300\n" + "a " + " ".join(["0.5"] * 300) + "\n")
    assert "12.0 MB of memory" in load_error(path)
    budget(100 * MB)  # the same file with room: now the short file is the problem
    assert "only 1" in load_error(path)


def test_word2vec_binary_header_claiming_a_trillion_rows(tmp_path) -> None:
    path = tmp_path / "liar.bin"
    path.write_bytes(b"1000000000000 4\nw " + np.ones(4, "<f4").tobytes())
    message = load_error(path)
    assert "line 1" in message and "1,000,000,000,000 rows" in message and "cut short" in message


def _npy_claiming(shape: tuple[int, int], payload: bytes) -> bytes:
    out = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue() + payload


def test_npy_header_claiming_more_than_the_file_holds(tmp_path) -> None:
    path = tmp_path / "liar.npy"
    path.write_bytes(_npy_claiming((10**12, 4), np.ones(8).tobytes()))
    message = load_error(path)
    assert "1,000,000,000,000 x 4 float64" in message and "cut short" in message


def test_compressed_npy_header_over_budget(tmp_path, budget) -> None:
    budget(100 * MB)
    path = tmp_path / "liar.npy.gz"
    path.write_bytes(gzip.compress(_npy_claiming((10**9, 4), np.ones(8).tobytes())))
    message = load_error(path)
    # 32 GB of float64 expanded, then 16 GB of float32
    assert "needs 48.0 GB of memory" in message and "80.0 MB is available" in message


def test_npz_that_expands_far_is_said_before_expanding(tmp_path, budget, monkeypatch) -> None:
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, vectors=np.zeros((2000, 1000)))  # 16 MB of zeros, ~16 KB on disk
    assert path.stat().st_size < 100_000
    budget(10 * MB)

    def expand(*args: object, **kwargs: object) -> None:
        raise AssertionError("an array was expanded")

    monkeypatch.setattr(np.lib.format, "read_array", expand)
    message = load_error(path)
    assert "expands to 16.0 MB" in message and "8.0 MB is available" in message


def test_forced_table_on_a_big_file_is_refused_with_the_numbers(tmp_path, budget) -> None:
    path = tmp_path / "vectors.txt"
    rng = np.random.default_rng(0)
    write_glove(path, [f"w{i}" for i in range(3000)], rng.normal(size=(3000, 50)))
    size = path.stat().st_size
    budget(4 * size)
    message = load_error(path, format="table")
    assert "table as text" in message and "--limit" in message
    budget(10**12)  # memory enough: it is refused after its first rows, not after all of it
    tracemalloc.start()
    message = load_error(path, format="table")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "single column" in message and "line 1" in message
    assert peak < 2 * size, (peak, size)


def test_npz_that_expands_far_is_said_even_when_it_fits(tmp_path, monkeypatch) -> None:
    from embviz.io import numpy_archive

    monkeypatch.setattr(numpy_archive, "EXPANSION_NOTE_BYTES", 1_000_000)
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, vectors=np.ones((500, 1000), np.float32))  # 2 MB, ~10 KB on disk
    eset = embviz.load(path)
    (warning,) = eset.warnings
    expected = f"{path.stat().st_size / 1000:,.1f} KB on disk but its arrays take 2.0 MB"
    assert expected in warning


def test_parquet_and_tensors_tsv_over_budget(tmp_path, budget) -> None:
    vectors = np.random.default_rng(1).normal(size=(200, 50)).astype(np.float32)
    tsv = tmp_path / "big_tensors.tsv"
    tsv.write_text("".join("\t".join(f"{v:.6f}" for v in row) + "\n" for row in vectors))
    budget(tsv.stat().st_size * 4)
    assert "tensors TSV as text" in load_error(tsv)
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "big.parquet"
    pq.write_table(
        pa.table({"label": [f"w{i}" for i in range(200)], "emb": vectors.tolist()}), path
    )
    budget(1000)
    assert "the Parquet table" in load_error(path)
