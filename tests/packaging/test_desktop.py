"""The start-menu entry and file types, installed per user at XDG paths."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from embviz.cli.desktop import desktop_entry, install, installed_paths, uninstall


def test_desktop_entry_passes_desktop_file_validate(tmp_path):
    exe = shutil.which("desktop-file-validate")
    if exe is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    entry = tmp_path / "embviz.desktop"
    entry.write_text(desktop_entry("/opt/embviz/embviz"))
    result = subprocess.run([exe, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    text = entry.read_text()
    assert (
        "Exec=/opt/embviz/embviz %F" in text and "Categories=Science;DataVisualization;Qt;" in text
    )


def test_mime_xml_is_valid_shared_mime_info(tmp_path):
    exe = shutil.which("update-mime-database")
    if exe is None:
        pytest.skip("update-mime-database is not installed (apt-get install shared-mime-info)")
    install("/usr/bin/embviz", base=tmp_path)
    result = subprocess.run([exe, str(tmp_path / "mime")], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stderr.lower(), result.stderr
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert "application/x-npy:*.npy" in globs and "text/x-word2vec:*.vec" in globs


def test_install_and_uninstall_through_the_cli(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "share"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "embviz"]
    result = subprocess.run([*cmd, "install-desktop"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    paths = installed_paths(tmp_path / "share")
    assert all(p.is_file() for p in paths)
    entry = paths[0].read_text()
    assert "Exec=" in entry and "@EXEC@" not in entry and "Icon=embviz" in entry
    result = subprocess.run([*cmd, "uninstall-desktop"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and not any(p.exists() for p in paths)
    assert uninstall(tmp_path / "share") == []
