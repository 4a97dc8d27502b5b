"""Seeds and mutations for fuzzing the readers (used by tests/io/test_fuzz.py and, for longer
campaigns, by scripts/fuzz_readers.py).

A seed is a small valid file of one format (gensim's own test data where it has one); a mutation
does to it what happens to real files: cut short, bytes flipped, separators inserted, header
numbers changed, re-encoded. The property: reading the result gives either a clear error (an
EmbvizError whose message names the file) or a valid set (float32, N > 0, D > 0, unique labels,
non-finite rows warned), within a time and memory bound.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import re
import shutil
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

import embviz
from embviz.core.errors import EmbvizError

GENSIM_SEEDS = {  # gensim's bundled test data: name in gensim -> name here
    "toy-model.vec": "toy.vec",
    "high_precision.kv.txt": "precise.txt",
    "high_precision.kv.bin": "precise.bin",
    "w2v_keyedvectors_load_test.modeldata": "kv_test.vec",
    "toy-model.bin": "toy_fasttext.bin",
}
MEMORY_BOUND = 64 * 1024 * 1024  # bytes one read may take at its peak (tracemalloc)
TIME_BOUND = 5.0  # seconds one read may take


def _labels(n: int) -> list[str]:
    return [f"w{i}" for i in range(n)]


def write_seeds(folder: Path) -> list[Path]:
    """Small valid files of every format in ``folder`` (each seed in its own sub-folder, so that
    sidecars and configs travel with their file). Returns the files to open."""
    from gensim.test.utils import datapath

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 4)).astype(np.float32)
    seeds: list[Path] = []

    def place(name: str) -> Path:
        sub = folder / name.replace(".", "_")
        sub.mkdir(parents=True, exist_ok=True)
        seeds.append(sub / name)
        return sub / name

    for source, name in GENSIM_SEEDS.items():
        shutil.copyfile(datapath(source), place(name))
    glove = b"".join(
        f"{label} {' '.join(f'{v:.5f}' for v in row)}\n".encode()
        for label, row in zip(_labels(6), vectors, strict=True)
    )
    place("glove.txt").write_bytes(glove)
    place("glove.txt.gz").write_bytes(gzip.compress(glove))
    place("glove.txt.bz2").write_bytes(bz2.compress(glove))
    text = b"6 4\n" + glove
    place("w2v.vec").write_bytes(text)
    out = io.BytesIO()
    np.savetxt(out, vectors)
    place("matrix.txt").write_bytes(out.getvalue())
    np.save(place("v.npy"), vectors)
    path = place("set.npz")
    np.savez(path, vectors=vectors, labels=np.array(_labels(6)), pos=np.array(list("abcabc")))
    header = "word,pos," + ",".join(f"d{i}" for i in range(4)) + "\n"
    rows = "".join(
        f"{label},{'NV'[i % 2]}," + ",".join(f"{v:.4f}" for v in row) + "\n"
        for i, (label, row) in enumerate(zip(_labels(6), vectors, strict=True))
    )
    place("table.csv").write_text(header + rows)
    tsv = place("emb_tensors.tsv")
    tsv.write_text("".join("\t".join(f"{v:.5f}" for v in row) + "\n" for row in vectors))
    tsv.with_name("emb_metadata.tsv").write_text(
        "word\tpos\n" + "".join(f"{w}\t{'NV'[i % 2]}\n" for i, w in enumerate(_labels(6)))
    )
    config = place("projector_config.json")
    vectors.astype("<f4").tofile(config.with_name("t.bytes"))
    entry = {"tensorName": "t", "tensorShape": [6, 4], "tensorPath": "t.bytes"}
    config.write_text(json.dumps({"embeddings": [entry]}))
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({"label": _labels(6), "emb": vectors.tolist()})
        pq.write_table(table, place("t.parquet"))
    except ImportError:
        pass
    return seeds


# --- mutations: each takes the bytes and a random generator, gives new bytes -------------------


def truncate(data: bytes, rng: np.random.Generator) -> bytes:
    return data[: int(rng.integers(0, max(1, len(data))))]


def flip_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 5))):
        if out:
            out[int(rng.integers(0, len(out)))] ^= int(rng.integers(1, 256))
    return bytes(out)


def insert_separator(data: bytes, rng: np.random.Generator) -> bytes:
    at = int(rng.integers(0, len(data) + 1))
    sep = [b" ", b"\t", b",", b";", b"\n", b"\r", b"\r\n", b"\n\n", b"\x00", b"  "]
    return data[:at] + sep[int(rng.integers(0, len(sep)))] + data[at:]


def delete_range(data: bytes, rng: np.random.Generator) -> bytes:
    at = int(rng.integers(0, max(1, len(data))))
    return data[:at] + data[at + int(rng.integers(1, 64)) :]


def change_number(data: bytes, rng: np.random.Generator) -> bytes:
    """Replace one of the first numbers (a header's count, a shape) with a wrong one."""
    numbers = list(re.finditer(rb"\d+", data[:256]))
    if not numbers:
        return flip_bytes(data, rng)
    match = numbers[int(rng.integers(0, min(len(numbers), 6)))]
    choices = [b"0", b"-3", b"1", b"7", b"99999999", b"1000000000000", b"3 4 5", b"2.5", b"nan"]
    new = choices[int(rng.integers(0, len(choices)))]
    return data[: match.start()] + new + data[match.end() :]


def change_binary_int(data: bytes, rng: np.random.Generator) -> bytes:
    """Overwrite an int32 among the first 128 bytes (binary headers: fastText, npy, zip)."""
    if len(data) < 8:
        return flip_bytes(data, rng)
    at = int(rng.integers(0, min(len(data), 128) - 4))
    value = [0, -1, 1, 2**31 - 1, 10**9, 300, 7][int(rng.integers(0, 7))]
    return data[:at] + int(value).to_bytes(4, "little", signed=True) + data[at + 4 :]


def reencode(data: bytes, rng: np.random.Generator) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encodings = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp852", "utf-8-sig"]
    encoding = encodings[int(rng.integers(0, len(encodings)))]
    out = text.encode(encoding, errors="replace")
    if int(rng.integers(0, 3)) == 0:
        out = out.replace(b"\n", b"\r")
    return out


def duplicate_line(data: bytes, rng: np.random.Generator) -> bytes:
    lines = data.split(b"\n")
    at = int(rng.integers(0, len(lines)))
    return b"\n".join(lines[: at + 1] + lines[at:])


MUTATIONS: dict[str, Callable[[bytes, np.random.Generator], bytes]] = {
    "truncate": truncate,
    "flip": flip_bytes,
    "separator": insert_separator,
    "delete": delete_range,
    "header-number": change_number,
    "binary-int": change_binary_int,
    "encoding": reencode,
    "duplicate-line": duplicate_line,
}


def mutate(seed: Path, target: Path, names: list[str], rng: np.random.Generator) -> None:
    """Copy the seed's folder to ``target``'s and apply the named mutations to the seed file
    (inside its compression when it is compressed, or to the compressed bytes, at random)."""
    if target.parent.exists():
        shutil.rmtree(target.parent)
    shutil.copytree(seed.parent, target.parent)
    data = seed.read_bytes()
    squeeze = None
    if seed.suffix in (".gz", ".bz2") and int(rng.integers(0, 2)):
        squeeze = gzip if seed.suffix == ".gz" else bz2
        data = squeeze.decompress(data)
    for name in names:
        data = MUTATIONS[name](data, rng)
    if squeeze is not None:
        data = squeeze.compress(data)
    target.write_bytes(data)


# --- the property ----------------------------------------------------------------------------


class Outcome:
    def __init__(self, kind: str, detail: str, seconds: float, peak: int) -> None:
        self.kind, self.detail, self.seconds, self.peak = kind, detail, seconds, peak

    def __repr__(self) -> str:
        return f"Outcome({self.kind}, {self.detail[:200]!r}, {self.seconds:.2f}s, {self.peak:,}B)"


def check_valid(eset: embviz.EmbeddingSet) -> str | None:
    """What is wrong with a loaded set, or None."""
    vectors = np.asarray(eset.vectors)
    if vectors.dtype != np.float32 or vectors.ndim != 2:
        return f"vectors are {vectors.dtype} of {vectors.ndim} dims"
    rows, dims = vectors.shape
    if rows == 0 or dims == 0:
        return f"shape {vectors.shape}"
    if len(eset.labels) != rows or len(set(eset.labels)) != rows:
        return "labels not unique or not one per row"
    if not all(isinstance(label, str) for label in eset.labels):
        return "a label is not a string"
    finite = bool(np.isfinite(vectors).all())
    if not finite and not any("NaN or infinite" in w for w in eset.warnings):
        return "non-finite values without a warning"
    return None


class Hung(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hung


def read_once(path: Path) -> Outcome:
    """Load ``path`` and classify the result: 'set', 'error' or 'bad' (the property failed). A read
    still running after 4x the time bound is interrupted (SIGALRM, main thread only)."""
    import signal
    import threading

    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, 4 * TIME_BOUND)
    tracemalloc.start()
    start = time.perf_counter()
    catcher = warnings.catch_warnings(record=True)
    caught = catcher.__enter__()
    warnings.simplefilter("always")
    try:
        eset = embviz.load(path)
    except Hung:
        kind, detail = "bad", f"still reading after {4 * TIME_BOUND:.0f} s (hung?)"
    except EmbvizError as exc:
        kind, detail = "error", str(exc)
        names = {path.name, *(p.name for p in path.parent.iterdir())}
        if not any(name in detail for name in names):
            kind, detail = "bad", f"message names no file: {detail}"
        elif "\n" in detail.strip():
            kind, detail = "bad", f"message is not one line: {detail}"
    except Exception as exc:  # noqa: BLE001 - what the fuzzing looks for
        kind, detail = "bad", f"{type(exc).__name__}: {exc}"
    else:
        problem = check_valid(eset)
        kind, detail = ("set", f"{eset.shape}") if problem is None else ("bad", problem)
    finally:
        catcher.__exit__(None, None, None)
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if kind != "bad" and caught:
        kind, detail = "bad", f"a warning reached the person raw: {caught[0].message}"
    if kind != "bad" and seconds > TIME_BOUND:
        kind, detail = "bad", f"took {seconds:.1f} s"
    if kind != "bad" and peak > MEMORY_BOUND:
        kind, detail = "bad", f"took {peak:,} bytes at its peak"
    return Outcome(kind, detail, seconds, peak)
