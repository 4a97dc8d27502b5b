"""Writing never breaks what is at the output path and never leaves half a file behind.

Each case is one of issue 13's unsafe writes: a symlink replaced by a file, a read-only file
replaced, a device replaced, a hidden .part left by kill -9, a sidecar written beside a failed
write to a folder.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

from embviz.cli import main
from embviz.core.dataset import EmbeddingSet
from embviz.io.export import export
from embviz.io.safe_write import TEMP_SUFFIX, WriteError, atomic_write

SET = EmbeddingSet(["a", "b", "c"], np.arange(6, dtype=np.float32).reshape(3, 2))
SRC_TEXT = "3 2\na 0 1\nb 2 3\nc 4 5\n"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_existing_file_is_kept_without_force_and_replaced_with_it(tmp_path, capsys) -> None:
    src = tmp_path / "in.vec"
    src.write_text(SRC_TEXT)
    out = tmp_path / "out.npy"
    out.write_bytes(b"precious")
    assert main(["convert", str(src), str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "already exists" in err and "--force" in err
    assert out.read_bytes() == b"precious"
    assert not (tmp_path / "out_metadata.tsv").exists()  # no sidecar either
    assert main(["convert", str(src), str(out), "--force"]) == 0
    assert np.array_equal(np.load(out), SET.vectors)
    assert _leftovers(tmp_path) == []


def test_an_existing_sidecar_counts_as_an_existing_output(tmp_path) -> None:
    (tmp_path / "x_metadata.tsv").write_text("mine\n")
    with pytest.raises(WriteError, match="x_metadata.tsv: already exists"):
        export(SET, tmp_path / "x.npy")
    assert not (tmp_path / "x.npy").exists()
    assert (tmp_path / "x_metadata.tsv").read_text() == "mine\n"


def test_symlink_is_never_replaced_and_force_writes_its_target(tmp_path) -> None:
    target = tmp_path / "real.vec"
    target.write_text("old\n")
    link = tmp_path / "link.vec"
    link.symlink_to(target)
    with pytest.raises(WriteError, match="a link to"):
        export(SET, link)
    assert link.is_symlink() and target.read_text() == "old\n"
    export(SET, link, force=True)
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link is untouched
    assert target.read_text().startswith("3 2\n")  # the file it points to was written


def test_read_only_file_is_not_replaced_even_with_force(tmp_path) -> None:
    out = tmp_path / "ro.vec"
    out.write_text("keep\n")
    out.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        export(SET, out, force=True)
    assert out.read_text() == "keep\n"


def test_replaced_file_keeps_its_permissions(tmp_path) -> None:
    out = tmp_path / "shared.vec"
    out.write_text("old\n")
    out.chmod(0o640)
    export(SET, out, force=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "link-to-device"])
def test_folders_devices_and_fifos_are_never_replaced(tmp_path, capsys, kind) -> None:
    src = tmp_path / "in.vec"
    src.write_text(SRC_TEXT)
    out = tmp_path / "out.vec"
    if kind == "folder":
        out.mkdir()
    elif kind == "fifo":
        os.mkfifo(out)
    elif kind == "device":  # as root: a device node made for the test; else /dev/null itself
        if os.geteuid() == 0:
            os.mknod(out, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        else:
            out = Path("/dev/null")
    else:
        out.symlink_to("/dev/null")
    before = out.lstat()
    assert main(["convert", str(src), str(out), "--force", "--to", "word2vec-text"]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "not a file" in err and "Traceback" not in err
    after = out.lstat()
    assert (before.st_mode, before.st_ino) == (after.st_mode, after.st_ino)
    # converting to a folder wrote no metadata sidecar beside it (issue 13)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"in.vec", out.name} - {"null"})


def test_missing_and_read_only_folders_are_named(tmp_path, capsys) -> None:
    src = tmp_path / "in.vec"
    src.write_text(SRC_TEXT)
    missing = tmp_path / "nope" / "out.npy"
    assert main(["convert", str(src), str(missing)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "does not exist" in err and "bug" not in err
    if os.geteuid() == 0:
        return  # root writes into read-only folders
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    assert main(["convert", str(src), str(locked / "out.npy")]) == 2
    assert "not writable" in capsys.readouterr().err


def test_free_space_is_checked_before_writing(tmp_path, monkeypatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("shutil.disk_usage", lambda _: usage(10**9, 10**9 - 1000, 1000))
    big = EmbeddingSet([f"w{i}" for i in range(1000)], np.zeros((1000, 300), np.float32))
    with pytest.raises(WriteError, match=r"needs about 1\.2 MB and only 0\.0 MB are free"):
        export(big, tmp_path / "big.npy")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_writer_leaves_nothing_and_keeps_the_old_files(tmp_path) -> None:
    main_file, side = tmp_path / "x.npy", tmp_path / "x_metadata.tsv"
    main_file.write_bytes(b"old")
    side.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write([main_file, side], force=True) as temps:
            temps[0].write_bytes(b"new")
            raise RuntimeError("disk went away")
    assert main_file.read_bytes() == b"old" and side.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


SLOW_CONVERT = textwrap.dedent("""
    import sys, time
    import embviz.io.writers as writers

    original = writers.write_npz

    def slow(eset, path):
        original(eset, path)
        print("WRITTEN", flush=True)
        # killed here: the data is in the temp file, not yet renamed. Short sleeps: a signal
        # that lands on another thread (the text scanner's) only sets a flag, which one long
        # sleep of the main thread may not look at (the likely cause of a CI timeout); a real
        # write is busy in Python and sees it at once
        for _ in range(600):
            time.sleep(0.1)

    writers.write_npz = slow
    from embviz.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _start_slow_convert(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_CONVERT, "convert", str(src), str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_written(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert line.strip() == b"WRITTEN", proc.stderr.read()


def test_kill_9_mid_write_leaves_no_output_and_the_next_write_cleans_up(tmp_path) -> None:
    src = tmp_path / "in.vec"
    src.write_text(SRC_TEXT)
    out = tmp_path / "out.npz"
    proc = _start_slow_convert(src, out)
    _wait_written(proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert not out.exists()
    stale = _leftovers(tmp_path)  # SIGKILL cannot be caught: the temp stays, marked as ours
    assert len(stale) == 1 and stale[0].endswith(TEMP_SUFFIX) and f".{proc.pid}-" in stale[0]
    assert main(["convert", str(src), str(out)]) == 0
    assert _leftovers(tmp_path) == []
    assert sorted(np.load(out)["labels"].tolist()) == ["a", "b", "c"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_terminate_or_interrupt_mid_write_removes_the_temp(tmp_path, sig) -> None:
    src = tmp_path / "in.vec"
    src.write_text(SRC_TEXT)
    out = tmp_path / "out.npz"
    out.write_bytes(b"old")
    proc = _start_slow_convert(src, out, "--force")
    _wait_written(proc)
    proc.send_signal(sig)
    assert proc.wait(timeout=20) in (130, 128 + sig)
    assert "Traceback" not in proc.stderr.read().decode()
    time.sleep(0.1)
    assert out.read_bytes() == b"old" and _leftovers(tmp_path) == []
